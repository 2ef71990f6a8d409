/*
 * sketchmax C API: the library's kernels for C and C++ code (other Node addons, plain programs),
 * on raw pointers and sizes, without going through JavaScript.
 *
 * Conventions shared by every function:
 *  - Matrices are row-major and dense: A is n x d with element (i, j) at A[i * d + j].
 *  - Every function returns a sketchmax_status_t; SKETCHMAX_OK (0) is success. Arguments are checked
 *    before any work (null pointers, zero or overflowing sizes, unknown enum values, out-of-range
 *    options, non-finite data where the function refuses it); on an error status no output has been
 *    written unless the function says otherwise. No C++ exception ever crosses this boundary.
 *  - Ownership: the caller owns every buffer, before and after the call; the library keeps no pointer
 *    once a function returns and never allocates memory the caller must free. Inputs (const
 *    pointers) are never written. Outputs must not overlap inputs unless a function says so.
 *  - Thread safety: every function may be called from any number of threads at once, on distinct
 *    output buffers. The kernels run on up to `threads` worker threads that each call creates and
 *    joins before returning (threads = 0 means 1). sketchmax_set_isa changes a process-wide setting:
 *    calls already running keep the kernels they started with.
 *  - Results do not depend on `threads`; across ISAs they agree to rounding, and random choices
 *    (sketches, samples) depend only on the seed. They match the JavaScript API of the same version
 *    (which documents each method, its defaults and tolerances).
 *
 * The header compiles as C99 and as C++17 (and later), warning-free with -Wall -Wextra -pedantic.
 */
#ifndef SKETCHMAX_SKETCHMAX_H_
#define SKETCHMAX_SKETCHMAX_H_

#include <stddef.h>
#include <stdint.h>

#define SKETCHMAX_VERSION_MAJOR 0
#define SKETCHMAX_VERSION_MINOR 1
#define SKETCHMAX_VERSION_PATCH 0
#define SKETCHMAX_VERSION_STRING "0.1.0"
/* major * 10000 + minor * 100 + patch, for #if checks. */
#define SKETCHMAX_VERSION (SKETCHMAX_VERSION_MAJOR * 10000 + SKETCHMAX_VERSION_MINOR * 100 + SKETCHMAX_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status, version, ISA ------------------------------------------------------------------ */

typedef enum sketchmax_status {
  SKETCHMAX_OK = 0,
  SKETCHMAX_ERROR_NULL_POINTER = 1,     /* a required pointer is NULL */
  SKETCHMAX_ERROR_INVALID_SIZE = 2,     /* a size is zero, inconsistent, or its byte count overflows */
  SKETCHMAX_ERROR_INVALID_ARGUMENT = 3, /* an unknown enum value or an option out of its range */
  SKETCHMAX_ERROR_NOT_FINITE = 4,       /* NaN or infinity in data the function refuses it in */
  SKETCHMAX_ERROR_OVERLAP = 5,          /* an output overlaps an input it may not alias */
  SKETCHMAX_ERROR_BUFFER_TOO_SMALL = 6, /* an output's capacity is too small (the size needed is reported) */
  SKETCHMAX_ERROR_UNSUPPORTED = 7,      /* the ISA is not available on this CPU or in this build */
  SKETCHMAX_ERROR_OUT_OF_MEMORY = 8,    /* work space or threads could not be had */
  SKETCHMAX_ERROR_INTERNAL = 9,         /* a bug: please report it */
  SKETCHMAX_STATUS_RANGE_MIN_ = -0x7fffffff - 1, /* reserved: every int is a valid value of each enum */
  SKETCHMAX_STATUS_RANGE_MAX_ = 0x7fffffff       /* here, so a bad one is an error, never undefined */
} sketchmax_status_t;

/* A static English description of a status ("unknown status" for values outside the enum). */
const char* sketchmax_status_string(sketchmax_status_t status);

/* The library's version, SKETCHMAX_VERSION_STRING of the build (a static string). */
const char* sketchmax_version(void);

typedef enum sketchmax_isa {
  SKETCHMAX_ISA_SCALAR = 0,
  SKETCHMAX_ISA_AVX2 = 1,
  SKETCHMAX_ISA_AVX512 = 2,
  SKETCHMAX_ISA_RANGE_MIN_ = -0x7fffffff - 1, /* reserved (see the other enums) */
  SKETCHMAX_ISA_RANGE_MAX_ = 0x7fffffff
} sketchmax_isa_t;

/*
 * The ISA whose kernels the C API runs: initially the best one this CPU and OS support (cpuid +
 * XGETBV), or the one SKETCHMAX_ISA (scalar | avx2 | avx512) names when it is supported.
 */
sketchmax_isa_t sketchmax_isa(void);
/* The best ISA this CPU and OS support (what the initial choice is without SKETCHMAX_ISA). */
sketchmax_isa_t sketchmax_best_isa(void);
/* Selects the ISA for later calls in every thread. SKETCHMAX_ERROR_UNSUPPORTED (nothing changes)
 * when this CPU cannot run it; SKETCHMAX_ERROR_INVALID_ARGUMENT for an unknown value. */
sketchmax_status_t sketchmax_set_isa(sketchmax_isa_t isa);
/* "scalar", "avx2", "avx512", or NULL for an unknown value (a static string). */
const char* sketchmax_isa_name(sketchmax_isa_t isa);

/* ---- softmax ------------------------------------------------------------------------------- */

typedef enum sketchmax_softmax_algorithm {
  SKETCHMAX_SOFTMAX_AUTO = 0,                /* two-pass for rows larger than this core's cache share */
  SKETCHMAX_SOFTMAX_TWO_PASS = 1,            /* Dukhan & Ablavatski; short or special rows use three-pass */
  SKETCHMAX_SOFTMAX_THREE_PASS_RELOAD = 2,
  SKETCHMAX_SOFTMAX_THREE_PASS_RECOMPUTE = 3,
  SKETCHMAX_SOFTMAX_RANGE_MIN_ = -0x7fffffff - 1, /* reserved: they make every int a valid value, so that a */
  SKETCHMAX_SOFTMAX_RANGE_MAX_ = 0x7fffffff         /* bad one is an error status, not undefined behaviour */
} sketchmax_softmax_algorithm_t;

/*
 * y = softmax (or log-softmax) of every row of x (rows x cols, row-major). y may equal x (in place);
 * any other overlap is SKETCHMAX_ERROR_OVERLAP. NaN and infinities follow the JavaScript API's
 * special-value rules (a row with NaN gives NaN; +inf entries share the mass). rows, cols >= 1.
 */
sketchmax_status_t sketchmax_softmax_f32(const float* x, float* y, size_t rows, size_t cols,
                                         sketchmax_softmax_algorithm_t algorithm);
sketchmax_status_t sketchmax_softmax_f64(const double* x, double* y, size_t rows, size_t cols,
                                         sketchmax_softmax_algorithm_t algorithm);
sketchmax_status_t sketchmax_log_softmax_f32(const float* x, float* y, size_t rows, size_t cols,
                                             sketchmax_softmax_algorithm_t algorithm);
sketchmax_status_t sketchmax_log_softmax_f64(const double* x, double* y, size_t rows, size_t cols,
                                             sketchmax_softmax_algorithm_t algorithm);

/* ---- sketches ------------------------------------------------------------------------------ */

typedef enum sketchmax_sketch_kind {
  SKETCHMAX_SKETCH_GAUSSIAN = 0,
  SKETCHMAX_SKETCH_RADEMACHER = 1,
  SKETCHMAX_SKETCH_SRHT = 2,
  SKETCHMAX_SKETCH_COUNTSKETCH = 3,
  SKETCHMAX_SKETCH_SPARSE_SIGN = 4,
  SKETCHMAX_SKETCH_RANGE_MIN_ = -0x7fffffff - 1, /* reserved: they make every int a valid value, so that a */
  SKETCHMAX_SKETCH_RANGE_MAX_ = 0x7fffffff         /* bad one is an error status, not undefined behaviour */
} sketchmax_sketch_kind_t;

/*
 * out = S·[A | b]: the m x k row-major sketch, k = d + (b ? 1 : 0), of the finite n x d matrix A
 * (and the column b, n entries, when not NULL). S is the JavaScript sketch() operator with the same
 * kind, m, seed and nnz_per_column, so the result is the same to rounding. 1 <= m <= n (SRHT: n
 * rounded up to a power of two); nnz_per_column applies to the sparse-sign kind only (0: the default
 * min(8, m); else 1 <= nnz_per_column <= m) and must be 0 for the other kinds. out must not overlap
 * A or b.
 */
sketchmax_status_t sketchmax_sketch(sketchmax_sketch_kind_t kind, size_t m, uint64_t seed, size_t nnz_per_column,
                                    const double* A, size_t n, size_t d, const double* b, double* out,
                                    unsigned threads);

/* ---- least squares ------------------------------------------------------------------------- */

typedef enum sketchmax_lstsq_method {
  SKETCHMAX_LSTSQ_AUTO = 0, /* the JavaScript API's rule (QR below 150 columns or 25 rows per column) */
  SKETCHMAX_LSTSQ_QR = 1,
  SKETCHMAX_LSTSQ_SKETCH_AND_SOLVE = 2,
  SKETCHMAX_LSTSQ_SKETCH_PRECONDITION = 3,
  SKETCHMAX_LSTSQ_RANGE_MIN_ = -0x7fffffff - 1, /* reserved: they make every int a valid value, so that a */
  SKETCHMAX_LSTSQ_RANGE_MAX_ = 0x7fffffff         /* bad one is an error status, not undefined behaviour */
} sketchmax_lstsq_method_t;

typedef struct sketchmax_lstsq_options {
  sketchmax_lstsq_method_t method;    /* default SKETCHMAX_LSTSQ_AUTO */
  sketchmax_sketch_kind_t sketch_kind; /* default sparse sign */
  size_t sketch_rows;                 /* 0: the method's default (see the JavaScript lstsq) */
  size_t nnz_per_column;              /* 0: min(8, sketch rows); sparse sign only */
  uint64_t seed;                      /* default 0 */
  double tolerance;                   /* LSQR backward-error tolerance in (0, 1); default 1e-16 */
  size_t max_iterations;              /* per LSQR pass, >= 1; default 100 */
  unsigned threads;                   /* 0 or 1: one thread */
} sketchmax_lstsq_options_t;

/* Fills *options with the defaults above. */
void sketchmax_lstsq_options_init(sketchmax_lstsq_options_t* options);

typedef struct sketchmax_lstsq_info {
  sketchmax_lstsq_method_t method; /* the method that produced x (QR after a randomized method fell back) */
  size_t iterations;               /* LSQR iterations over all passes */
  size_t rank;                     /* numerical rank (d unless QR found A rank-deficient) */
  size_t sketch_rows;              /* rows of the sketch formed, 0 if none */
  int converged;                   /* 0 only when an LSQR pass hit max_iterations */
  double residual_norm;            /* ‖b − A·x‖₂, recomputed */
} sketchmax_lstsq_info_t;

/*
 * x (d entries) = argmin ‖A·x − b‖₂ for the finite n x d A (n >= d >= 1) and b (n entries); the
 * minimum-norm solution when A is rank-deficient. options NULL: the defaults; info may be NULL.
 */
sketchmax_status_t sketchmax_lstsq(const double* A, size_t n, size_t d, const double* b,
                                   const sketchmax_lstsq_options_t* options, double* x, sketchmax_lstsq_info_t* info);

/* ---- ℓp sampling: leverage scores, Lewis weights, row samples ------------------------------ */

typedef enum sketchmax_leverage_method {
  SKETCHMAX_LEVERAGE_EXACT = 0,      /* pivoted QR, one triangular solve per row */
  SKETCHMAX_LEVERAGE_APPROXIMATE = 1, /* sparse-sign sketch + QR (+ JL when it reduces the rank) */
  SKETCHMAX_LEVERAGE_RANGE_MIN_ = -0x7fffffff - 1, /* reserved: they make every int a valid value, so that a */
  SKETCHMAX_LEVERAGE_RANGE_MAX_ = 0x7fffffff         /* bad one is an error status, not undefined behaviour */
} sketchmax_leverage_method_t;

/*
 * tau (n entries) = the leverage scores of the finite n x d A (n >= d >= 1), or of [A | b] when b (n
 * entries) is not NULL (exact method only; then n >= d + 1). rank (may be NULL) = the numerical rank
 * they come from. epsilon in (0, 1) is the approximate method's accuracy (ignored by exact; pass 0
 * for the default 0.5), seed its sketch's seed. A zero row gets exactly 0.
 */
sketchmax_status_t sketchmax_leverage_scores(const double* A, size_t n, size_t d, const double* b,
                                             sketchmax_leverage_method_t method, double epsilon, uint64_t seed,
                                             unsigned threads, double* tau, size_t* rank);

typedef struct sketchmax_lewis_info {
  size_t iterations; /* fixed-point updates (leverage computations = iterations + 1) */
  double residual;   /* max_i |ln(w_i / τ_i(W^{1/2−1/p}·A))| at the returned weights */
  int converged;     /* residual <= tolerance */
  size_t rank;       /* numerical rank of A (the sum of the exact weights) */
} sketchmax_lewis_info_t;

/*
 * w (n entries) = the ℓp Lewis weights of the finite n x d A (n >= d >= 1), or of [A | b] when b is
 * not NULL (n >= d + 1), for finite p >= 1: the iteration of the JavaScript lewisWeights (same steps,
 * so the weights agree to rounding). tolerance > 0 (0: default 1e-8); max_iterations (0: default
 * 1000). info may be NULL. Not converging within max_iterations is not an error: info->converged.
 */
sketchmax_status_t sketchmax_lewis_weights(const double* A, size_t n, size_t d, const double* b, double p,
                                           double tolerance, size_t max_iterations, unsigned threads, double* w,
                                           sketchmax_lewis_info_t* info);

typedef struct sketchmax_row_sample {
  size_t count;         /* rows written to indices/weights/probabilities */
  double expected_size; /* Σ q_i (Bernoulli) or the expected number of distinct rows (replacement) */
} sketchmax_row_sample_t;

/*
 * A weighted row sample from nonnegative finite scores (n entries, at least one positive), as the
 * JavaScript sampleRows with custom scores, drawing the same rows for the same seed:
 *  - replacement = 0: independent Bernoulli rows with q_i = min(1, c·s_i), Σ q_i = size
 *    (1 <= size <= number of positive scores), weight 1/q_i;
 *  - replacement != 0: exactly `size` iid draws from s/Σ s (1 <= size <= n), duplicates merged,
 *    weight count_i/(size·π_i).
 * indices (increasing), weights and probabilities (q_i or π_i) receive the sampled rows, at most
 * `capacity` of them; with more, SKETCHMAX_ERROR_BUFFER_TOO_SMALL and sample->count is the number
 * needed (nothing else is written). capacity >= n (Bernoulli) or >= size (replacement) always
 * suffices. weights act on |a_iᵀx − b_i|^p for the caller's p.
 */
sketchmax_status_t sketchmax_sample_rows(const double* scores, size_t n, size_t size, uint64_t seed, int replacement,
                                         uint32_t* indices, double* weights, double* probabilities, size_t capacity,
                                         sketchmax_row_sample_t* sample);

/* ---- ℓp regression -------------------------------------------------------------------------- */

typedef enum sketchmax_lp_method {
  SKETCHMAX_LP_AUTO = 0,   /* Newton for p > 2 */
  SKETCHMAX_LP_NEWTON = 1,
  SKETCHMAX_LP_P_IRLS = 2,  /* p > 2 only (Adil, Peng, Sachdeva 2019); ignored for p <= 2 */
  SKETCHMAX_LP_RANGE_MIN_ = -0x7fffffff - 1, /* reserved: they make every int a valid value, so that a */
  SKETCHMAX_LP_RANGE_MAX_ = 0x7fffffff         /* bad one is an error status, not undefined behaviour */
} sketchmax_lp_method_t;

typedef struct sketchmax_lp_options {
  const double* weights;        /* n nonnegative finite row weights w_i, or NULL for all 1 (default) */
  double tolerance;             /* relative stopping tolerance in [0, 1); default 1e-12 */
  size_t max_iterations;        /* least-squares solves, >= 1; default 500 */
  sketchmax_lp_method_t method; /* default SKETCHMAX_LP_AUTO */
  unsigned threads;             /* 0 or 1: one thread */
} sketchmax_lp_options_t;

/* Fills *options with the defaults above. */
void sketchmax_lp_options_init(sketchmax_lp_options_t* options);

typedef struct sketchmax_lp_info {
  double objective; /* Σ w_i |a_iᵀx − b_i|^p at x */
  size_t iterations;
  int converged;    /* p = 1: duality gap closed or the LP optimum certified; else the stopping test met */
} sketchmax_lp_info_t;

/*
 * x (d entries) = argmin Σ w_i |a_iᵀx − b_i|^p for the finite n x d A (n >= d >= 1), b (n entries)
 * and finite p >= 1, by the JavaScript lpRegression's methods (p = 1: interior point on the dual LP,
 * vertex polish and LP certificate; p = 2: least squares; otherwise damped Newton, or p-IRLS for
 * p > 2 on request), so x agrees with it to rounding. To fit on a row sample, pass the sampled rows
 * and their weights. options NULL: the defaults; info may be NULL.
 */
sketchmax_status_t sketchmax_lp_regression(const double* A, size_t n, size_t d, const double* b, double p,
                                           const sketchmax_lp_options_t* options, double* x, sketchmax_lp_info_t* info);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SKETCHMAX_SKETCHMAX_H_ */
