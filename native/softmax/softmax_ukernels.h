// Softmax microkernels: one family of passes per ISA (scalar, avx2, avx512), for float and double.
// Each pass is a free function with a unique name, defined in its own <pass>_<isa>.cc unit, so that
// code compiled with -mavx512f can never be picked by the linker for a caller of another ISA.
//
// Passes (T = float or double; n >= 1; x and y may be the same array, never a partial overlap):
//   rmax        m = max_i x_i                                  (NaN may or may not be picked up)
//   raddstoreexp  y_i = exp(x_i - m), returns sum_i y_i in double   (three-pass reload, pass 2)
//   raddexp     returns sum_i exp(x_i - m) in double              (recompute and log, pass 2)
//   vscaleexp   y_i = exp(x_i - m) * s                           (recompute, pass 3)
//   vscale      y_i = x_i * s                                    (reload, pass 3)
//   vlogsub     y_i = (x_i - m) - lse, with one rounding          (log-softmax, pass 3)
// Two-pass (Dukhan & Ablavatski; two_pass_<isa>.cc):
//   raddextexp  sum_i exp(x_i) = m * 2^e as a (mantissa, exponent) pair, and the row max
//   vscaleextexp  y_i = p_i * scale * 2^(n_i - e) where exp(x_i) = p_i * 2^n_i; 0 where x_i < threshold
// exp(z) is exactly 0 for z < ln(smallest normal) (about -87.34 for float, -708.40 for double) and
// NaN for NaN; sums are accumulated in blocks and combined in double so they do not drift with n.
#ifndef SKETCHMAX_SOFTMAX_UKERNELS_H_
#define SKETCHMAX_SOFTMAX_UKERNELS_H_

#include <cstddef>

namespace sketchmax {

// Pass 1 of the two-pass softmax: sum_i exp(x_i) = m * 2^e (m is NaN when the row holds NaN or
// +inf), and the row maximum (NaN elements ignored).
template <typename T>
struct ExtSum {
  double m;
  double e;
  T max;
};

template <typename T>
struct SoftmaxUkernels {
  T (*rmax)(size_t n, const T* x);
  double (*raddstoreexp)(size_t n, const T* x, T max, T* y);
  double (*raddexp)(size_t n, const T* x, T max);
  void (*vscaleexp)(size_t n, const T* x, T max, T scale, T* y);
  void (*vscale)(size_t n, const T* x, T scale, T* y);
  void (*vlogsub)(size_t n, const T* x, T max, double lse, T* y);
  void (*raddextexp)(size_t n, const T* x, ExtSum<T>* out);
  void (*vscaleextexp)(size_t n, const T* x, T scale, T e, T threshold, T* y);
};

#define SKETCHMAX_DECLARE_SOFTMAX_UKERNELS(T, suffix)                                 \
  T rmax_##suffix(size_t n, const T* x);                                              \
  double raddstoreexp_##suffix(size_t n, const T* x, T max, T* y);                    \
  double raddexp_##suffix(size_t n, const T* x, T max);                               \
  void vscaleexp_##suffix(size_t n, const T* x, T max, T scale, T* y);                \
  void vscale_##suffix(size_t n, const T* x, T scale, T* y);                          \
  void vlogsub_##suffix(size_t n, const T* x, T max, double lse, T* y);                \
  void raddextexp_##suffix(size_t n, const T* x, ExtSum<T>* out);                     \
  void vscaleextexp_##suffix(size_t n, const T* x, T scale, T e, T threshold, T* y);

#define SKETCHMAX_SOFTMAX_UKERNELS_TABLE(T, suffix)                                   \
  SoftmaxUkernels<T> {                                                                \
    rmax_##suffix, raddstoreexp_##suffix, raddexp_##suffix, vscaleexp_##suffix,       \
        vscale_##suffix, vlogsub_##suffix, raddextexp_##suffix, vscaleextexp_##suffix \
  }

SKETCHMAX_DECLARE_SOFTMAX_UKERNELS(float, f32_scalar)
SKETCHMAX_DECLARE_SOFTMAX_UKERNELS(double, f64_scalar)
#if defined(__x86_64__) || defined(_M_X64)
SKETCHMAX_DECLARE_SOFTMAX_UKERNELS(float, f32_avx2)
SKETCHMAX_DECLARE_SOFTMAX_UKERNELS(double, f64_avx2)
SKETCHMAX_DECLARE_SOFTMAX_UKERNELS(float, f32_avx512)
SKETCHMAX_DECLARE_SOFTMAX_UKERNELS(double, f64_avx512)
#endif

}  // namespace sketchmax

#endif  // SKETCHMAX_SOFTMAX_UKERNELS_H_
