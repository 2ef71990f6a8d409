// The passes of the three-pass softmax and log-softmax, written once over a vector-traits type
// (simd_scalar.h, simd_avx2.h, simd_avx512.h) and instantiated inside each ISA unit. Everything is
// in an anonymous namespace: each unit compiles its own copy with its own -m flags.
//
// Main loops take four vectors per step with independent accumulators; remaining whole vectors go
// one at a time and the last partial vector through a mask, so any n >= 1 is handled without
// reading or writing outside [0, n). Sums are taken per block of kBlockSteps*4 vectors in the
// working precision and the block totals combined in double with compensation, so each lane's
// partial sum never holds more than kBlockSteps terms and the total does not drift with n.
#ifndef SKETCHMAX_SOFTMAX_SOFTMAX_PASSES_H_
#define SKETCHMAX_SOFTMAX_SOFTMAX_PASSES_H_

#include <cstddef>

#include "softmax/compensated_sum.h"

namespace sketchmax {
namespace {

constexpr size_t kBlockSteps = 16;

template <class Tr>
typename Tr::T pass_rmax(size_t n, const typename Tr::T* x) {
  using V = typename Tr::V;
  constexpr size_t W = Tr::kLanes;
  V m0 = Tr::set1(x[0]), m1 = m0, m2 = m0, m3 = m0;
  size_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    m0 = Tr::max(Tr::load(x + i), m0);
    m1 = Tr::max(Tr::load(x + i + W), m1);
    m2 = Tr::max(Tr::load(x + i + 2 * W), m2);
    m3 = Tr::max(Tr::load(x + i + 3 * W), m3);
  }
  for (; i + W <= n; i += W) m0 = Tr::max(Tr::load(x + i), m0);
  if (i < n) m1 = Tr::max(Tr::mask_load(m1, Tr::tail(n - i), x + i), m1);
  return Tr::hmax(Tr::max(Tr::max(m0, m1), Tr::max(m2, m3)));
}

// Shared body of the two summing passes; Store selects whether exp(x - max) is written to y.
template <class Tr, bool Store>
double pass_radd_exp(size_t n, const typename Tr::T* x, typename Tr::T max, typename Tr::T* y) {
  using V = typename Tr::V;
  constexpr size_t W = Tr::kLanes;
  constexpr size_t kBlock = kBlockSteps * 4 * W;
  const V vmax = Tr::set1(max);
  CompensatedSum total;
  size_t i = 0;
  while (i + 4 * W <= n) {
    const size_t end = (n - i >= kBlock) ? i + kBlock : i + (n - i) / (4 * W) * (4 * W);
    V a0 = Tr::zero(), a1 = a0, a2 = a0, a3 = a0;
    for (; i < end; i += 4 * W) {
      const V e0 = Tr::exp_cut(Tr::sub(Tr::load(x + i), vmax));
      const V e1 = Tr::exp_cut(Tr::sub(Tr::load(x + i + W), vmax));
      const V e2 = Tr::exp_cut(Tr::sub(Tr::load(x + i + 2 * W), vmax));
      const V e3 = Tr::exp_cut(Tr::sub(Tr::load(x + i + 3 * W), vmax));
      if (Store) {
        Tr::store(y + i, e0);
        Tr::store(y + i + W, e1);
        Tr::store(y + i + 2 * W, e2);
        Tr::store(y + i + 3 * W, e3);
      }
      a0 = Tr::add(a0, e0);
      a1 = Tr::add(a1, e1);
      a2 = Tr::add(a2, e2);
      a3 = Tr::add(a3, e3);
    }
    total.add(Tr::hsum(Tr::add(Tr::add(a0, a1), Tr::add(a2, a3))));
  }
  V acc = Tr::zero();
  for (; i + W <= n; i += W) {
    const V e = Tr::exp_cut(Tr::sub(Tr::load(x + i), vmax));
    if (Store) Tr::store(y + i, e);
    acc = Tr::add(acc, e);
  }
  if (i < n) {
    const auto m = Tr::tail(n - i);
    const V e = Tr::maskz(m, Tr::exp_cut(Tr::sub(Tr::maskz_load(m, x + i), vmax)));
    if (Store) Tr::mask_store(y + i, m, e);
    acc = Tr::add(acc, e);
  }
  total.add(Tr::hsum(acc));
  return total.value();
}

// Elementwise map y = f(x) with the same 4x / 1x / masked-tail structure.
template <class Tr, class F>
void pass_map(size_t n, const typename Tr::T* x, typename Tr::T* y, F f) {
  constexpr size_t W = Tr::kLanes;
  size_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    Tr::store(y + i, f(Tr::load(x + i)));
    Tr::store(y + i + W, f(Tr::load(x + i + W)));
    Tr::store(y + i + 2 * W, f(Tr::load(x + i + 2 * W)));
    Tr::store(y + i + 3 * W, f(Tr::load(x + i + 3 * W)));
  }
  for (; i + W <= n; i += W) Tr::store(y + i, f(Tr::load(x + i)));
  if (i < n) {
    const auto m = Tr::tail(n - i);
    Tr::mask_store(y + i, m, f(Tr::maskz_load(m, x + i)));
  }
}

template <class Tr>
void pass_vscaleexp(size_t n, const typename Tr::T* x, typename Tr::T max, typename Tr::T scale,
                    typename Tr::T* y) {
  using V = typename Tr::V;
  const V vmax = Tr::set1(max), vscale = Tr::set1(scale);
  pass_map<Tr>(n, x, y, [=](V v) { return Tr::mul(Tr::exp_cut(Tr::sub(v, vmax)), vscale); });
}

template <class Tr>
void pass_vscale(size_t n, const typename Tr::T* x, typename Tr::T scale, typename Tr::T* y) {
  using V = typename Tr::V;
  const V vscale = Tr::set1(scale);
  pass_map<Tr>(n, x, y, [=](V v) { return Tr::mul(v, vscale); });
}

template <class Tr>
void pass_vlogsub(size_t n, const typename Tr::T* x, typename Tr::T max, double lse,
                  typename Tr::T* y) {
  using V = typename Tr::V;
  const V vmax = Tr::set1(max);
  pass_map<Tr>(n, x, y, [=](V v) { return Tr::log_sub(v, vmax, lse); });
}

}  // namespace
}  // namespace sketchmax

// Defines the exported passes of one ISA and dtype: suffix is e.g. f32_avx512.
#define SKETCHMAX_DEFINE_SOFTMAX_UKERNELS(Tr, suffix)                                          \
  Tr::T rmax_##suffix(size_t n, const Tr::T* x) { return pass_rmax<Tr>(n, x); }                \
  double raddstoreexp_##suffix(size_t n, const Tr::T* x, Tr::T max, Tr::T* y) {                \
    return pass_radd_exp<Tr, true>(n, x, max, y);                                              \
  }                                                                                            \
  double raddexp_##suffix(size_t n, const Tr::T* x, Tr::T max) {                               \
    return pass_radd_exp<Tr, false>(n, x, max, nullptr);                                       \
  }                                                                                            \
  void vscaleexp_##suffix(size_t n, const Tr::T* x, Tr::T max, Tr::T scale, Tr::T* y) {        \
    pass_vscaleexp<Tr>(n, x, max, scale, y);                                                   \
  }                                                                                            \
  void vscale_##suffix(size_t n, const Tr::T* x, Tr::T scale, Tr::T* y) {                      \
    pass_vscale<Tr>(n, x, scale, y);                                                           \
  }                                                                                            \
  void vlogsub_##suffix(size_t n, const Tr::T* x, Tr::T max, double lse, Tr::T* y) {           \
    pass_vlogsub<Tr>(n, x, max, lse, y);                                                       \
  }

#endif  // SKETCHMAX_SOFTMAX_SOFTMAX_PASSES_H_
