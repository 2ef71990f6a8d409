// AVX2+FMA vector of four doubles for the generic dense kernels. Include only from units compiled
// with -mavx2 -mfma. Tails use maskload/maskstore: masked-off lanes are never read or written.
#ifndef SKETCHMAX_LINALG_VEC_AVX2_H_
#define SKETCHMAX_LINALG_VEC_AVX2_H_

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace sketchmax {
namespace {

constexpr int64_t kVecMaskTable64[8] = {-1, -1, -1, -1, 0, 0, 0, 0};

struct VecAvx2 {
  using V = __m256d;
  using M = __m256i;
  static constexpr size_t kLanes = 4;
  static M tail(size_t r) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kVecMaskTable64 + 4 - r)); }
  static V load(const double* p) { return _mm256_loadu_pd(p); }
  static V maskz_load(M m, const double* p) { return _mm256_maskload_pd(p, m); }
  static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  static void mask_store(double* p, M m, V v) { _mm256_maskstore_pd(p, m, v); }
  static V set1(double v) { return _mm256_set1_pd(v); }
  static V zero() { return _mm256_setzero_pd(); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static V sub(V a, V b) { return _mm256_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static double hsum(V v) {
    const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
  }
};

}  // namespace
}  // namespace sketchmax

#endif  // SKETCHMAX_LINALG_VEC_AVX2_H_
