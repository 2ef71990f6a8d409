// AVX-512F vector of eight doubles for the generic dense kernels. Include only from units compiled
// with the AVX-512 flags. Tails use mask registers: masked-off lanes are never read or written.
#ifndef SKETCHMAX_LINALG_VEC_AVX512_H_
#define SKETCHMAX_LINALG_VEC_AVX512_H_

#include <immintrin.h>

#include <cstddef>

namespace sketchmax {
namespace {

struct VecAvx512 {
  using V = __m512d;
  using M = __mmask8;
  static constexpr size_t kLanes = 8;
  static M tail(size_t r) { return static_cast<M>((1u << r) - 1u); }
  static V load(const double* p) { return _mm512_loadu_pd(p); }
  static V maskz_load(M m, const double* p) { return _mm512_maskz_loadu_pd(m, p); }
  static void store(double* p, V v) { _mm512_storeu_pd(p, v); }
  static void mask_store(double* p, M m, V v) { _mm512_mask_storeu_pd(p, m, v); }
  static V set1(double v) { return _mm512_set1_pd(v); }
  static V zero() { return _mm512_setzero_pd(); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static V sub(V a, V b) { return _mm512_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static double hsum(V v) { return _mm512_reduce_add_pd(v); }
};

}  // namespace
}  // namespace sketchmax

#endif  // SKETCHMAX_LINALG_VEC_AVX512_H_
