// Sketch application of one ISA (argv[1]) against naive references written here from
// random_choices.h: bit for bit for Rademacher, SRHT, CountSketch and sparse sign (the same per-entry
// summation order as the TypeScript backend), and for Gaussian to 1e-12 relative (it is in fact
// exact too, same libm). Also: threads 1, 2, 3 give identical bits; streaming in uneven row blocks
// with row0 equals the one-shot sketch; SRHT with n not a power of two and multi-pass transforms;
// d = 1; with and without b; bad input returns false without touching memory it must not.
// Exit 0 on success, 1 on failure, 77 (skipped) when the CPU lacks the ISA.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "cpu/dispatch.h"
#include "tests/test_support.h"
#include "sketch/random_choices.h"
#include "sketch/sketch.h"

using namespace sketchmax;

namespace {

int g_failures = 0;
int g_checks = 0;

const char* kind_name(SketchKind kind) {
  static const char* const kNames[] = {"gaussian", "rademacher", "srht", "countsketch", "sparse-sign"};
  return kNames[static_cast<int>(kind)];
}

struct Case {
  SketchKind kind;
  size_t n, d, m, nnz;
  bool with_b;
  uint32_t k0, k1;
};

void describe(const Case& c, char* buf, size_t len) {
  std::snprintf(buf, len, "%s n=%zu d=%zu m=%zu nnz=%zu b=%d key=%08x:%08x", kind_name(c.kind), c.n, c.d, c.m,
                c.nnz, c.with_b ? 1 : 0, c.k0, c.k1);
}

// Naive references: the TypeScript loops (lib/sketch/sketch_js.ts), rows row0 .. row0 + n - 1,
// accumulated into out.
void ref_dense(PhiloxKey key, bool gaussian, const double* A, size_t n, size_t d, const double* b, uint64_t row0,
               size_t m, double* out) {
  const size_t k = d + (b ? 1 : 0);
  std::vector<double> s(m);
  const double scale = 1.0 / std::sqrt(static_cast<double>(m));
  for (size_t j = 0; j < n; ++j) {
    dense_column(key, gaussian, row0 + j, m, s.data());
    for (size_t r = 0; r < m; ++r) {
      const double sr = s[r] * scale;
      for (size_t c = 0; c < k; ++c) {
        const double a = c < d ? A[j * d + c] : b[j];
        out[r * k + c] = out[r * k + c] + sr * a;
      }
    }
  }
}

void ref_sparse(PhiloxKey key, const double* A, size_t n, size_t d, const double* b, uint64_t row0, size_t m,
                size_t s, double* out) {
  const size_t k = d + (b ? 1 : 0);
  std::vector<uint64_t> buckets(s);
  std::vector<double> signs(s);
  const double scale = 1.0 / std::sqrt(static_cast<double>(s));
  for (size_t j = 0; j < n; ++j) {
    sparse_column(key, row0 + j, m, s, buckets.data(), signs.data());
    for (size_t t = 0; t < s; ++t) {
      const double v = signs[t] * scale;
      for (size_t c = 0; c < k; ++c) {
        const double a = c < d ? A[j * d + c] : b[j];
        out[buckets[t] * k + c] = out[buckets[t] * k + c] + v * a;
      }
    }
  }
}

// out = SRHT·[A | b] with the level-by-level transform of fwhtRows.
void ref_srht(PhiloxKey key, const double* A, size_t n, size_t d, const double* b, size_t m, double* out) {
  const size_t k = d + (b ? 1 : 0);
  size_t N = 1;
  while (N < n) N *= 2;
  std::vector<double> X(N * k, 0.0);
  for (size_t j = 0; j < n; ++j) {
    const double sgn = srht_sign(key, j);
    for (size_t c = 0; c < k; ++c) X[j * k + c] = sgn * (c < d ? A[j * d + c] : b[j]);
  }
  for (size_t h = 1; h < N; h <<= 1)
    for (size_t i = 0; i < N; i += h << 1)
      for (size_t j = i; j < i + h; ++j)
        for (size_t c = 0; c < k; ++c) {
          const double u = X[j * k + c], v = X[(j + h) * k + c];
          X[j * k + c] = u + v;
          X[(j + h) * k + c] = u - v;
        }
  const std::vector<uint64_t> rows = srht_rows(key, N, m);
  const double scale = 1.0 / std::sqrt(static_cast<double>(m));
  for (size_t r = 0; r < m; ++r)
    for (size_t c = 0; c < k; ++c) out[r * k + c] = scale * X[rows[r] * k + c];
}

void reference(const Case& c, const double* A, const double* b, double* out) {
  const PhiloxKey key{c.k0, c.k1};
  switch (c.kind) {
    case SketchKind::kGaussian:
    case SketchKind::kRademacher:
      ref_dense(key, c.kind == SketchKind::kGaussian, A, c.n, c.d, b, 0, c.m, out);
      break;
    case SketchKind::kSrht:
      ref_srht(key, A, c.n, c.d, b, c.m, out);
      break;
    case SketchKind::kCountSketch:
      ref_sparse(key, A, c.n, c.d, b, 0, c.m, 1, out);
      break;
    case SketchKind::kSparseSign:
      ref_sparse(key, A, c.n, c.d, b, 0, c.m, c.nnz, out);
      break;
  }
}

bool same_bits(const std::vector<double>& x, const std::vector<double>& y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
}

void expect(bool ok, const char* what, const Case& c, const char* extra = "") {
  ++g_checks;
  if (ok) return;
  char buf[256];
  describe(c, buf, sizeof buf);
  if (++g_failures <= 30) std::fprintf(stderr, "FAIL %s [%s] %s\n", what, buf, extra);
}

// Compares against the reference: exact, or 1e-12 relative to the largest entry for Gaussian.
void check_close(const Case& c, const std::vector<double>& got, const std::vector<double>& want, const char* what) {
  if (c.kind != SketchKind::kGaussian) {
    expect(same_bits(got, want), what, c);
    return;
  }
  double scale = 0, worst = 0;
  for (double v : want) scale = std::max(scale, std::fabs(v));
  bool finite = got.size() == want.size();
  for (size_t i = 0; finite && i < got.size(); ++i) {
    if (!std::isfinite(got[i])) finite = false;
    else worst = std::max(worst, std::fabs(got[i] - want[i]));
  }
  char extra[64];
  std::snprintf(extra, sizeof extra, "worst %.3g scale %.3g", worst, scale);
  expect(finite && worst <= 1e-12 * std::max(1.0, scale), what, c, extra);
}

void run_case(const KernelTable& kt, const Case& c) {
  std::mt19937_64 rng(c.n * 1000003 + c.d * 1009 + c.m);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> A(c.n * c.d), bv(c.n);
  for (double& v : A) v = u(rng);
  for (double& v : bv) v = u(rng);
  if (c.n > 2 && c.d > 0) A[c.d + c.d / 2] = 0.0;  // a zero entry (signed zeros through the sketch)
  const double* b = c.with_b ? bv.data() : nullptr;
  const size_t k = c.d + (c.with_b ? 1 : 0);
  const SketchSpec spec{c.kind, c.m, {c.k0, c.k1}, c.kind == SketchKind::kCountSketch ? 1 : c.nnz};

  std::vector<double> want(c.m * k, 0.0);
  reference(c, A.data(), b, want.data());

  std::vector<double> one;
  for (unsigned threads : {1u, 2u, 3u}) {
    std::vector<double> got(c.m * k, 123.0);  // sketch_apply must overwrite
    const bool ok = sketch_apply(kt, spec, A.data(), c.n, c.d, b, got.data(), threads);
    expect(ok, "sketch_apply returned false", c);
    if (!ok) continue;
    char what[64];
    std::snprintf(what, sizeof what, "vs reference, threads=%u", threads);
    check_close(c, got, want, what);
    if (threads == 1) one = got;
    else expect(same_bits(got, one), "threads differ from threads=1", c);
  }

  // Streaming: three uneven row blocks with row0, accumulated into out, equal the one-shot sketch
  // bit for bit (every entry is summed over the rows in the same order).
  if (c.kind != SketchKind::kSrht && c.n >= 3 && !one.empty()) {
    const size_t cut1 = c.n / 7 + 1, cut2 = c.n - c.n / 3;
    const size_t cuts[4] = {0, cut1, cut2, c.n};
    for (unsigned threads : {1u, 3u}) {
      std::vector<double> got(c.m * k, 0.0);
      for (int blk = 0; blk < 3; ++blk) {
        const size_t r0 = cuts[blk], rn = cuts[blk + 1] - r0;
        // Pass exact-size copies so that any read past the block is caught by ASan.
        std::vector<double> Ab(A.begin() + r0 * c.d, A.begin() + (r0 + rn) * c.d);
        std::vector<double> bb(bv.begin() + r0, bv.begin() + r0 + rn);
        expect(sketch_accumulate(kt, spec, Ab.data(), rn, c.d, c.with_b ? bb.data() : nullptr, r0, got.data(),
                                 threads),
               "sketch_accumulate returned false", c);
      }
      expect(same_bits(got, one), "row blocks with row0 differ from the one-shot sketch", c);
    }
    // A block far into the matrix: rows 2^33 + 5 .. against the reference at that global index.
    const uint64_t row0 = (uint64_t{1} << 33) + 5;
    std::vector<double> got(c.m * k, 0.5), ref(c.m * k, 0.5);
    expect(sketch_accumulate(kt, spec, A.data(), c.n, c.d, b, row0, got.data(), 2), "accumulate at row0", c);
    const PhiloxKey key{c.k0, c.k1};
    if (c.kind == SketchKind::kGaussian || c.kind == SketchKind::kRademacher)
      ref_dense(key, c.kind == SketchKind::kGaussian, A.data(), c.n, c.d, b, row0, c.m, ref.data());
    else
      ref_sparse(key, A.data(), c.n, c.d, b, row0, c.m, spec.nnz_per_column, ref.data());
    check_close(c, got, ref, "accumulate at row0 2^33 + 5");
  }
}

void bad_input(const KernelTable& kt) {
  const Case c{SketchKind::kSrht, 5, 2, 3, 1, true, 1, 2};
  std::vector<double> A(10, 1.0), b(5, 1.0), out(3 * 3, 7.0);
  SketchSpec spec{SketchKind::kSrht, 3, {1, 2}, 1};
  expect(!sketch_accumulate(kt, spec, A.data(), 5, 2, b.data(), 4, out.data(), 2), "srht row0 != 0 accepted", c);
  spec.rows = 9;  // > N = 8
  std::vector<double> big(9 * 3, 7.0);
  expect(!sketch_apply(kt, spec, A.data(), 5, 2, b.data(), big.data(), 2), "srht rows > N accepted", c);
  spec = SketchSpec{SketchKind::kSparseSign, 3, {1, 2}, 4};
  expect(!sketch_apply(kt, spec, A.data(), 5, 2, b.data(), out.data(), 2), "nnz > rows accepted", c);
  spec.nnz_per_column = 0;
  expect(!sketch_apply(kt, spec, A.data(), 5, 2, b.data(), out.data(), 2), "nnz = 0 accepted", c);
  // n = 0: nothing to add.
  for (SketchKind kind : {SketchKind::kGaussian, SketchKind::kRademacher, SketchKind::kCountSketch,
                          SketchKind::kSparseSign}) {
    std::vector<double> z(3 * 3, 7.0);
    spec = SketchSpec{kind, 3, {1, 2}, 2};
    expect(sketch_accumulate(kt, spec, A.data(), 0, 2, b.data(), 10, z.data(), 2) &&
               z == std::vector<double>(9, 7.0),
           "n = 0 changes out", c);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Isa isa;
  int exit_code = 0;
  if (!test::select_isa(argc, argv, &isa, &exit_code)) return exit_code;
  const KernelTable& kt = kernel_table(isa);
  struct Shape {
    size_t n, d, m;
  };
  const Shape shapes[] = {
      {1, 1, 1},      {2, 1, 2},     {37, 3, 8},     {300, 4, 40},   {1000, 7, 64},   {513, 1, 30},
      {777, 37, 50},  {1000, 17, 9}, {5000, 5, 300}, {40000, 3, 97}, {100, 5000, 7},  {700, 2000, 64},
      {1000, 299, 40}, {129, 64, 128},
  };
  const uint32_t keys[][2] = {{0, 0}, {0x9e3779b9u, 12345u}};
  for (SketchKind kind : {SketchKind::kGaussian, SketchKind::kRademacher, SketchKind::kSrht,
                          SketchKind::kCountSketch, SketchKind::kSparseSign}) {
    for (const Shape& s : shapes) {
      // Keep the dense kinds and the very wide shapes affordable under the sanitizers.
      const bool dense = kind == SketchKind::kGaussian || kind == SketchKind::kRademacher;
      if (dense && s.n * s.d * s.m > 4000000) continue;
      size_t N = 1;
      while (N < s.n) N *= 2;
      if (kind == SketchKind::kSrht && s.m > N) continue;
      for (const auto& key : keys) {
        for (bool with_b : {false, true}) {
          const size_t nnz = kind == SketchKind::kSparseSign ? std::min<size_t>(8, s.m) : 1;
          run_case(kt, Case{kind, s.n, s.d, s.m, nnz, with_b, key[0], key[1]});
        }
      }
    }
  }
  // Sparse sign with every nnz up to m on a small m (many repeated draws rejected).
  for (size_t nnz = 1; nnz <= 6; ++nnz) run_case(kt, Case{SketchKind::kSparseSign, 200, 9, 6, nnz, true, 7, 8});
  bad_input(kt);
  std::printf("%s: %d checks, %s\n", isa_name(isa), g_checks, g_failures ? "FAILED" : "ok");
  return g_failures ? 1 : 0;
}
