// Activation rows to Q8_0 / Q8_1 / Q8_SUM with AVX2, bit-identical to the scalar quantizers in
// kernels/quant.cpp: the same largest magnitude, the same scale arithmetic, round half to even.
#include <immintrin.h>
#include <string.h>

#include "kernels/packed.h"
#include "kernels/quant.h"

namespace {

struct QuantizedBlock {
  float d;  // amax / 127, before its rounding to F16
  int sum;
  __m256i chunk_sums;  // sums of quants 4c..4c+3 for c = 0..7
};

// Quantizes 32 values to qs; returns the scale and the sum of the quants.
QuantizedBlock quantize_block(const float* x, int8_t* qs) {
  __m256 values[4];
  __m256 magnitude = _mm256_setzero_ps();
  for (int v = 0; v < 4; ++v) {
    values[v] = _mm256_loadu_ps(x + 8 * v);
    // max(candidate, running) keeps the running value when the candidate is NaN, as the scalar loop does.
    magnitude = _mm256_max_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), values[v]), magnitude);
  }
  __m128 half = _mm_max_ps(_mm256_castps256_ps128(magnitude), _mm256_extractf128_ps(magnitude, 1));
  half = _mm_max_ps(half, _mm_movehl_ps(half, half));
  half = _mm_max_ss(half, _mm_movehdup_ps(half));
  const float amax = _mm_cvtss_f32(half);
  const float d = amax / 127.0f;
  const __m256 inverse = _mm256_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
  __m256i quants[4];
  for (int v = 0; v < 4; ++v) {
    const __m256 rounded =
        _mm256_round_ps(_mm256_mul_ps(values[v], inverse), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // NaN (from a NaN or infinite input) becomes 0, as in the scalar quantizer.
    const __m256 defined = _mm256_and_ps(rounded, _mm256_cmp_ps(rounded, rounded, _CMP_ORD_Q));
    quants[v] = _mm256_cvtps_epi32(defined);
  }
  // Two rounds of pairwise sums give the chunks as [0, 2, 4, 6 | 1, 3, 5, 7].
  const __m256i pairs =
      _mm256_hadd_epi32(_mm256_hadd_epi32(quants[0], quants[1]), _mm256_hadd_epi32(quants[2], quants[3]));
  const __m256i chunk_sums = _mm256_permutevar8x32_epi32(pairs, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(chunk_sums), _mm256_extracti128_si256(chunk_sums, 1));
  sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(1, 0, 3, 2)));
  sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(2, 3, 0, 1)));
  // Packing works within 128-bit lanes; the permute puts the 32 bytes back in element order.
  const __m256i words =
      _mm256_packs_epi16(_mm256_packs_epi32(quants[0], quants[1]), _mm256_packs_epi32(quants[2], quants[3]));
  const __m256i ordered = _mm256_permutevar8x32_epi32(words, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(qs), ordered);
  return {d, _mm_cvtsi128_si32(sum), chunk_sums};
}

int quantize_row(tessera_activation_format format, const float* source, void* destination, int64_t n) {
  const int64_t n_blocks = n / 32;
  switch (format) {
    case TESSERA_ACTIVATION_Q8_0: {
      auto* blocks = static_cast<tessera_block_q8_0*>(destination);
      for (int64_t b = 0; b < n_blocks; ++b)
        blocks[b].d = tessera_f32_to_f16(quantize_block(source + 32 * b, blocks[b].qs).d);
      return 1;
    }
    case TESSERA_ACTIVATION_Q8_1: {
      auto* blocks = static_cast<tessera_block_q8_1*>(destination);
      for (int64_t b = 0; b < n_blocks; ++b) {
        const QuantizedBlock block = quantize_block(source + 32 * b, blocks[b].qs);
        blocks[b].d = tessera_f32_to_f16(block.d);
        blocks[b].s = tessera_f32_to_f16(block.d * static_cast<float>(block.sum));
      }
      return 1;
    }
    case TESSERA_ACTIVATION_Q8_SUM: {
      auto* blocks = static_cast<tessera_block_q8_sum*>(destination);
      auto* offsets = reinterpret_cast<__m256i*>(blocks + n_blocks);
      for (int64_t b = 0; b < n_blocks; ++b) {
        const QuantizedBlock block = quantize_block(source + 32 * b, blocks[b].qs);
        blocks[b].d = tessera_f32_to_f16(block.d);
        blocks[b].sum = static_cast<int16_t>(block.sum);
        const __m256i minus_eight_times =
            _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(block.chunk_sums, 3));
        _mm256_storeu_si256(offsets + b, minus_eight_times);
      }
      return 1;
    }
    default:
      return 0;
  }
}

}  // namespace

namespace tessera::cpu {
tessera_quantize_row_fn avx2_quantize_row() {
  return quantize_row;
}
}  // namespace tessera::cpu
