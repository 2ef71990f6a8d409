// AVX2+FMA vector traits and exp cores for float (8 lanes) and double (4 lanes). Include only from
// units compiled with -mavx2 -mfma; anonymous namespace, so nothing leaks to other ISA units.
// AVX2 has no mask registers: tails use maskload/maskstore with a sliding window over a table
// (masked-off lanes are never read or written, so a tail never touches memory past the array).
#ifndef SKETCHMAX_SOFTMAX_SIMD_AVX2_H_
#define SKETCHMAX_SOFTMAX_SIMD_AVX2_H_

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "softmax/exp_constants.h"

namespace sketchmax {
namespace {

constexpr int32_t kMaskTable32[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
constexpr int64_t kMaskTable64[8] = {-1, -1, -1, -1, 0, 0, 0, 0};

struct Avx2F32 {
  using T = float;
  using V = __m256;
  using M = __m256i;
  static constexpr size_t kLanes = 8;

  static V load(const T* p) { return _mm256_loadu_ps(p); }
  static void store(T* p, V v) { _mm256_storeu_ps(p, v); }
  static M tail(size_t r) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMaskTable32 + 8 - r));
  }
  static V maskz_load(M m, const T* p) { return _mm256_maskload_ps(p, m); }
  static V mask_load(V src, M m, const T* p) {
    return _mm256_blendv_ps(src, _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
  }
  static void mask_store(T* p, M m, V v) { _mm256_maskstore_ps(p, m, v); }
  static V maskz(M m, V v) { return _mm256_and_ps(_mm256_castsi256_ps(m), v); }
  static V set1(T v) { return _mm256_set1_ps(v); }
  static V zero() { return _mm256_setzero_ps(); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static T hmax(V v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
  }
  static double hsum(V v) {
    const __m256d s = _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(v)),
                                    _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
    const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
    return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
  }

  // exp(z) for z <= 0: rounding and 2^n folded into the magic-bias FMA (valid for n in [-126, 0]),
  // degree-5 polynomial, exp = s + (t s) p; lanes below ln(FLT_MIN) are zeroed (NaN kept).
  static V exp_cut(V z) {
    using namespace expc;
    const V magic = _mm256_set1_ps(kMagicBiasF);
    V n = _mm256_fmadd_ps(z, _mm256_set1_ps(kLog2eF), magic);
    const V s = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(n), 23));
    n = _mm256_sub_ps(n, magic);
    V t = _mm256_fmadd_ps(n, _mm256_set1_ps(kMinusLn2HiF), z);
    t = _mm256_fmadd_ps(n, _mm256_set1_ps(kMinusLn2LoF), t);
    V p = _mm256_fmadd_ps(_mm256_set1_ps(kC5F), t, _mm256_set1_ps(kC4F));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(kC3F));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(kC2F));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(kC1F));
    t = _mm256_mul_ps(t, s);
    const V f = _mm256_fmadd_ps(t, p, s);
    return _mm256_andnot_ps(_mm256_cmp_ps(z, _mm256_set1_ps(kCutoffF), _CMP_LT_OQ), f);
  }

  // min(0, y), NaN kept (MINPS returns its second operand for NaN). Log-softmax is <= 0; two-pass's
  // lse carries rounding of its own, so its largest outputs could otherwise be a hair above 0.
  static V clamp_nonpositive(V y) { return _mm256_min_ps(_mm256_setzero_ps(), y); }

  static V log_sub(V x, V max, double lse) {
    const __m256d vm = _mm256_cvtps_pd(_mm256_castps256_ps128(max));
    const __m256d vl = _mm256_set1_pd(lse);
    const __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(x));
    const __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1));
    const __m128 ylo = _mm256_cvtpd_ps(_mm256_sub_pd(_mm256_sub_pd(lo, vm), vl));
    const __m128 yhi = _mm256_cvtpd_ps(_mm256_sub_pd(_mm256_sub_pd(hi, vm), vl));
    return clamp_nonpositive(_mm256_set_m128(yhi, ylo));
  }

  // --- two-pass (extended exponent) operations ---
  static constexpr T kExtFloor = expc::kTwoPassFloorF;
  static constexpr T kExtInit = expc::kExtInitF;
  // max(floor, x) with floor first: MAXPS returns its second operand for NaN, so NaN survives.
  static V clamp_floor(V x) { return _mm256_max_ps(_mm256_set1_ps(kExtFloor), x); }
  // exp(x) = p * 2^n with p in [sqrt(2)/2, sqrt(2)], n integer-valued; no max subtracted.
  static void extexp(V x, V& p, V& n) {
    using namespace expc;
    n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(kLog2eF)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V t = _mm256_fmadd_ps(n, _mm256_set1_ps(kMinusLn2HiExtF), x);
    t = _mm256_fmadd_ps(n, _mm256_set1_ps(kMinusLn2LoExtF), t);
    p = _mm256_fmadd_ps(_mm256_set1_ps(kC5F), t, _mm256_set1_ps(kC4F));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(kC3F));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(kC2F));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(kC1F));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.0f));
  }
  // 2^d for integer-valued d <= 0 by the magic bias (1.5*2^23 + 127 puts d + 127 in the exponent
  // field); d is clamped at -127, where the result is +0. NaN d gives 0: NaN must come from v or p.
  static V pow2(V d) {
    const V magic = _mm256_set1_ps(expc::kMagicBiasF);
    const V b = _mm256_add_ps(_mm256_max_ps(d, _mm256_set1_ps(expc::kMinExpF)), magic);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(b), 23));
  }
  static V scale_pow2(V v, V d) { return _mm256_mul_ps(v, pow2(d)); }
  static V add_scaled(V acc, V p, V d) { return _mm256_fmadd_ps(p, pow2(d), acc); }
  static V select(M m, V live, V dead) { return _mm256_blendv_ps(dead, live, _mm256_castsi256_ps(m)); }
  static V zero_below(V y, V x, V thr) { return _mm256_andnot_ps(_mm256_cmp_ps(x, thr, _CMP_LT_OQ), y); }
};

struct Avx2F64 {
  using T = double;
  using V = __m256d;
  using M = __m256i;
  static constexpr size_t kLanes = 4;

  static V load(const T* p) { return _mm256_loadu_pd(p); }
  static void store(T* p, V v) { _mm256_storeu_pd(p, v); }
  static M tail(size_t r) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMaskTable64 + 4 - r));
  }
  static V maskz_load(M m, const T* p) { return _mm256_maskload_pd(p, m); }
  static V mask_load(V src, M m, const T* p) {
    return _mm256_blendv_pd(src, _mm256_maskload_pd(p, m), _mm256_castsi256_pd(m));
  }
  static void mask_store(T* p, M m, V v) { _mm256_maskstore_pd(p, m, v); }
  static V maskz(M m, V v) { return _mm256_and_pd(_mm256_castsi256_pd(m), v); }
  static V set1(T v) { return _mm256_set1_pd(v); }
  static V zero() { return _mm256_setzero_pd(); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static V sub(V a, V b) { return _mm256_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static V max(V a, V b) { return _mm256_max_pd(a, b); }
  static T hmax(V v) {
    __m128d m = _mm_max_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    m = _mm_max_sd(m, _mm_unpackhi_pd(m, m));
    return _mm_cvtsd_f64(m);
  }
  static double hsum(V v) {
    const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
  }

  // Magic bias 1.5*2^52 + 1023: valid for n in [-1022, 0]; degree-13 Taylor polynomial.
  static V exp_cut(V z) {
    using namespace expc;
    const V magic = _mm256_set1_pd(kMagicBiasD);
    V n = _mm256_fmadd_pd(z, _mm256_set1_pd(kLog2eD), magic);
    const V s = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_castpd_si256(n), 52));
    n = _mm256_sub_pd(n, magic);
    V t = _mm256_fmadd_pd(n, _mm256_set1_pd(kMinusLn2HiD), z);
    t = _mm256_fmadd_pd(n, _mm256_set1_pd(kMinusLn2LoD), t);
    V p = _mm256_set1_pd(kInvFactD[kTaylorDegreeD - 1]);
    for (int k = kTaylorDegreeD - 2; k >= 0; --k) p = _mm256_fmadd_pd(p, t, _mm256_set1_pd(kInvFactD[k]));
    t = _mm256_mul_pd(t, s);
    const V f = _mm256_fmadd_pd(t, p, s);
    return _mm256_andnot_pd(_mm256_cmp_pd(z, _mm256_set1_pd(kCutoffD), _CMP_LT_OQ), f);
  }

  static V clamp_nonpositive(V y) { return _mm256_min_pd(_mm256_setzero_pd(), y); }

  static V log_sub(V x, V max, double lse) {
    const V vl = _mm256_set1_pd(lse);
    const V s = _mm256_sub_pd(x, max);
    const V b1 = _mm256_sub_pd(s, x);
    const V e1 = _mm256_add_pd(_mm256_sub_pd(x, _mm256_sub_pd(s, b1)),
                               _mm256_sub_pd(_mm256_sub_pd(_mm256_setzero_pd(), max), b1));
    const V y = _mm256_sub_pd(s, vl);
    const V b2 = _mm256_sub_pd(y, s);
    const V e2 = _mm256_add_pd(_mm256_sub_pd(s, _mm256_sub_pd(y, b2)),
                               _mm256_sub_pd(_mm256_sub_pd(_mm256_setzero_pd(), vl), b2));
    V corr = _mm256_add_pd(e1, e2);
    corr = _mm256_and_pd(corr, _mm256_cmp_pd(corr, corr, _CMP_ORD_Q));
    return clamp_nonpositive(_mm256_add_pd(y, corr));
  }

  // --- two-pass (extended exponent) operations ---
  static constexpr T kExtFloor = expc::kTwoPassFloorD;
  static constexpr T kExtInit = expc::kExtInitD;
  static V clamp_floor(V x) { return _mm256_max_pd(_mm256_set1_pd(kExtFloor), x); }
  static void extexp(V x, V& p, V& n) {
    using namespace expc;
    n = _mm256_round_pd(_mm256_mul_pd(x, _mm256_set1_pd(kLog2eD)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V t = _mm256_fmadd_pd(n, _mm256_set1_pd(kMinusLn2HiD), x);
    t = _mm256_fmadd_pd(n, _mm256_set1_pd(kMinusLn2LoD), t);
    p = _mm256_set1_pd(kInvFactD[kTaylorDegreeD - 1]);
    for (int k = kTaylorDegreeD - 2; k >= 0; --k) p = _mm256_fmadd_pd(p, t, _mm256_set1_pd(kInvFactD[k]));
    p = _mm256_fmadd_pd(p, t, _mm256_set1_pd(1.0));
  }
  // 2^d for integer-valued d <= 0 (magic bias 1.5*2^52 + 1023), +0 at d = -1023.
  static V pow2(V d) {
    const V magic = _mm256_set1_pd(expc::kMagicBiasD);
    const V b = _mm256_add_pd(_mm256_max_pd(d, _mm256_set1_pd(expc::kMinExpD)), magic);
    return _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_castpd_si256(b), 52));
  }
  static V scale_pow2(V v, V d) { return _mm256_mul_pd(v, pow2(d)); }
  static V add_scaled(V acc, V p, V d) { return _mm256_fmadd_pd(p, pow2(d), acc); }
  static V select(M m, V live, V dead) { return _mm256_blendv_pd(dead, live, _mm256_castsi256_pd(m)); }
  static V zero_below(V y, V x, V thr) { return _mm256_andnot_pd(_mm256_cmp_pd(x, thr, _CMP_LT_OQ), y); }
};

}  // namespace
}  // namespace sketchmax

#endif  // SKETCHMAX_SOFTMAX_SIMD_AVX2_H_
