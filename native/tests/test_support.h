// What every native kernel test shares: choosing the ISA from argv (exit 77, ctest's "skipped",
// when the CPU cannot run it), a failure counter with one report line per failed check, and seeded
// Gaussian data. Header-only: each test is one executable (and the _avx512_emulated variants
// recompile the kernels, not this).
#ifndef SKETCHMAX_TESTS_TEST_SUPPORT_H_
#define SKETCHMAX_TESTS_TEST_SUPPORT_H_

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "cpu/dispatch.h"

namespace sketchmax {
namespace test {

inline int g_failures = 0;

inline void check(bool ok, const char* what, double got = 0, double want = 0) {
  if (ok) return;
  ++g_failures;
  std::printf("FAIL %s (got %.17g, want %.17g)\n", what, got, want);
}

inline std::vector<double> gaussian(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g;
  std::vector<double> v(count);
  for (double& e : v) e = g(rng);
  return v;
}

inline bool same_bits(const double* a, const double* b, size_t n) {
  return std::memcmp(a, b, n * sizeof(double)) == 0;
}

// The ISA named by argv[1] (default: the best this CPU runs). Returns false with *exit_code set (2:
// unknown name, 77: the CPU cannot run it) when the test must not run.
inline bool select_isa(int argc, char** argv, Isa* isa, int* exit_code) {
  *isa = best_isa();
  if (argc > 1 && !parse_isa(argv[1], isa)) {
    std::fprintf(stderr, "unknown ISA %s\n", argv[1]);
    *exit_code = 2;
    return false;
  }
  if (!isa_supported(*isa)) {
    std::printf("skipped: this CPU cannot run %s\n", isa_name(*isa));
    *exit_code = 77;
    return false;
  }
  return true;
}

}  // namespace test
}  // namespace sketchmax

#endif  // SKETCHMAX_TESTS_TEST_SUPPORT_H_
