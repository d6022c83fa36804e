// Matmul kernels for AVX-512 (F, BW, VL, DQ) with VNNI (compiled with those flags only; called after
// cpuid says so): plain-layout dot products use vpdpbusd on 256-bit registers, rows16-packed tiles on
// 512-bit registers (16 rows each).
#define TESSERA_DOT_VNNI 1
#define TESSERA_PACKED_ZMM 1
#include "kernels/x86/dot_kernels.inc"
#include "kernels/x86/packed_kernels.inc"

namespace tessera::cpu {
const tessera_dot_kernels* avx512_dot_kernels() { return &kDotKernels; }
const tessera_packed_kernels* avx512_packed_kernels() { return &kPackedKernels; }
}  // namespace tessera::cpu
