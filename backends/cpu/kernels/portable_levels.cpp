// Builds for CPUs without x86 SIMD files (e.g. aarch64 until its NEON files land): every level
// dispatches to the scalar kernels.
#include "kernels/activation_kernels.h"
#include "kernels/attention_kernels.h"
#include "kernels/packed.h"
#include "kernels/packed_f16.h"
#include "kernels/quant.h"
#include "kernels/rope_kernels.h"

namespace tessera::cpu {
const tessera_dot_kernels* avx2_dot_kernels() { return nullptr; }
const tessera_dot_kernels* avx512_dot_kernels() { return nullptr; }
tessera_quantize_row_fn avx2_quantize_row() { return nullptr; }
const tessera_attention_kernels* avx2_attention_kernels() { return nullptr; }
const tessera_attention_kernels* avx512_attention_kernels() { return nullptr; }
const tessera_activation_kernels* avx2_activation_kernels() { return nullptr; }
tessera_rope_rotate_fn avx2_rope_rotate() { return nullptr; }
const tessera_packed_kernels* avx2_packed_kernels() { return nullptr; }
const tessera_packed_kernels* avx512_packed_kernels() { return nullptr; }
const tessera_f16_packed_kernels* avx2_f16_packed_kernels() { return nullptr; }
const tessera_f16_packed_kernels* avx512_f16_packed_kernels() { return nullptr; }
}  // namespace tessera::cpu
