// AVX-512 vector traits and exp cores for float (16 lanes) and double (8 lanes). Include only from
// units compiled with -mavx512f -mavx512dq -mfma; everything is in an anonymous namespace so no
// AVX-512 code can be shared with, or picked by the linker for, another ISA's caller.
#ifndef SKETCHMAX_SOFTMAX_SIMD_AVX512_H_
#define SKETCHMAX_SOFTMAX_SIMD_AVX512_H_

#include <immintrin.h>

#include <cstddef>

#include "softmax/exp_constants.h"

namespace sketchmax {
namespace {

struct Avx512F32 {
  using T = float;
  using V = __m512;
  using M = __mmask16;
  static constexpr size_t kLanes = 16;

  static V load(const T* p) { return _mm512_loadu_ps(p); }
  static void store(T* p, V v) { _mm512_storeu_ps(p, v); }
  static M tail(size_t r) { return static_cast<M>((1u << r) - 1u); }
  static V maskz_load(M m, const T* p) { return _mm512_maskz_loadu_ps(m, p); }
  static V mask_load(V src, M m, const T* p) { return _mm512_mask_loadu_ps(src, m, p); }
  static void mask_store(T* p, M m, V v) { _mm512_mask_storeu_ps(p, m, v); }
  static V maskz(M m, V v) { return _mm512_maskz_mov_ps(m, v); }
  static V set1(T v) { return _mm512_set1_ps(v); }
  static V zero() { return _mm512_setzero_ps(); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  static T hmax(V v) { return _mm512_reduce_max_ps(v); }
  // Widen to double before the horizontal add so the block total is not rounded to float.
  static double hsum(V v) {
    const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
    const __m512d hi = _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1));
    return _mm512_reduce_add_pd(_mm512_add_pd(lo, hi));
  }

  // exp(z) for z <= 0: n = round(z log2e), t = z - n ln2 (two FMAs), p(t) degree 5, scalef(p, n).
  // Lanes with z < ln(FLT_MIN) become exactly 0 (NLT_UQ keeps NaN lanes NaN).
  static V exp_cut(V z) {
    using namespace expc;
    const V n = _mm512_roundscale_ps(_mm512_mul_ps(z, _mm512_set1_ps(kLog2eF)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V t = _mm512_fmadd_ps(n, _mm512_set1_ps(kMinusLn2HiF), z);
    t = _mm512_fmadd_ps(n, _mm512_set1_ps(kMinusLn2LoF), t);
    V p = _mm512_fmadd_ps(_mm512_set1_ps(kC5F), t, _mm512_set1_ps(kC4F));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(kC3F));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(kC2F));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(kC1F));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.0f));
    const M keep = _mm512_cmp_ps_mask(z, _mm512_set1_ps(kCutoffF), _CMP_NLT_UQ);
    return _mm512_maskz_scalef_ps(keep, p, n);
  }

  // min(0, y), NaN kept (MINPS returns its second operand for NaN). Log-softmax is <= 0; two-pass's
  // lse carries rounding of its own, so its largest outputs could otherwise be a hair above 0.
  static V clamp_nonpositive(V y) { return _mm512_min_ps(_mm512_setzero_ps(), y); }

  // (x - max) - lse computed in double (exact subtraction of floats), rounded once to float.
  static V log_sub(V x, V max, double lse) {
    const __m512d vm = _mm512_cvtps_pd(_mm512_castps512_ps256(max));
    const __m512d vl = _mm512_set1_pd(lse);
    const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(x));
    const __m512d hi = _mm512_cvtps_pd(_mm512_extractf32x8_ps(x, 1));
    const __m256 ylo = _mm512_cvtpd_ps(_mm512_sub_pd(_mm512_sub_pd(lo, vm), vl));
    const __m256 yhi = _mm512_cvtpd_ps(_mm512_sub_pd(_mm512_sub_pd(hi, vm), vl));
    return clamp_nonpositive(_mm512_insertf32x8(_mm512_castps256_ps512(ylo), yhi, 1));
  }

  // --- two-pass (extended exponent) operations ---
  static constexpr T kExtFloor = expc::kTwoPassFloorF;
  static constexpr T kExtInit = expc::kExtInitF;
  // max(floor, x) with floor first: MAXPS returns its second operand for NaN, so NaN survives.
  static V clamp_floor(V x) { return _mm512_max_ps(_mm512_set1_ps(kExtFloor), x); }
  // exp(x) = p * 2^n with p in [sqrt(2)/2, sqrt(2)], n integer-valued; no max subtracted.
  static void extexp(V x, V& p, V& n) {
    using namespace expc;
    n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(kLog2eF)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V t = _mm512_fmadd_ps(n, _mm512_set1_ps(kMinusLn2HiExtF), x);
    t = _mm512_fmadd_ps(n, _mm512_set1_ps(kMinusLn2LoExtF), t);
    p = _mm512_fmadd_ps(_mm512_set1_ps(kC5F), t, _mm512_set1_ps(kC4F));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(kC3F));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(kC2F));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(kC1F));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.0f));
  }
  static V scale_pow2(V v, V d) { return _mm512_scalef_ps(v, d); }
  static V add_scaled(V acc, V p, V d) { return _mm512_add_ps(acc, _mm512_scalef_ps(p, d)); }
  static V select(M m, V live, V dead) { return _mm512_mask_blend_ps(m, dead, live); }
  // y where x >= thr (or x is NaN), else 0.
  static V zero_below(V y, V x, V thr) { return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, thr, _CMP_NLT_UQ), y); }
};

struct Avx512F64 {
  using T = double;
  using V = __m512d;
  using M = __mmask8;
  static constexpr size_t kLanes = 8;

  static V load(const T* p) { return _mm512_loadu_pd(p); }
  static void store(T* p, V v) { _mm512_storeu_pd(p, v); }
  static M tail(size_t r) { return static_cast<M>((1u << r) - 1u); }
  static V maskz_load(M m, const T* p) { return _mm512_maskz_loadu_pd(m, p); }
  static V mask_load(V src, M m, const T* p) { return _mm512_mask_loadu_pd(src, m, p); }
  static void mask_store(T* p, M m, V v) { _mm512_mask_storeu_pd(p, m, v); }
  static V maskz(M m, V v) { return _mm512_maskz_mov_pd(m, v); }
  static V set1(T v) { return _mm512_set1_pd(v); }
  static V zero() { return _mm512_setzero_pd(); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static V sub(V a, V b) { return _mm512_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static V max(V a, V b) { return _mm512_max_pd(a, b); }
  static T hmax(V v) { return _mm512_reduce_max_pd(v); }
  static double hsum(V v) { return _mm512_reduce_add_pd(v); }

  static V exp_cut(V z) {
    using namespace expc;
    const V n = _mm512_roundscale_pd(_mm512_mul_pd(z, _mm512_set1_pd(kLog2eD)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V t = _mm512_fmadd_pd(n, _mm512_set1_pd(kMinusLn2HiD), z);
    t = _mm512_fmadd_pd(n, _mm512_set1_pd(kMinusLn2LoD), t);
    V p = _mm512_set1_pd(kInvFactD[kTaylorDegreeD - 1]);
    for (int k = kTaylorDegreeD - 2; k >= 0; --k) p = _mm512_fmadd_pd(p, t, _mm512_set1_pd(kInvFactD[k]));
    p = _mm512_fmadd_pd(p, t, _mm512_set1_pd(1.0));
    const M keep = _mm512_cmp_pd_mask(z, _mm512_set1_pd(kCutoffD), _CMP_NLT_UQ);
    return _mm512_maskz_scalef_pd(keep, p, n);
  }

  static V clamp_nonpositive(V y) { return _mm512_min_pd(_mm512_setzero_pd(), y); }

  // (x - max) - lse with both subtractions as TwoSum and one final rounding; error terms that
  // are NaN (infinite operands) are dropped so -inf stays -inf.
  static V log_sub(V x, V max, double lse) {
    const V vl = _mm512_set1_pd(lse);
    const V s = _mm512_sub_pd(x, max);
    const V b1 = _mm512_sub_pd(s, x);
    const V e1 = _mm512_add_pd(_mm512_sub_pd(x, _mm512_sub_pd(s, b1)),
                               _mm512_sub_pd(_mm512_sub_pd(_mm512_setzero_pd(), max), b1));
    const V y = _mm512_sub_pd(s, vl);
    const V b2 = _mm512_sub_pd(y, s);
    const V e2 = _mm512_add_pd(_mm512_sub_pd(s, _mm512_sub_pd(y, b2)),
                               _mm512_sub_pd(_mm512_sub_pd(_mm512_setzero_pd(), vl), b2));
    const V corr = _mm512_add_pd(e1, e2);
    const M ordered = _mm512_cmp_pd_mask(corr, corr, _CMP_ORD_Q);
    return clamp_nonpositive(_mm512_mask_add_pd(y, ordered, y, corr));
  }

  // --- two-pass (extended exponent) operations ---
  static constexpr T kExtFloor = expc::kTwoPassFloorD;
  static constexpr T kExtInit = expc::kExtInitD;
  static V clamp_floor(V x) { return _mm512_max_pd(_mm512_set1_pd(kExtFloor), x); }
  static void extexp(V x, V& p, V& n) {
    using namespace expc;
    n = _mm512_roundscale_pd(_mm512_mul_pd(x, _mm512_set1_pd(kLog2eD)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V t = _mm512_fmadd_pd(n, _mm512_set1_pd(kMinusLn2HiD), x);
    t = _mm512_fmadd_pd(n, _mm512_set1_pd(kMinusLn2LoD), t);
    p = _mm512_set1_pd(kInvFactD[kTaylorDegreeD - 1]);
    for (int k = kTaylorDegreeD - 2; k >= 0; --k) p = _mm512_fmadd_pd(p, t, _mm512_set1_pd(kInvFactD[k]));
    p = _mm512_fmadd_pd(p, t, _mm512_set1_pd(1.0));
  }
  static V scale_pow2(V v, V d) { return _mm512_scalef_pd(v, d); }
  static V add_scaled(V acc, V p, V d) { return _mm512_add_pd(acc, _mm512_scalef_pd(p, d)); }
  static V select(M m, V live, V dead) { return _mm512_mask_blend_pd(m, dead, live); }
  static V zero_below(V y, V x, V thr) { return _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(x, thr, _CMP_NLT_UQ), y); }
};

}  // namespace
}  // namespace sketchmax

#endif  // SKETCHMAX_SOFTMAX_SIMD_AVX512_H_
