// Householder QR for the least-squares solver: the C++ twin of lib/linalg/qr.ts (unblocked, with
// optional column pivoting, column-major) plus a blocked compact-WY factorization of a row-major
// matrix for the full-rank case (the sketch S·[A | b], or [A | b] itself). Functions that allocate
// throw std::bad_alloc; lstsq catches it.
#ifndef SKETCHMAX_LINALG_QR_H_
#define SKETCHMAX_LINALG_QR_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "linalg/dense_ukernels.h"

namespace sketchmax {

// Blocked Householder QR in place of the row-major m x ncols matrix M (row stride ld), reflecting
// only its first nref columns (nref <= m): afterwards the nref x nref R is on and above the diagonal
// of those columns, the reflector tails below it (LAPACK layout, unit head implicit), tau holds the
// nref coefficients, and columns nref.. hold Qᵀ times their input (so factoring [S·A | S·b] yields R
// and Qᵀ·S·b at once). Parallel over row blocks of fixed boundaries: results do not depend on
// `threads`.
void qr_blocked(const DenseUkernels& k, double* M, size_t m, size_t ncols, size_t ld, size_t nref, double* tau,
                unsigned threads);

// The d x (d + 1) row-major [R | c] of [A | b] (A row-major n x d with row stride d, n >= d):
// R upper triangular and c the first d entries of Qᵀ·b, so min ‖A·x − b‖ is solved by R·x = c.
// Tall-skinny QR (TSQR): fixed blocks of rows (one task each) fold chunks of their rows into their
// own [R | c] (Householder reflections of [R; chunk], one fused pass over the chunk per column), and
// the blocks' [R | c] are folded into the first in block order; wide problems (d > 128) instead
// factor each block in cache by qr_blocked and stack and factor their [R | c] again, recursively.
// Fixed block boundaries and order: results do not depend on `threads`. Rows of R below the
// diagonal are zero.
std::vector<double> tsqr_rc(const DenseUkernels& k, const double* A, const double* b, size_t n, size_t d,
                            unsigned threads);

// The [R | c] of diag(scale)·[A | b] (b null: a zero column, so c = 0), as tsqr_rc returns it;
// scale null: tsqr_rc itself. tsqr_rc reads its input as it is, so with a scale each task scales
// chunks of its fixed block of rows into a buffer under the R so far ([R; chunk] -> R, R zero at
// first: never fewer rows than columns); the blocks' [R | c] are then stacked and factored once more.
// No scaled copy of the whole matrix (it would double the memory). Chunks of at least 8·d rows keep
// the refactored R's share of the work at 1/9 or less for wide A; the scaled path costs up to ~25%
// more than tsqr_rc of A at d = 200. Results do not depend on `threads`.
std::vector<double> tsqr_rc_scaled(const DenseUkernels& k, const double* A, const double* b, const double* scale,
                                   size_t n, size_t d, unsigned threads);

// A factorization by qr_householder: column-major n x d `qr` (R above, reflectors below the
// diagonal, as qr.ts), tau, the column permutation (A·P = Q·R; empty when unpivoted) and the rank.
struct HouseholderQr {
  size_t n = 0, d = 0;
  std::vector<double> qr, tau;
  std::vector<uint32_t> perm;
  size_t rank = 0;
};

// max(n, d)·eps: |R_kk| <= this·|R_00| counts as zero (qr.ts defaultRankTolerance).
double default_rank_tolerance(size_t n, size_t d);

// Unblocked Householder QR (qr.ts householderQRInPlace) of the row-major n x d matrix A (row stride
// lda), with column pivoting when `pivot` (LAPACK dgeqp3's norm downdating), the rank decided with
// default_rank_tolerance(n, d).
// tolerance_rows > n decides the rank as for a matrix of that many rows (the triangle R of a
// taller matrix A = Q·R has A's singular values and gets A's tolerance).
HouseholderQr qr_householder(const double* A, size_t n, size_t d, size_t lda, bool pivot, size_t tolerance_rows = 0);

// min ‖A·x - b‖ from a factorization of A (qr.ts qrSolveFactored): the minimum-norm solution of the
// rank-r problem when rank < d (then f must be pivoted). Writes x (d entries).
void qr_solve(const HouseholderQr& f, const double* b, double* x);

// y ← R⁻¹·y and y ← R⁻ᵀ·y for the leading k x k block of the row-major upper-triangular R (row
// stride ld); rows of R are read contiguously.
void solve_upper(const double* R, size_t ld, double* y, size_t k);
void solve_upper_transposed(const double* R, size_t ld, double* y, size_t k);

// lstsq_js.ts rcondEstimate for the d x d row-major upper-triangular R: an estimate of 1/κ₂(R) from
// above (diagonal ratio and power iterations); 0 for a zero or non-finite R.
double rcond_estimate(const double* R, size_t d);

}  // namespace sketchmax

#endif  // SKETCHMAX_LINALG_QR_H_
