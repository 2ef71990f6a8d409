// Threaded products with a row-major n x d matrix A for the least-squares solver. Rows are split
// into blocks of kDenseRowBlock whose boundaries do not depend on the thread count; the products
// that reduce over rows (Aᵀ·u, ‖u‖²) keep one partial per block and add the partials in block
// order after the join, so every result is the same for any `threads`.
// Functions that allocate (the per-block partials) throw std::bad_alloc.
#ifndef SKETCHMAX_LINALG_DENSE_H_
#define SKETCHMAX_LINALG_DENSE_H_

#include <cstddef>

#include "linalg/dense_ukernels.h"

namespace sketchmax {

constexpr size_t kDenseRowBlock = 1024;

// y = A·x (y has n entries).
void matvec(const DenseUkernels& k, const double* A, size_t n, size_t d, const double* x, double* y,
            unsigned threads);

// y = Aᵀ·u (y has d entries).
void matvec_t(const DenseUkernels& k, const double* A, size_t n, size_t d, const double* u, double* y,
              unsigned threads);

// The fused step of LSQR's bidiagonalisation, one pass over A: u ← A·v − alpha·u, then w = Aᵀ·u
// (w overwritten, d entries). Returns ‖u‖² of the new u (summed per block, blocks in order).
double lsqr_step(const DenseUkernels& k, const double* A, size_t n, size_t d, const double* v, double alpha,
                 double* u, double* w, unsigned threads);

// ‖a‖₂ without overflow or harmful underflow (qr.ts norm2: plain sum of squares when safely in
// range, else rescaled as dnrm2).
double norm2(const double* a, size_t len);

// The same from a sum of squares already formed (e.g. by lsqr_step): sqrt(sumsq) when it is safely
// in range, else norm2(a, len).
double norm2_from_sumsq(double sumsq, const double* a, size_t len);

// Rows [begin, begin + rows) of diag(scale)·A into out (row-major, stride d): for drivers that
// stream a row-scaled matrix through kernels that read their input as it is.
void scale_rows(const double* A, size_t d, const double* scale, size_t begin, size_t rows, double* out);

// Rows of a d-column matrix that one buffer of scaled rows holds (1 MiB, fits in L2), at least one.
inline size_t scaled_chunk_rows(size_t d) {
  const size_t rows = (size_t{1} << 20) / (sizeof(double) * d);
  return rows > 0 ? rows : 1;
}

// The index of the first NaN or ±inf in a[0, len), or len when every entry is finite. The
// argument checks of lstsq run this instead of a JavaScript loop (3-5x slower on 10^8 entries).
size_t first_non_finite(const double* a, size_t len, unsigned threads);

}  // namespace sketchmax

#endif  // SKETCHMAX_LINALG_DENSE_H_
