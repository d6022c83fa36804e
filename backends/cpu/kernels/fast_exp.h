// exp(x) as llama.cpp's CPU backend computes it for softmax and SiLU on AVX-512 CPUs: x = n ln 2 + b
// with n an integer, exp(b) by a degree-5 polynomial, scaled by 2^n. Within 1.5 ulp of exp. Every
// step is a correctly rounded operation, so any implementation of these steps (scalar or SIMD)
// gives the same bits. C-style: ISA files include this header too.
#pragma once

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline float tessera_fast_exp(float x) {
  const float shifter = 0x1.8p23f; /* adding it rounds a float below 2^22 to an integer */
  const float n = fmaf(x, 0x1.715476p+0f, shifter) - shifter;
  if (fabsf(n) > 192.0f) return n > 0.0f ? INFINITY : 0.0f;
  const float b = fmaf(-n, 0x1.7f7d1cp-20f, fmaf(-n, 0x1.62e4p-1f, x));
  const float b2 = b * b;
  const float polynomial = fmaf(fmaf(fmaf(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), b2, fmaf(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)),
                                b2, fmaf(0x1.ffffecp-1f, b, 1.0f));
  if (fabsf(n) > 125.0f) return ldexpf(polynomial, (int)n);
  /* 2^n is a normal float and so is the result: multiplying by it is exact scaling */
  const uint32_t bits = (uint32_t)((int32_t)n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return polynomial * scale;
}
