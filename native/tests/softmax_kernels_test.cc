// Kernel tests for the three-pass and two-pass softmax and log-softmax of one ISA (argv[1]), float and double,
// against a long-double reference: every length 1..300 and a few long rows, misaligned pointers,
// in place, guard elements around the output, and the special-value rows of the notes.
// Exit 0 on success, 1 on failure, 77 (skipped) when the CPU lacks the ISA.
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "cpu/dispatch.h"
#include "tests/test_support.h"
#include "softmax/softmax.h"

using namespace sketchmax;

namespace {

int g_failures = 0;

void fail(const char* what, const char* dtype, const char* algo, size_t n, size_t i, double got,
          double want) {
  if (++g_failures <= 20)
    std::fprintf(stderr, "FAIL %s [%s %s n=%zu i=%zu] got %.17g want %.17g\n", what, dtype, algo, n,
                 i, got, want);
}

template <typename T>
struct Bounds;
template <>
struct Bounds<float> {
  static constexpr double rel = 1e-5, sum = 1e-5, log_abs = 1e-5, log_floor = -80, tiny = 1e-30,
                          cutoff = -87.33654;
  static constexpr const char* name = "f32";
};
template <>
struct Bounds<double> {
  static constexpr double rel = 1e-13, sum = 1e-13, log_abs = 1e-13, log_floor = -700, tiny = 1e-300,
                          cutoff = -708.3964;
  static constexpr const char* name = "f64";
};

// Reference by the float64 definition, in long double with a compensated sum.
template <typename T>
std::vector<long double> reference(const T* x, size_t n, bool log) {
  long double m = -std::numeric_limits<long double>::infinity();
  bool nan = false;
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i])) nan = true;
    if (x[i] > m) m = x[i];
  }
  std::vector<long double> y(n);
  if (nan) {
    for (auto& v : y) v = NAN;
    return y;
  }
  long double s = 0, c = 0;
  for (size_t i = 0; i < n; ++i) {
    const long double e = expl((long double)x[i] - m);
    const long double t = s + e;
    c += (s - t) + e;
    s = t;
  }
  s += c;
  for (size_t i = 0; i < n; ++i)
    y[i] = log ? ((long double)x[i] - m) - logl(s) : expl((long double)x[i] - m) / s;
  return y;
}

template <typename T>
void check_row(const KernelTable& k, SoftmaxAlgorithm algo, bool log, const T* x, size_t n,
               bool check_sum) {
  static const char* const kNames[] = {"reload", "recompute", "two-pass", "auto"};
  const char* an = kNames[static_cast<int>(algo)];
  constexpr size_t G = 17;  // guard elements on both sides of the output
  const T canary = T(-12345.5);
  std::vector<T> buf(n + 2 * G, canary);
  T* y = buf.data() + G;
  softmax_rows(k, algo, log, x, y, 1, n);
  for (size_t i = 0; i < G; ++i) {
    if (buf[i] != canary || buf[G + n + i] != canary) fail("guard overwritten", Bounds<T>::name, an, n, i, 0, 0);
  }
  const auto ref = reference(x, n, log);
  long double mx = -INFINITY;
  for (size_t i = 0; i < n; ++i) mx = x[i] > mx ? x[i] : mx;
  long double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double got = y[i], want = (double)ref[i];
    if (std::isnan(want) || std::isnan(got)) {
      if (std::isnan(want) != std::isnan(got)) fail(log ? "log NaN mismatch" : "NaN mismatch", Bounds<T>::name, an, n, i, got, want);
      continue;
    }
    sum += got;
    if (log) {
      if (want > Bounds<T>::log_floor && !(std::fabs(got - want) <= Bounds<T>::log_abs))
        fail("log abs error", Bounds<T>::name, an, n, i, got, want);
      if (std::isinf(want) && got != want) fail("log inf", Bounds<T>::name, an, n, i, got, want);
    } else if ((long double)x[i] - mx < Bounds<T>::cutoff - 0.01 && got != 0.0) {
      fail("not flushed to 0", Bounds<T>::name, an, n, i, got, want);
    } else if (want >= Bounds<T>::tiny) {
      if (!(std::fabs(got - want) <= Bounds<T>::rel * want)) fail("rel error", Bounds<T>::name, an, n, i, got, want);
    } else if (!(std::fabs(got - want) <= Bounds<T>::tiny)) {
      fail("small output", Bounds<T>::name, an, n, i, got, want);
    }
  }
  if (!log && check_sum && !(std::fabs((double)sum - 1.0) <= Bounds<T>::sum))
    fail("sum", Bounds<T>::name, an, n, 0, (double)sum, 1.0);
}

template <typename T>
void check_all(const KernelTable& k, SoftmaxAlgorithm algo, bool log) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u10(-10, 10), u700(-700, 0), u100(90, 100);
  // Every length 1..300 at every misalignment 0..3, exact-size allocations (ASan sees overruns).
  for (size_t n = 1; n <= 300; ++n) {
    for (size_t off = 0; off < 4; ++off) {
      std::vector<T> x(n + off);
      for (auto& v : x) v = (T)u10(rng);
      check_row(k, algo, log, x.data() + off, n, true);
    }
  }
  for (size_t n : {1000, 4099, 65537, 1 << 20}) {
    std::vector<T> x(n);
    for (auto& v : x) v = (T)(sizeof(T) == 8 ? u700(rng) : u10(rng));
    check_row(k, algo, log, x.data(), n, true);
    for (auto& v : x) v = (T)u100(rng);
    check_row(k, algo, log, x.data(), n, true);
    // Wide rows: many terms below the flush cutoff.
    std::uniform_real_distribution<double> wide(sizeof(T) == 8 ? -2000.0 : -300.0, 0.0);
    for (auto& v : x) v = (T)wide(rng);
    check_row(k, algo, log, x.data(), n, true);
  }
  // In place: the output overwrites the input.
  for (size_t n : {1, 7, 33, 1029}) {
    std::vector<T> x(n), y(n);
    for (auto& v : x) v = (T)u10(rng);
    softmax_rows(k, algo, log, x.data(), y.data(), 1, n);
    std::vector<T> z = x;
    softmax_rows(k, algo, log, z.data(), z.data(), 1, n);
    for (size_t i = 0; i < n; ++i)
      if (std::memcmp(&z[i], &y[i], sizeof(T)) != 0) fail("in place differs", Bounds<T>::name, "inplace", n, i, z[i], y[i]);
  }
  // Special rows, alone and embedded at every position of a longer row (tails and main loops).
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  const T big = std::numeric_limits<T>::max();
  const std::vector<std::vector<T>> rows = {
      {-inf, 0, 1}, {-big, 0, 1}, {-inf, -inf, -inf}, {inf, 1, 2}, {nan, 1, 2}, {1, 2, nan},
      {0, -100, -90}, {T(1e8), T(1e8 - 8), T(1e8 - 16)}, {T(1e30), 0, T(-1e30)}, {big, big, 0},
      {-big, -big, -big}, {T(-1e9), T(-1e9), T(-1e9)}, {T(1e6), T(1e6 - 1), T(1e6 - 20)},
      {T(3e6), T(-0.25), -1}, {-inf}, {inf}, {nan}, {5}, {-big}};
  for (const auto& r : rows) {
    check_row(k, algo, log, r.data(), r.size(), false);
    for (size_t n : {37, 70}) {
      for (size_t pos = 0; pos + r.size() <= n; pos += 5) {
        std::vector<T> x(n);
        for (auto& v : x) v = (T)u10(rng);
        std::copy(r.begin(), r.end(), x.begin() + pos);
        check_row(k, algo, log, x.data(), n, false);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Isa isa;
  int exit_code = 0;
  if (!test::select_isa(argc, argv, &isa, &exit_code)) return exit_code;
  const KernelTable& k = kernel_table(isa);
  for (bool log : {false, true}) {
    for (auto algo : {SoftmaxAlgorithm::kThreePassReload, SoftmaxAlgorithm::kThreePassRecompute,
                      SoftmaxAlgorithm::kTwoPass, SoftmaxAlgorithm::kAuto}) {
      check_all<float>(k, algo, log);
      check_all<double>(k, algo, log);
    }
  }
  std::printf("%s: %s\n", isa_name(isa), g_failures ? "FAILED" : "ok");
  return g_failures ? 1 : 0;
}
