// Matmul kernels for AVX2 + FMA + F16C (compiled with those flags only; called after cpuid says so):
// plain-layout dot products and rows16-packed tiles (8 rows per 256-bit register).
#define TESSERA_DOT_VNNI 0
#define TESSERA_PACKED_ZMM 0
#include "kernels/x86/dot_kernels.inc"
#include "kernels/x86/packed_kernels.inc"

namespace tessera::cpu {
const tessera_dot_kernels* avx2_dot_kernels() { return &kDotKernels; }
const tessera_packed_kernels* avx2_packed_kernels() { return &kPackedKernels; }
}  // namespace tessera::cpu
