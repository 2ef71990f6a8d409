// Scalar "vector" traits (one lane) so the generic passes in softmax_passes.h compile for the
// portable path too. Tails never occur with one lane; the mask members exist to type-check.
#ifndef SKETCHMAX_SOFTMAX_SIMD_SCALAR_H_
#define SKETCHMAX_SOFTMAX_SIMD_SCALAR_H_

#include <cstddef>

#include "softmax/scalar_math.h"

namespace sketchmax {
namespace {

template <typename Scalar>
struct ScalarTraits {
  using T = Scalar;
  using V = Scalar;
  using M = bool;
  static constexpr size_t kLanes = 1;

  static V load(const T* p) { return *p; }
  static void store(T* p, V v) { *p = v; }
  static M tail(size_t) { return true; }
  static V maskz_load(M, const T* p) { return *p; }
  static V mask_load(V, M, const T* p) { return *p; }
  static void mask_store(T* p, M, V v) { *p = v; }
  static V maskz(M, V v) { return v; }
  static V set1(T v) { return v; }
  static V zero() { return T(0); }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  // Same operand convention as MAXPS: returns b unless a > b.
  static V max(V a, V b) { return a > b ? a : b; }
  static T hmax(V v) { return v; }
  static double hsum(V v) { return v; }
  static V exp_cut(V z) { return sketchmax::exp_cut(z); }
  static V log_sub(V x, V max, double lse) { return sketchmax::log_sub(x, max, lse); }

  // --- two-pass (extended exponent) operations ---
  static constexpr T kExtFloor = sizeof(T) == 4 ? T(expc::kTwoPassFloorF) : T(expc::kTwoPassFloorD);
  static constexpr T kExtInit = sizeof(T) == 4 ? T(expc::kExtInitF) : T(expc::kExtInitD);
  static V clamp_floor(V x) { return kExtFloor > x ? kExtFloor : x; }  // NaN survives
  static void extexp(V x, V& p, V& n) { sketchmax::extexp(x, p, n); }
  static V scale_pow2(V v, V d) { return v * pow2(d); }
  static V add_scaled(V acc, V p, V d) { return acc + p * pow2(d); }
  static V select(M, V live, V) { return live; }
  static V zero_below(V y, V x, V thr) { return x < thr ? T(0) : y; }
};

using ScalarF32 = ScalarTraits<float>;
using ScalarF64 = ScalarTraits<double>;

}  // namespace
}  // namespace sketchmax

#endif  // SKETCHMAX_SOFTMAX_SIMD_SCALAR_H_
