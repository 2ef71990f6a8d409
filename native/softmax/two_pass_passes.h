// The two passes of the two-pass softmax (Dukhan & Ablavatski), written once over a vector-traits
// type and instantiated inside each ISA unit (anonymous namespace: one private copy per unit).
//
// Pass 1 (raddextexp) reads x once and accumulates sum_i exp(x_i) as (mantissa, exponent) pairs
// scaled by exact powers of two toward the running maximum exponent: no max pass, no overflow.
// Each step takes kSteps vectors into kAcc independent accumulators, rescaling each accumulator
// once per step (not once per vector). Every kBlockSteps steps the accumulators are folded into a
// double (mantissa, exponent) total, so no float partial ever holds more than a few dozen terms.
// It also returns the row max (for the guards and the flush threshold of pass 2).
// Pass 2 (vscaleextexp) reads x again and writes y_i = p_i * (1/M) * 2^(n_i - E).
#ifndef SKETCHMAX_SOFTMAX_TWO_PASS_PASSES_H_
#define SKETCHMAX_SOFTMAX_TWO_PASS_PASSES_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "softmax/softmax_passes.h"
#include "softmax/softmax_ukernels.h"

namespace sketchmax {
namespace {

// 2^d for an integer-valued double d <= 0; 0 below the normal range, NaN for NaN.
inline double pow2_double(double d) {
  if (!(d >= -1022.0)) return d != d ? d : 0.0;
  const uint64_t bits = static_cast<uint64_t>(static_cast<int64_t>(d) + 1023) << 52;
  double r;
  std::memcpy(&r, &bits, sizeof r);
  return r;
}

// (m + c) * 2^e in double, c a Neumaier carry; adding a block total rescales toward the larger
// exponent (exact: powers of two), so the total does not drift however many blocks a row has.
struct ExtTotal {
  double m = 0.0;
  double c = 0.0;
  double e = -1.0e300;
  void add(double mb, double eb) {
    if (eb > e) {
      const double s = pow2_double(e - eb);
      m *= s;
      c *= s;
      e = eb;
    } else {
      mb *= pow2_double(eb - e);
    }
    const double t = m + mb;
    c += std::fabs(m) >= std::fabs(mb) ? (m - t) + mb : (mb - t) + m;
    m = t;
  }
  double value() const { return m + c; }
};

template <class Tr>
struct ExtAcc {
  typename Tr::V v = Tr::zero();
  typename Tr::V e = Tr::set1(Tr::kExtInit);
};

// Folds accumulators into the double total: E = max exponent, M = sum of v * 2^(e - E).
template <class Tr, size_t K>
void fold(const ExtAcc<Tr> (&acc)[K], ExtTotal& total) {
  using T = typename Tr::T;
  T e = Tr::hmax(acc[0].e);
  for (size_t k = 1; k < K; ++k) {
    const T ek = Tr::hmax(acc[k].e);
    e = ek > e ? ek : e;
  }
  const auto ve = Tr::set1(e);
  double m = 0.0;
  for (size_t k = 0; k < K; ++k) m += Tr::hsum(Tr::scale_pow2(acc[k].v, Tr::sub(acc[k].e, ve)));
  total.add(m, static_cast<double>(e));
}

template <class Tr, size_t kSteps, size_t kAcc>
void pass_raddextexp(size_t n, const typename Tr::T* x, ExtSum<typename Tr::T>* out) {
  using V = typename Tr::V;
  constexpr size_t W = Tr::kLanes;
  constexpr size_t kStep = kSteps * W;
  constexpr size_t kBlock = kBlockSteps * kStep;
  static_assert(kSteps % kAcc == 0, "each accumulator takes the same number of vectors per step");
  V vmax = Tr::set1(x[0]);
  ExtTotal total;
  size_t i = 0;
  while (i + kStep <= n) {
    const size_t end = (n - i >= kBlock) ? i + kBlock : i + (n - i) / kStep * kStep;
    ExtAcc<Tr> acc[kAcc];
    for (; i < end; i += kStep) {
      V p[kSteps], q[kSteps];
      for (size_t j = 0; j < kSteps; ++j) {
        const V xj = Tr::load(x + i + j * W);
        vmax = Tr::max(xj, vmax);
        Tr::extexp(Tr::clamp_floor(xj), p[j], q[j]);
      }
      for (size_t k = 0; k < kAcc; ++k) {
        V me = acc[k].e;
        for (size_t j = k; j < kSteps; j += kAcc) me = Tr::max(me, q[j]);
        acc[k].v = Tr::scale_pow2(acc[k].v, Tr::sub(acc[k].e, me));
        for (size_t j = k; j < kSteps; j += kAcc) acc[k].v = Tr::add_scaled(acc[k].v, p[j], Tr::sub(q[j], me));
        acc[k].e = me;
      }
    }
    fold(acc, total);
  }
  ExtAcc<Tr> rest[1];
  auto add_one = [&](V p, V q) {
    const V me = Tr::max(rest[0].e, q);
    rest[0].v = Tr::add_scaled(Tr::scale_pow2(rest[0].v, Tr::sub(rest[0].e, me)), p, Tr::sub(q, me));
    rest[0].e = me;
  };
  for (; i + W <= n; i += W) {
    const V xv = Tr::load(x + i);
    vmax = Tr::max(xv, vmax);
    V p, q;
    Tr::extexp(Tr::clamp_floor(xv), p, q);
    add_one(p, q);
  }
  if (i < n) {
    // Dead lanes read x[0] (a row element: cannot raise the max) and contribute p = 0 at the
    // accumulator's own exponent, so they neither add nor rescale anything.
    const auto m = Tr::tail(n - i);
    const V xv = Tr::mask_load(Tr::set1(x[0]), m, x + i);
    vmax = Tr::max(xv, vmax);
    V p, q;
    Tr::extexp(Tr::clamp_floor(xv), p, q);
    add_one(Tr::select(m, p, Tr::zero()), Tr::select(m, q, rest[0].e));
  }
  fold(rest, total);
  out->m = total.value();
  out->e = total.e;
  out->max = Tr::hmax(vmax);
}

template <class Tr>
void pass_vscaleextexp(size_t n, const typename Tr::T* x, typename Tr::T scale, typename Tr::T e,
                       typename Tr::T threshold, typename Tr::T* y) {
  using V = typename Tr::V;
  const V vscale = Tr::set1(scale), vminus_e = Tr::set1(-e), vthr = Tr::set1(threshold);
  // No clamp here: elements below the threshold (-inf included) are zeroed whatever extexp gave.
  pass_map<Tr>(n, x, y, [=](V v) {
    V p, q;
    Tr::extexp(v, p, q);
    return Tr::zero_below(Tr::scale_pow2(Tr::mul(p, vscale), Tr::add(q, vminus_e)), v, vthr);
  });
}

}  // namespace
}  // namespace sketchmax

// Defines the exported two-pass passes of one ISA and dtype with its tuned unroll (kSteps vectors
// per step into kAcc accumulators).
#define SKETCHMAX_DEFINE_TWO_PASS_UKERNELS(Tr, suffix, kSteps, kAcc)                             \
  void raddextexp_##suffix(size_t n, const Tr::T* x, ExtSum<Tr::T>* out) {                       \
    pass_raddextexp<Tr, kSteps, kAcc>(n, x, out);                                                \
  }                                                                                              \
  void vscaleextexp_##suffix(size_t n, const Tr::T* x, Tr::T scale, Tr::T e, Tr::T threshold,   \
                             Tr::T* y) {                                                         \
    pass_vscaleextexp<Tr>(n, x, scale, e, threshold, y);                                         \
  }

#endif  // SKETCHMAX_SOFTMAX_TWO_PASS_PASSES_H_
