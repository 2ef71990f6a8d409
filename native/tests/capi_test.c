/*
 * The C API from a plain C99 program: every function against float64 references, exact small cases
 * and its own invariants, then bad arguments (null pointers, zero and overflowing sizes, unknown
 * enums, non-finite data, overlap) that must return an error status without touching memory.
 * Usage: capi_test [scalar|avx2|avx512]; exits 77 (skipped) when this CPU lacks the ISA.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sketchmax/sketchmax.h>

static int failures = 0;

#define CHECK(cond, what)                                                  \
  do {                                                                     \
    if (!(cond)) {                                                         \
      ++failures;                                                          \
      fprintf(stderr, "FAIL %s:%d: %s (%s)\n", __FILE__, __LINE__, what, #cond); \
    }                                                                      \
  } while (0)

#define CHECK_STATUS(call, want) CHECK((call) == (want), #call " returns " #want)

/* A reproducible uniform in [0, 1) (64-bit LCG, top 53 bits). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static double uniform(void) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(rng_state >> 11) * 0x1p-53;
}
static double gaussian(void) {
  double u = uniform(), v = uniform();
  if (u < 1e-300) u = 1e-300;
  return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}
static double* gaussian_matrix(size_t n, size_t d) {
  double* A = malloc(n * d * sizeof(double));
  size_t i;
  for (i = 0; i < n * d; ++i) A[i] = gaussian();
  return A;
}

static void test_version(void) {
  CHECK(strcmp(sketchmax_version(), SKETCHMAX_VERSION_STRING) == 0, "version string");
  CHECK(SKETCHMAX_VERSION == SKETCHMAX_VERSION_MAJOR * 10000 + SKETCHMAX_VERSION_MINOR * 100 + SKETCHMAX_VERSION_PATCH,
        "version macro");
  CHECK(strcmp(sketchmax_status_string(SKETCHMAX_OK), "ok") == 0, "status string");
  CHECK(strcmp(sketchmax_status_string((sketchmax_status_t)1234), "unknown status") == 0, "unknown status string");
  CHECK(sketchmax_isa_name((sketchmax_isa_t)7) == NULL, "unknown ISA name");
  CHECK_STATUS(sketchmax_set_isa((sketchmax_isa_t)7), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  CHECK(sketchmax_best_isa() >= sketchmax_isa(), "the ISA in effect is one the CPU runs");
}

/* max relative error of softmax / max absolute error of log-softmax against float64 math. */
static void softmax_reference(const double* x, double* p, double* lp, size_t cols) {
  double m = x[0], s = 0;
  size_t j;
  for (j = 1; j < cols; ++j) m = x[j] > m ? x[j] : m;
  for (j = 0; j < cols; ++j) s += exp(x[j] - m);
  for (j = 0; j < cols; ++j) {
    p[j] = exp(x[j] - m) / s;
    lp[j] = x[j] - m - log(s);
  }
}

static void test_softmax(void) {
  const size_t rows = 3, cols = 1000;
  double* x = malloc(rows * cols * sizeof(double));
  double *p = malloc(rows * cols * sizeof(double)), *lp = malloc(rows * cols * sizeof(double));
  double* y = malloc(rows * cols * sizeof(double));
  float *xf = malloc(rows * cols * sizeof(float)), *yf = malloc(rows * cols * sizeof(float));
  const sketchmax_softmax_algorithm_t algs[4] = {SKETCHMAX_SOFTMAX_AUTO, SKETCHMAX_SOFTMAX_TWO_PASS,
                                                 SKETCHMAX_SOFTMAX_THREE_PASS_RELOAD,
                                                 SKETCHMAX_SOFTMAX_THREE_PASS_RECOMPUTE};
  size_t i, a, r;
  for (i = 0; i < rows * cols; ++i) {
    x[i] = 8.0 * gaussian();
    xf[i] = (float)x[i];
  }
  for (r = 0; r < rows; ++r) softmax_reference(x + r * cols, p + r * cols, lp + r * cols, cols);
  for (a = 0; a < 4; ++a) {
    double e64 = 0, l64 = 0, e32 = 0, l32 = 0, sum = 0;
    CHECK_STATUS(sketchmax_softmax_f64(x, y, rows, cols, algs[a]), SKETCHMAX_OK);
    for (i = 0; i < rows * cols; ++i) e64 = fmax(e64, fabs(y[i] - p[i]) / p[i]);
    for (i = 0; i < cols; ++i) sum += y[i];
    CHECK_STATUS(sketchmax_log_softmax_f64(x, y, rows, cols, algs[a]), SKETCHMAX_OK);
    for (i = 0; i < rows * cols; ++i) l64 = fmax(l64, fabs(y[i] - lp[i]));
    /* f32 against the float64 softmax of the f32 input (x rounded to float is what it sees). */
    for (i = 0; i < rows * cols; ++i) x[i] = (double)xf[i];
    for (r = 0; r < rows; ++r) softmax_reference(x + r * cols, p + r * cols, lp + r * cols, cols);
    CHECK_STATUS(sketchmax_softmax_f32(xf, yf, rows, cols, algs[a]), SKETCHMAX_OK);
    for (i = 0; i < rows * cols; ++i) e32 = fmax(e32, fabs(yf[i] - p[i]) / p[i]);
    CHECK_STATUS(sketchmax_log_softmax_f32(xf, yf, rows, cols, algs[a]), SKETCHMAX_OK);
    for (i = 0; i < rows * cols; ++i) l32 = fmax(l32, fabs(yf[i] - lp[i]));
    CHECK(e64 <= 1e-13, "softmax f64 relative error");
    CHECK(l64 <= 1e-12, "log-softmax f64 absolute error");
    CHECK(e32 <= 2e-5, "softmax f32 relative error");
    CHECK(l32 <= 1e-4, "log-softmax f32 absolute error");
    CHECK(fabs(sum - 1) <= 1e-13, "softmax row sums to 1");
  }
  /* In place equals out of place, bit for bit; a NaN row gives NaN. */
  CHECK_STATUS(sketchmax_softmax_f64(x, y, rows, cols, SKETCHMAX_SOFTMAX_TWO_PASS), SKETCHMAX_OK);
  CHECK_STATUS(sketchmax_softmax_f64(x, x, rows, cols, SKETCHMAX_SOFTMAX_TWO_PASS), SKETCHMAX_OK);
  CHECK(memcmp(x, y, rows * cols * sizeof(double)) == 0, "in place = out of place");
  x[5] = NAN;
  CHECK_STATUS(sketchmax_softmax_f64(x, y, 1, cols, SKETCHMAX_SOFTMAX_AUTO), SKETCHMAX_OK);
  CHECK(isnan(y[0]) && isnan(y[cols - 1]), "a NaN row gives NaN");
  /* Bad arguments: nothing written. */
  y[0] = 42;
  CHECK_STATUS(sketchmax_softmax_f64(NULL, y, 1, 4, SKETCHMAX_SOFTMAX_AUTO), SKETCHMAX_ERROR_NULL_POINTER);
  CHECK_STATUS(sketchmax_softmax_f64(x, NULL, 1, 4, SKETCHMAX_SOFTMAX_AUTO), SKETCHMAX_ERROR_NULL_POINTER);
  CHECK_STATUS(sketchmax_softmax_f64(x, y, 0, 4, SKETCHMAX_SOFTMAX_AUTO), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_log_softmax_f32(xf, yf, 4, 0, SKETCHMAX_SOFTMAX_AUTO), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_softmax_f64(x, y, SIZE_MAX / 4, 8, SKETCHMAX_SOFTMAX_AUTO), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_softmax_f64(x, y, 1, 4, (sketchmax_softmax_algorithm_t)9), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(sketchmax_softmax_f64(x, x + 1, 1, 4, SKETCHMAX_SOFTMAX_AUTO), SKETCHMAX_ERROR_OVERLAP);
  CHECK(y[0] == 42, "no output on error");
  free(x), free(p), free(lp), free(y), free(xf), free(yf);
}

/* ‖Aᵀ(b − A·x)‖∞ / (‖A‖_F·‖b − A·x‖ + ‖A‖_F²·‖x‖): zero at the least-squares solution. */
static double normal_residual(const double* A, const double* b, const double* x, size_t n, size_t d) {
  double* r = malloc(n * sizeof(double));
  double worst = 0, fro = 0, rn = 0, xn = 0;
  size_t i, j;
  for (i = 0; i < n; ++i) {
    double s = b[i];
    for (j = 0; j < d; ++j) s -= A[i * d + j] * x[j], fro += A[i * d + j] * A[i * d + j];
    r[i] = s, rn += s * s;
  }
  for (j = 0; j < d; ++j) {
    double g = 0;
    for (i = 0; i < n; ++i) g += A[i * d + j] * r[i];
    worst = fmax(worst, fabs(g));
    xn += x[j] * x[j];
  }
  free(r);
  return worst / (sqrt(fro) * sqrt(rn) + fro * sqrt(xn));
}

static void test_lstsq(void) {
  const size_t n = 4000, d = 12;
  double* A = gaussian_matrix(n, d);
  double *b = malloc(n * sizeof(double)), x[12], xt[12];
  sketchmax_lstsq_options_t o;
  sketchmax_lstsq_info_t info;
  const sketchmax_lstsq_method_t methods[3] = {SKETCHMAX_LSTSQ_QR, SKETCHMAX_LSTSQ_SKETCH_PRECONDITION,
                                               SKETCHMAX_LSTSQ_AUTO};
  size_t i, j, m;
  for (j = 0; j < d; ++j) xt[j] = (double)j - 5.5;
  for (i = 0; i < n; ++i) {
    b[i] = 0;
    for (j = 0; j < d; ++j) b[i] += A[i * d + j] * xt[j];
  }
  /* Consistent system: the exact x. */
  CHECK_STATUS(sketchmax_lstsq(A, n, d, b, NULL, x, &info), SKETCHMAX_OK);
  for (j = 0; j < d; ++j) CHECK(fabs(x[j] - xt[j]) <= 1e-11, "lstsq consistent system");
  CHECK(info.method == SKETCHMAX_LSTSQ_QR && info.rank == d, "auto is QR below 150 columns; full rank");
  for (i = 0; i < n; ++i) b[i] += gaussian();
  for (m = 0; m < 3; ++m) {
    sketchmax_lstsq_options_init(&o);
    o.method = methods[m];
    o.threads = 2;
    CHECK_STATUS(sketchmax_lstsq(A, n, d, b, &o, x, &info), SKETCHMAX_OK);
    CHECK(normal_residual(A, b, x, n, d) <= 1e-13, "lstsq normal equations");
    CHECK(info.converged == 1, "lstsq converged");
  }
  CHECK(info.method == SKETCHMAX_LSTSQ_QR, "auto resolves to QR");
  /* Sketch-and-solve is approximate: its residual within 1.5x of the optimum. */
  {
    double r_opt = 0, r_ss = 0, xs[12];
    CHECK_STATUS(sketchmax_lstsq(A, n, d, b, NULL, x, NULL), SKETCHMAX_OK);
    sketchmax_lstsq_options_init(&o);
    o.method = SKETCHMAX_LSTSQ_SKETCH_AND_SOLVE;
    o.seed = 7;
    CHECK_STATUS(sketchmax_lstsq(A, n, d, b, &o, xs, &info), SKETCHMAX_OK);
    CHECK(info.method == SKETCHMAX_LSTSQ_SKETCH_AND_SOLVE && info.sketch_rows == 20 * d, "sketch-and-solve rows 20d");
    for (i = 0; i < n; ++i) {
      double e1 = b[i], e2 = b[i];
      for (j = 0; j < d; ++j) e1 -= A[i * d + j] * x[j], e2 -= A[i * d + j] * xs[j];
      r_opt += e1 * e1, r_ss += e2 * e2;
    }
    CHECK(r_ss >= r_opt && sqrt(r_ss / r_opt) <= 1.5, "sketch-and-solve residual within 1.5x");
  }
  x[0] = 42;
  CHECK_STATUS(sketchmax_lstsq(NULL, n, d, b, NULL, x, NULL), SKETCHMAX_ERROR_NULL_POINTER);
  CHECK_STATUS(sketchmax_lstsq(A, n, d, NULL, NULL, x, NULL), SKETCHMAX_ERROR_NULL_POINTER);
  CHECK_STATUS(sketchmax_lstsq(A, n, 0, b, NULL, x, NULL), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_lstsq(A, 3, 4, b, NULL, x, NULL), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_lstsq(A, SIZE_MAX / 2, 4, b, NULL, x, NULL), SKETCHMAX_ERROR_INVALID_SIZE);
  sketchmax_lstsq_options_init(&o);
  o.method = (sketchmax_lstsq_method_t)17;
  CHECK_STATUS(sketchmax_lstsq(A, n, d, b, &o, x, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  sketchmax_lstsq_options_init(&o);
  o.tolerance = 1.5;
  CHECK_STATUS(sketchmax_lstsq(A, n, d, b, &o, x, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  sketchmax_lstsq_options_init(&o);
  o.method = SKETCHMAX_LSTSQ_SKETCH_PRECONDITION;
  o.sketch_rows = d - 1;
  CHECK_STATUS(sketchmax_lstsq(A, n, d, b, &o, x, NULL), SKETCHMAX_ERROR_INVALID_SIZE);
  sketchmax_lstsq_options_init(&o);
  o.sketch_kind = (sketchmax_sketch_kind_t)11;
  CHECK_STATUS(sketchmax_lstsq(A, n, d, b, &o, x, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(sketchmax_lstsq(A, n, d, b, NULL, (double*)(void*)A, NULL), SKETCHMAX_ERROR_OVERLAP);
  b[17] = INFINITY;
  CHECK_STATUS(sketchmax_lstsq(A, n, d, b, NULL, x, NULL), SKETCHMAX_ERROR_NOT_FINITE);
  CHECK(x[0] == 42, "no output on error");
  free(A), free(b);
}

static void test_sketch(void) {
  const size_t n = 1000, d = 5, m = 64;
  double *A = gaussian_matrix(n, d), *A2 = malloc(n * d * sizeof(double)), *b = malloc(n * sizeof(double));
  double *Ab = malloc(n * (d + 1) * sizeof(double)), *out = malloc(m * (d + 1) * sizeof(double));
  double *out2 = malloc(m * (d + 1) * sizeof(double)), *out3 = malloc(m * (d + 1) * sizeof(double));
  size_t i, j, k;
  for (i = 0; i < n; ++i) {
    b[i] = gaussian();
    for (j = 0; j < d; ++j) A2[i * d + j] = 2 * A[i * d + j], Ab[i * (d + 1) + j] = A[i * d + j];
    Ab[i * (d + 1) + d] = b[i];
  }
  for (k = 0; k <= SKETCHMAX_SKETCH_SPARSE_SIGN; ++k) {
    const sketchmax_sketch_kind_t kind = (sketchmax_sketch_kind_t)k;
    double dev = 0;
    CHECK_STATUS(sketchmax_sketch(kind, m, 99, 0, A, n, d, b, out, 2), SKETCHMAX_OK);
    CHECK_STATUS(sketchmax_sketch(kind, m, 99, 0, Ab, n, d + 1, NULL, out2, 1), SKETCHMAX_OK);
    for (i = 0; i < m * (d + 1); ++i) dev = fmax(dev, fabs(out[i] - out2[i]));
    CHECK(dev <= 1e-12, "S·[A | b] with b = S of the copy [A | b]");
    CHECK_STATUS(sketchmax_sketch(kind, m, 99, 0, A2, n, d, NULL, out2, 1), SKETCHMAX_OK);
    CHECK_STATUS(sketchmax_sketch(kind, m, 99, 0, A, n, d, NULL, out3, 1), SKETCHMAX_OK);
    for (i = 0; i < m * d; ++i) CHECK(out2[i] == 2 * out3[i], "S·(2A) = 2·S·A exactly");
    CHECK_STATUS(sketchmax_sketch(kind, m, 100, 0, A, n, d, NULL, out2, 1), SKETCHMAX_OK);
    CHECK(memcmp(out2, out3, m * d * sizeof(double)) != 0, "another seed, another sketch");
    CHECK_STATUS(sketchmax_sketch(kind, m, 99, 0, A, n, d, NULL, out2, 2), SKETCHMAX_OK);
    CHECK(kind == SKETCHMAX_SKETCH_SRHT || kind == SKETCHMAX_SKETCH_GAUSSIAN || kind == SKETCHMAX_SKETCH_RADEMACHER ||
              memcmp(out2, out3, m * d * sizeof(double)) == 0,
          "the sparse sketches do not depend on threads");
  }
  /* CountSketch of a matrix of ones: every row lands in one bucket with sign ±1, so the squares of
     a column's bucket sums have the column's count of rows as their sum only in expectation; but the
     sum of |entries| is at most n and every entry is an integer. */
  for (i = 0; i < n * d; ++i) A2[i] = 1;
  CHECK_STATUS(sketchmax_sketch(SKETCHMAX_SKETCH_COUNTSKETCH, m, 3, 0, A2, n, d, NULL, out, 1), SKETCHMAX_OK);
  {
    double total = 0;
    for (i = 0; i < m; ++i) {
      total += fabs(out[i * d]);
      CHECK(out[i * d] == floor(out[i * d]), "integer buckets");
    }
    CHECK(total <= (double)n && fmod(total - (double)n, 2) == 0, "bucket sums of ±1 (parity of n)");
  }
  CHECK_STATUS(sketchmax_sketch(SKETCHMAX_SKETCH_GAUSSIAN, m, 1, 0, NULL, n, d, NULL, out, 1), SKETCHMAX_ERROR_NULL_POINTER);
  CHECK_STATUS(sketchmax_sketch(SKETCHMAX_SKETCH_GAUSSIAN, 0, 1, 0, A, n, d, NULL, out, 1), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_sketch(SKETCHMAX_SKETCH_GAUSSIAN, n + 1, 1, 0, A, n, d, NULL, out, 1), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_sketch(SKETCHMAX_SKETCH_GAUSSIAN, m, 1, 0, A, SIZE_MAX / 4, 4, NULL, out, 1), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_sketch((sketchmax_sketch_kind_t)5, m, 1, 0, A, n, d, NULL, out, 1), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(sketchmax_sketch(SKETCHMAX_SKETCH_GAUSSIAN, m, 1, 4, A, n, d, NULL, out, 1), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(sketchmax_sketch(SKETCHMAX_SKETCH_SPARSE_SIGN, m, 1, m + 1, A, n, d, NULL, out, 1), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(sketchmax_sketch(SKETCHMAX_SKETCH_GAUSSIAN, m, 1, 0, A, n, d, NULL, A + 10, 1), SKETCHMAX_ERROR_OVERLAP);
  A[3] = NAN;
  CHECK_STATUS(sketchmax_sketch(SKETCHMAX_SKETCH_GAUSSIAN, m, 1, 0, A, n, d, NULL, out, 1), SKETCHMAX_ERROR_NOT_FINITE);
  free(A), free(A2), free(b), free(Ab), free(out), free(out2), free(out3);
}

static void test_sampling(void) {
  /* [I_d; I_d]: leverage scores and Lewis weights (every p) are all 1/2. */
  const size_t d = 6, n = 2 * d;
  double A[72], tau[12], w[12], scores[12], wts[12], probs[12];
  uint32_t idx[12];
  size_t i, rank = 0;
  double ps[4] = {1, 1.5, 3, 6};
  sketchmax_lewis_info_t li;
  sketchmax_row_sample_t rs;
  memset(A, 0, sizeof A);
  for (i = 0; i < n; ++i) A[i * d + i % d] = 1;
  CHECK_STATUS(sketchmax_leverage_scores(A, n, d, NULL, SKETCHMAX_LEVERAGE_EXACT, 0, 0, 1, tau, &rank), SKETCHMAX_OK);
  CHECK(rank == d, "[I; I] rank");
  for (i = 0; i < n; ++i) CHECK(fabs(tau[i] - 0.5) <= 1e-14, "[I; I] leverage 1/2");
  CHECK_STATUS(sketchmax_leverage_scores(A, n, d, NULL, SKETCHMAX_LEVERAGE_APPROXIMATE, 0.5, 3, 1, tau, &rank), SKETCHMAX_OK);
  for (i = 0; i < n; ++i) CHECK(fabs(tau[i] - 0.5) <= 0.25, "[I; I] approximate leverage");
  for (i = 0; i < 4; ++i) {
    size_t k;
    CHECK_STATUS(sketchmax_lewis_weights(A, n, d, NULL, ps[i], 0, 0, 2, w, &li), SKETCHMAX_OK);
    for (k = 0; k < n; ++k) CHECK(fabs(w[k] - 0.5) <= 1e-9, "[I; I] Lewis weights 1/2");
    CHECK(li.converged == 1 && li.rank == d && li.residual <= 1e-8, "Lewis converged");
  }
  /* A Gaussian 3000 x 8 with [A | b]: Lewis weights sum to d + 1 and p = 2 gives the leverage scores. */
  {
    const size_t N = 3000, D = 8;
    double *G = gaussian_matrix(N, D), *bb = malloc(N * sizeof(double)), *t = malloc(N * sizeof(double));
    double *lw = malloc(N * sizeof(double)), sum = 0, dev = 0;
    for (i = 0; i < N; ++i) bb[i] = gaussian();
    CHECK_STATUS(sketchmax_leverage_scores(G, N, D, bb, SKETCHMAX_LEVERAGE_EXACT, 0, 0, 2, t, &rank), SKETCHMAX_OK);
    CHECK(rank == D + 1, "[A | b] rank");
    CHECK_STATUS(sketchmax_lewis_weights(G, N, D, bb, 2, 0, 0, 2, lw, &li), SKETCHMAX_OK);
    for (i = 0; i < N; ++i) dev = fmax(dev, fabs(lw[i] - t[i]) / t[i]);
    CHECK(dev <= 1e-12 && li.iterations == 1, "p = 2 Lewis weights = leverage scores after one update");
    CHECK_STATUS(sketchmax_lewis_weights(G, N, D, bb, 1, 1e-10, 0, 2, lw, &li), SKETCHMAX_OK);
    for (i = 0; i < N; ++i) sum += lw[i];
    CHECK(fabs(sum - (double)(D + 1)) <= 1e-9 && li.converged == 1, "p = 1 Lewis weights sum to d + 1");
    CHECK_STATUS(sketchmax_leverage_scores(G, N, D, bb, SKETCHMAX_LEVERAGE_APPROXIMATE, 0.5, 0, 1, t, NULL),
                 SKETCHMAX_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(sketchmax_lewis_weights(G, N, D, NULL, 0.5, 0, 0, 1, lw, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(sketchmax_lewis_weights(G, N, D, NULL, INFINITY, 0, 0, 1, lw, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(sketchmax_lewis_weights(G, N, D, NULL, 1, -1, 0, 1, lw, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
    free(G), free(bb), free(t), free(lw);
  }
  /* Samples: equal scores with size = n keep every row with weight 1; fewer draw the same rows again
     for the same seed; replacement weights satisfy Σ weight·π = 1. */
  for (i = 0; i < n; ++i) scores[i] = 1;
  CHECK_STATUS(sketchmax_sample_rows(scores, n, n, 5, 0, idx, wts, probs, n, &rs), SKETCHMAX_OK);
  CHECK(rs.count == n && fabs(rs.expected_size - (double)n) <= 1e-12, "size = n keeps every row");
  for (i = 0; i < n; ++i) CHECK(idx[i] == i && wts[i] == 1 && probs[i] == 1, "every row, weight 1");
  for (i = 0; i < n; ++i) scores[i] = (double)(i + 1);
  CHECK_STATUS(sketchmax_sample_rows(scores, n, 4, 5, 0, idx, wts, probs, n, &rs), SKETCHMAX_OK);
  {
    uint32_t idx2[12];
    double w2[12], p2[12];
    sketchmax_row_sample_t rs2;
    size_t k;
    CHECK(fabs(rs.expected_size - 4) <= 1e-12, "Bernoulli expected size");
    for (k = 0; k < rs.count; ++k) {
      CHECK(fabs(wts[k] * probs[k] - 1) <= 1e-15, "weight = 1/q");
      CHECK(k == 0 || idx[k] > idx[k - 1], "increasing indices");
    }
    CHECK_STATUS(sketchmax_sample_rows(scores, n, 4, 5, 0, idx2, w2, p2, n, &rs2), SKETCHMAX_OK);
    CHECK(rs2.count == rs.count && memcmp(idx, idx2, rs.count * sizeof(uint32_t)) == 0, "same seed, same rows");
    if (rs.count > 0) {
      CHECK_STATUS(sketchmax_sample_rows(scores, n, 4, 5, 0, idx2, w2, p2, rs.count - 1, &rs2),
                   SKETCHMAX_ERROR_BUFFER_TOO_SMALL);
      CHECK(rs2.count == rs.count, "the capacity needed is reported");
    }
    CHECK_STATUS(sketchmax_sample_rows(scores, n, 10, 5, 1, idx, wts, probs, n, &rs), SKETCHMAX_OK);
    {
      double s = 0;
      for (k = 0; k < rs.count; ++k) s += wts[k] * probs[k];
      CHECK(fabs(s - 1) <= 1e-12 && rs.count <= n, "with replacement: Σ weight·π = 1");
    }
  }
  /* Bad arguments. */
  CHECK_STATUS(sketchmax_leverage_scores(NULL, n, d, NULL, SKETCHMAX_LEVERAGE_EXACT, 0, 0, 1, tau, NULL), SKETCHMAX_ERROR_NULL_POINTER);
  CHECK_STATUS(sketchmax_leverage_scores(A, n, d, NULL, SKETCHMAX_LEVERAGE_EXACT, 0, 0, 1, NULL, NULL), SKETCHMAX_ERROR_NULL_POINTER);
  CHECK_STATUS(sketchmax_leverage_scores(A, d - 1, d, NULL, SKETCHMAX_LEVERAGE_EXACT, 0, 0, 1, tau, NULL), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_leverage_scores(A, n, 0, NULL, SKETCHMAX_LEVERAGE_EXACT, 0, 0, 1, tau, NULL), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_leverage_scores(A, SIZE_MAX / 2, 3, NULL, SKETCHMAX_LEVERAGE_EXACT, 0, 0, 1, tau, NULL), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_leverage_scores(A, n, d, NULL, (sketchmax_leverage_method_t)2, 0, 0, 1, tau, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(sketchmax_leverage_scores(A, n, d, NULL, SKETCHMAX_LEVERAGE_APPROXIMATE, 1.5, 0, 1, tau, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(sketchmax_leverage_scores(A, n, d, NULL, SKETCHMAX_LEVERAGE_EXACT, 0, 0, 100000, tau, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(sketchmax_leverage_scores(A, n, d, NULL, SKETCHMAX_LEVERAGE_EXACT, 0, 0, 1, A + 3, NULL), SKETCHMAX_ERROR_OVERLAP);
  CHECK_STATUS(sketchmax_lewis_weights(A, n, d, NULL, 1, 0, 0, 1, NULL, NULL), SKETCHMAX_ERROR_NULL_POINTER);
  CHECK_STATUS(sketchmax_lewis_weights(A, n, d, NULL, 1, 0, 0, 1, A + 6, NULL), SKETCHMAX_ERROR_OVERLAP);
  CHECK_STATUS(sketchmax_sample_rows(NULL, n, 2, 0, 0, idx, wts, probs, n, &rs), SKETCHMAX_ERROR_NULL_POINTER);
  CHECK_STATUS(sketchmax_sample_rows(scores, n, 2, 0, 0, idx, wts, probs, n, NULL), SKETCHMAX_ERROR_NULL_POINTER);
  CHECK_STATUS(sketchmax_sample_rows(scores, 0, 2, 0, 0, idx, wts, probs, n, &rs), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_sample_rows(scores, n, 0, 0, 0, idx, wts, probs, n, &rs), SKETCHMAX_ERROR_INVALID_SIZE);
  CHECK_STATUS(sketchmax_sample_rows(scores, n, n + 1, 0, 1, idx, wts, probs, n, &rs), SKETCHMAX_ERROR_INVALID_SIZE);
  scores[2] = -1;
  CHECK_STATUS(sketchmax_sample_rows(scores, n, 2, 0, 0, idx, wts, probs, n, &rs), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  scores[2] = NAN;
  CHECK_STATUS(sketchmax_sample_rows(scores, n, 2, 0, 0, idx, wts, probs, n, &rs), SKETCHMAX_ERROR_NOT_FINITE);
  memset(scores, 0, sizeof scores);
  CHECK_STATUS(sketchmax_sample_rows(scores, n, 2, 0, 0, idx, wts, probs, n, &rs), SKETCHMAX_ERROR_INVALID_ARGUMENT);
  scores[1] = 1;
  CHECK_STATUS(sketchmax_sample_rows(scores, n, 2, 0, 0, idx, wts, probs, n, &rs), SKETCHMAX_ERROR_INVALID_SIZE);
  A[5] = INFINITY;
  CHECK_STATUS(sketchmax_leverage_scores(A, n, d, NULL, SKETCHMAX_LEVERAGE_EXACT, 0, 0, 1, tau, NULL), SKETCHMAX_ERROR_NOT_FINITE);
  CHECK_STATUS(sketchmax_lewis_weights(A, n, d, NULL, 1, 0, 0, 1, w, NULL), SKETCHMAX_ERROR_NOT_FINITE);
}

/* Σ w_i |r_i|^p. */
static double lp_objective(const double* A, const double* b, const double* w, const double* x, size_t n, size_t d,
                           double p) {
  double f = 0;
  size_t i, j;
  for (i = 0; i < n; ++i) {
    double r = -b[i];
    for (j = 0; j < d; ++j) r += A[i * d + j] * x[j];
    f += (w ? w[i] : 1) * pow(fabs(r), p);
  }
  return f;
}

static int compare_doubles(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static void test_lp_regression(void) {
  /* p = 1 on a column of ones: x is the median of b, exactly (an LP vertex). */
  {
    const size_t n = 101;
    double ones[101], b[101], sorted[101], x[1];
    sketchmax_lp_info_t info;
    size_t i;
    for (i = 0; i < n; ++i) ones[i] = 1, b[i] = sorted[i] = 10 * gaussian();
    qsort(sorted, n, sizeof(double), compare_doubles);
    CHECK_STATUS(sketchmax_lp_regression(ones, n, 1, b, 1, NULL, x, &info), SKETCHMAX_OK);
    CHECK(x[0] == sorted[50] && info.converged == 1, "ℓ1 on ones = the median");
  }
  /* A 600 x 4 problem: p = 2 = lstsq; p = 1 no worse than any vertex tried; 1.5 and 3 stationary. */
  {
    const size_t n = 600, d = 4;
    double *A = gaussian_matrix(n, d), *b = malloc(n * sizeof(double)), *w = malloc(n * sizeof(double));
    double x[4], xl[4], g[4];
    const double ps[3] = {1.5, 3, 3};
    sketchmax_lp_options_t o;
    sketchmax_lp_info_t info;
    size_t i, j, k;
    for (i = 0; i < n; ++i) b[i] = A[i * d] - 2 * A[i * d + 1] + tan(3.0 * (uniform() - 0.5)), w[i] = 0.5 + uniform();
    CHECK_STATUS(sketchmax_lp_regression(A, n, d, b, 2, NULL, x, &info), SKETCHMAX_OK);
    CHECK_STATUS(sketchmax_lstsq(A, n, d, b, NULL, xl, NULL), SKETCHMAX_OK);
    for (j = 0; j < d; ++j) CHECK(fabs(x[j] - xl[j]) <= 1e-12 * (1 + fabs(xl[j])), "p = 2 is least squares");
    CHECK(info.iterations == 1 && info.converged == 1, "p = 2: one solve");
    sketchmax_lp_options_init(&o);
    o.weights = w;
    CHECK_STATUS(sketchmax_lp_regression(A, n, d, b, 1, &o, x, &info), SKETCHMAX_OK);
    CHECK(info.converged == 1 && fabs(info.objective - lp_objective(A, b, w, x, n, d, 1)) <= 1e-12 * info.objective,
          "p = 1 converged, objective reported");
    /* No perturbation of x lowers the weighted ℓ1 objective. */
    for (k = 0; k < 2 * d; ++k) {
      double xp[4];
      memcpy(xp, x, sizeof xp);
      xp[k / 2] += (k % 2 ? -1e-6 : 1e-6);
      CHECK(lp_objective(A, b, w, xp, n, d, 1) >= info.objective * (1 - 1e-14), "p = 1: a local (so global) minimum");
    }
    for (k = 0; k < 3; ++k) {
      sketchmax_lp_options_init(&o);
      o.method = k == 2 ? SKETCHMAX_LP_P_IRLS : SKETCHMAX_LP_AUTO;
      CHECK_STATUS(sketchmax_lp_regression(A, n, d, b, ps[k], &o, x, &info), SKETCHMAX_OK);
      CHECK(info.converged == 1, "p = 1.5 / 3 converged");
      for (j = 0; j < d; ++j) g[j] = 0;
      {
        double scale = 0;
        for (i = 0; i < n; ++i) {
          double r = -b[i];
          for (j = 0; j < d; ++j) r += A[i * d + j] * x[j];
          for (j = 0; j < d; ++j) g[j] += ps[k] * (r > 0 ? 1 : -1) * pow(fabs(r), ps[k] - 1) * A[i * d + j];
          for (j = 0; j < d; ++j) scale += ps[k] * pow(fabs(r), ps[k] - 1) * fabs(A[i * d + j]);
        }
        for (j = 0; j < d; ++j) CHECK(fabs(g[j]) <= 1e-6 * scale, "stationary: the gradient vanishes");
      }
    }
    /* Bad arguments. */
    x[0] = 42;
    CHECK_STATUS(sketchmax_lp_regression(NULL, n, d, b, 1, NULL, x, NULL), SKETCHMAX_ERROR_NULL_POINTER);
    CHECK_STATUS(sketchmax_lp_regression(A, n, d, b, 1, NULL, NULL, NULL), SKETCHMAX_ERROR_NULL_POINTER);
    CHECK_STATUS(sketchmax_lp_regression(A, d - 1, d, b, 1, NULL, x, NULL), SKETCHMAX_ERROR_INVALID_SIZE);
    CHECK_STATUS(sketchmax_lp_regression(A, SIZE_MAX / 2, d, b, 1, NULL, x, NULL), SKETCHMAX_ERROR_INVALID_SIZE);
    CHECK_STATUS(sketchmax_lp_regression(A, n, d, b, 0.5, NULL, x, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(sketchmax_lp_regression(A, n, d, b, NAN, NULL, x, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
    sketchmax_lp_options_init(&o);
    o.method = (sketchmax_lp_method_t)8;
    CHECK_STATUS(sketchmax_lp_regression(A, n, d, b, 1, &o, x, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
    sketchmax_lp_options_init(&o);
    o.tolerance = 1;
    CHECK_STATUS(sketchmax_lp_regression(A, n, d, b, 1, &o, x, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
    sketchmax_lp_options_init(&o);
    o.weights = w;
    w[3] = -1;
    CHECK_STATUS(sketchmax_lp_regression(A, n, d, b, 1, &o, x, NULL), SKETCHMAX_ERROR_INVALID_ARGUMENT);
    w[3] = INFINITY;
    CHECK_STATUS(sketchmax_lp_regression(A, n, d, b, 1, &o, x, NULL), SKETCHMAX_ERROR_NOT_FINITE);
    b[0] = NAN;
    CHECK_STATUS(sketchmax_lp_regression(A, n, d, b, 1, NULL, x, NULL), SKETCHMAX_ERROR_NOT_FINITE);
    CHECK(x[0] == 42, "no output on error");
    free(A), free(b), free(w);
  }
}

int main(int argc, char** argv) {
  if (argc > 1) {
    sketchmax_isa_t isa = SKETCHMAX_ISA_SCALAR;
    sketchmax_status_t s;
    if (strcmp(argv[1], "avx2") == 0) isa = SKETCHMAX_ISA_AVX2;
    else if (strcmp(argv[1], "avx512") == 0) isa = SKETCHMAX_ISA_AVX512;
    else if (strcmp(argv[1], "scalar") != 0) return fprintf(stderr, "usage: capi_test [scalar|avx2|avx512]\n"), 2;
    s = sketchmax_set_isa(isa);
    if (s == SKETCHMAX_ERROR_UNSUPPORTED) return printf("skipped: this CPU lacks %s\n", argv[1]), 77;
    CHECK(s == SKETCHMAX_OK && sketchmax_isa() == isa, "set_isa");
  }
  test_version();
  test_softmax();
  test_lstsq();
  test_sketch();
  test_sampling();
  test_lp_regression();
  printf("%s (%s): %s\n", argc > 1 ? argv[1] : "default", sketchmax_isa_name(sketchmax_isa()),
         failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
