// F16 rows16 matmul kernels for AVX-512 (compiled with the AVX-512 level's flags only; called after
// cpuid says so): a group of 16 rows is one 512-bit register.
#define TESSERA_PACKED_F16_ZMM 1
#include "kernels/x86/packed_f16_kernels.inc"

namespace tessera::cpu {
const tessera_f16_packed_kernels* avx512_f16_packed_kernels() {
  return &kF16Kernels;
}
}  // namespace tessera::cpu
