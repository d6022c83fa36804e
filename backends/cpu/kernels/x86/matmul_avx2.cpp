// Matmul dot kernels for AVX2 + FMA + F16C (compiled with those flags only; called after cpuid says so).
#define TESSERA_DOT_VNNI 0
#include "kernels/x86/dot_kernels.inc"

namespace tessera::cpu {
const tessera_dot_kernels* avx2_dot_kernels() { return &kDotKernels; }
}  // namespace tessera::cpu
