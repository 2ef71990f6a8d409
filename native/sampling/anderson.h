// Anderson acceleration (type II, mixing 1) of a fixed-point iteration x ← x + f(x): the C++ twin of
// lib/sampling/anderson.ts, which documents the method; the same operations in the same order, so the
// Lewis iteration takes the same steps in both languages.
#ifndef SKETCHMAX_SAMPLING_ANDERSON_H_
#define SKETCHMAX_SAMPLING_ANDERSON_H_

#include <cstddef>
#include <vector>

namespace sketchmax {

class Anderson {
 public:
  Anderson(size_t n, size_t depth);
  // Forgets the history: the next step is the base step.
  void reset();
  // out = the accelerated successor of x, whose increment is f (out aliases neither).
  void step(const double* x, const double* f, double* out);

 private:
  size_t slot(size_t j) const;
  void push(const double* x, const double* f);
  std::vector<double> coefficients(const double* f) const;

  size_t n_, depth_;
  std::vector<std::vector<double>> dF_, dG_;
  std::vector<double> prevF_, prevG_;
  std::vector<double> gram_;  // dF_sᵀdF_t by slot, depth x depth
  size_t count_ = 0, head_ = 0;
  bool primed_ = false;
};

}  // namespace sketchmax

#endif  // SKETCHMAX_SAMPLING_ANDERSON_H_
