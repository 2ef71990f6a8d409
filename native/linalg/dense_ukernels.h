// The dense double-precision microkernels every ISA provides (dense_<isa>.cc), collected in the
// KernelTable of native/cpu/dispatch.h. Matrices are row-major with a row stride (lda, ldb, ldc) in
// elements. Kernels that sketches use (axpy, butterfly, gemm_tn) multiply and then add, never fuse,
// and sum in a fixed order, so their results are bit for bit the same on every ISA and equal to the
// TypeScript backend's loops; the solver kernels (dot_rows, axpy_rows, lsqr_rows, gemm_nn_sub) may
// use FMA and lane-wise partial sums, so they agree across ISAs to rounding only.
#ifndef SKETCHMAX_LINALG_DENSE_UKERNELS_H_
#define SKETCHMAX_LINALG_DENSE_UKERNELS_H_

#include <cstddef>
#include <cstdint>

namespace sketchmax {

// Rows the leverage-score kernels interleave at most (solve_norms_rows: one per SIMD lane); their
// `work` holds r·(kNormsGroupRows + 1) doubles for r pivot columns.
constexpr size_t kNormsGroupRows = 16;

struct DenseUkernels {
  // y[i] = A_i · x for i < rows (A_i the i-th row, cols entries).
  void (*dot_rows)(size_t rows, size_t cols, const double* A, size_t lda, const double* x, double* y);
  // w[c] += Σ_i y[i] · A[i][c] for c < cols.
  void (*axpy_rows)(size_t rows, size_t cols, const double* A, size_t lda, const double* y, double* w);
  // One fused pass of LSQR's bidiagonalisation over a block of rows: for each row i,
  // u[i] = A_i · v - alpha · u[i], then w += u[i] · A_i. Returns Σ u[i]² over the block.
  double (*lsqr_rows)(size_t rows, size_t cols, const double* A, size_t lda, const double* v, double alpha,
                      double* u, double* w);
  // y[c] = y[c] + alpha · x[c] for c < k (multiply, then add).
  void (*axpy)(size_t k, double alpha, const double* x, double* y);
  // (p[c], q[c]) = (p[c] + q[c], p[c] - q[c]) for c < k: one Walsh-Hadamard butterfly on two rows.
  void (*butterfly)(size_t k, double* p, double* q);
  // C (M x N) += Aᵀ · B for A (K x M) and B (K x N): every C[i][j] is updated in place by
  // C[i][j] = C[i][j] + A[p][i] · B[p][j] for p = 0, 1, ..., K-1 in that order (multiply, then add).
  void (*gemm_tn)(size_t M, size_t N, size_t K, const double* A, size_t lda, const double* B, size_t ldb,
                  double* C, size_t ldc);
  // C (M x N) -= A · B for A (M x K) and B (K x N).
  void (*gemm_nn_sub)(size_t M, size_t N, size_t K, const double* A, size_t lda, const double* B, size_t ldb,
                      double* C, size_t ldc);
  // One Householder reflection of a block of rows fused with the Gram row of the next column (the
  // TSQR kernel of qr.cc): for each row i < rows, u = s·B_i[0], then B_i[c] -= u·w[c] and
  // z[c] += B_i[1]·B_i[c] (the updated values) for 1 <= c < cols. Nothing when cols < 2. May fuse
  // and reorder the sums of z (agrees across ISAs to rounding only).
  void (*reflect_rows)(size_t rows, size_t cols, double* B, size_t ldb, double s, const double* w, double* z);
  // ys[t][c] = ys[t][c] + alphas[t] · x[c] for t < count, c < k (multiply, then add): one input row
  // of a sparse sketch into its buckets, x loaded once for all of them.
  void (*scatter_axpy)(size_t k, const double* x, size_t count, const double* alphas, double* const* ys);
  // The leverage-score row loops (native/sampling/leverage.cc). x_i is row i of A gathered through
  // `cols`: x_i[j] = A[i·lda + cols[j]] for j < r. Each out[i] depends on row i alone (never on its
  // neighbours or on `rows`); FMA and lane-wise sums, so ISAs agree to rounding only.
  // out[i] = ‖R⁻ᵀ·x_i‖² for i < rows: forward substitution with the r x r upper-triangular R (row
  // stride ldr, nonzero diagonal) in relative precision (no inverse of R is formed).
  void (*solve_norms_rows)(size_t rows, size_t r, const double* R, size_t ldr, const double* A, size_t lda,
                           const uint32_t* cols, double* work, double* out);
  // out[i] = ‖x_i·G‖² for i < rows and the r x k row-major G (row stride ldg).
  void (*product_norms_rows)(size_t rows, size_t r, size_t k, const double* G, size_t ldg, const double* A,
                             size_t lda, const uint32_t* cols, double* work, double* out);
};

#define SKETCHMAX_DENSE_UKERNEL_DECLS(suffix)                                                            \
  void dot_rows_##suffix(size_t, size_t, const double*, size_t, const double*, double*);                 \
  void axpy_rows_##suffix(size_t, size_t, const double*, size_t, const double*, double*);                \
  double lsqr_rows_##suffix(size_t, size_t, const double*, size_t, const double*, double, double*, double*); \
  void axpy_##suffix(size_t, double, const double*, double*);                                             \
  void butterfly_##suffix(size_t, double*, double*);                                                      \
  void gemm_tn_##suffix(size_t, size_t, size_t, const double*, size_t, const double*, size_t, double*, size_t); \
  void gemm_nn_sub_##suffix(size_t, size_t, size_t, const double*, size_t, const double*, size_t, double*, size_t); \
  void reflect_rows_##suffix(size_t, size_t, double*, size_t, double, const double*, double*); \
  void scatter_axpy_##suffix(size_t, const double*, size_t, const double*, double* const*); \
  void solve_norms_rows_##suffix(size_t, size_t, const double*, size_t, const double*, size_t, const uint32_t*, \
                                 double*, double*);                                                       \
  void product_norms_rows_##suffix(size_t, size_t, size_t, const double*, size_t, const double*, size_t, \
                                   const uint32_t*, double*, double*);

SKETCHMAX_DENSE_UKERNEL_DECLS(scalar)
SKETCHMAX_DENSE_UKERNEL_DECLS(avx2)
SKETCHMAX_DENSE_UKERNEL_DECLS(avx512)

#define SKETCHMAX_DENSE_UKERNELS_TABLE(suffix)                                                 \
  DenseUkernels {                                                                               \
    dot_rows_##suffix, axpy_rows_##suffix, lsqr_rows_##suffix, axpy_##suffix, butterfly_##suffix, \
        gemm_tn_##suffix, gemm_nn_sub_##suffix, reflect_rows_##suffix, scatter_axpy_##suffix,   \
        solve_norms_rows_##suffix, product_norms_rows_##suffix                                   \
  }

}  // namespace sketchmax

#endif  // SKETCHMAX_LINALG_DENSE_UKERNELS_H_
