// F16 rows16 matmul kernels for AVX2 + FMA + F16C (compiled with those flags only; called after cpuid
// says so): a group of 16 rows is two 256-bit registers.
#define TESSERA_PACKED_F16_ZMM 0
#include "kernels/x86/packed_f16_kernels.inc"

namespace tessera::cpu {
const tessera_f16_packed_kernels* avx2_f16_packed_kernels() {
  return &kF16Kernels;
}
}  // namespace tessera::cpu
