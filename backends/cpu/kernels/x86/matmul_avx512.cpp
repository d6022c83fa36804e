// Matmul dot kernels for AVX-512 (F, BW, VL, DQ) with VNNI: the u8 x s8 sums use vpdpbusd on 256-bit
// registers (compiled with those flags only; called after cpuid says so).
#define TESSERA_DOT_VNNI 1
#include "kernels/x86/dot_kernels.inc"

namespace tessera::cpu {
const tessera_dot_kernels* avx512_dot_kernels() { return &kDotKernels; }
}  // namespace tessera::cpu
