// Anderson (anderson.h): lib/sampling/anderson.ts in C++, operation for operation.
#include "sampling/anderson.h"

#include <cmath>

namespace sketchmax {
namespace {

constexpr double kDrop = 1e-10;  // anderson.ts DROP

double dot(const double* a, const double* b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

Anderson::Anderson(size_t n, size_t depth) : n_(n), depth_(depth), prevF_(n), prevG_(n), gram_(depth * depth) {}

void Anderson::reset() {
  count_ = 0;
  head_ = 0;
  primed_ = false;
}

size_t Anderson::slot(size_t j) const { return (head_ + 2 * depth_ - 1 - j) % depth_; }

void Anderson::push(const double* x, const double* f) {
  if (dF_.size() < depth_) {
    dF_.emplace_back(n_);
    dG_.emplace_back(n_);
  }
  double* dF = dF_[head_].data();
  double* dG = dG_[head_].data();
  for (size_t i = 0; i < n_; ++i) {
    dF[i] = f[i] - prevF_[i];
    dG[i] = x[i] + f[i] - prevG_[i];
  }
  if (count_ < depth_) ++count_;
  for (size_t j = 0; j < count_; ++j) {
    const size_t s = (head_ + depth_ - j) % depth_;
    const double v = dot(dF, dF_[s].data(), n_);
    gram_[head_ * depth_ + s] = v;
    gram_[s * depth_ + head_] = v;
  }
  head_ = (head_ + 1) % depth_;
}

std::vector<double> Anderson::coefficients(const double* f) const {
  const size_t k = count_;
  std::vector<double> gamma(k, 0.0);
  if (k == 0) return gamma;
  std::vector<double> G(k * k, 0.0), rhs(k), y(k, 0.0);
  for (size_t a = 0; a < k; ++a) {
    const size_t sa = slot(a);
    for (size_t b = 0; b <= a; ++b) G[a * k + b] = gram_[sa * depth_ + slot(b)];
    rhs[a] = dot(dF_[sa].data(), f, n_);
  }
  std::vector<size_t> kept;
  for (size_t a = 0; a < k; ++a) {
    const double norm2 = G[a * k + a];
    for (size_t b : kept) {
      double s = G[a * k + b];
      for (size_t c : kept) {
        if (c >= b) break;
        s -= G[a * k + c] * G[b * k + c];
      }
      G[a * k + b] = s / G[b * k + b];
    }
    double pivot = norm2;
    for (size_t b : kept) pivot -= G[a * k + b] * G[a * k + b];
    if (!(pivot > kDrop * norm2)) continue;
    G[a * k + a] = std::sqrt(pivot);
    kept.push_back(a);
  }
  for (size_t t = 0; t < kept.size(); ++t) {
    const size_t a = kept[t];
    double s = rhs[a];
    for (size_t u = 0; u < t; ++u) s -= G[a * k + kept[u]] * y[kept[u]];
    y[a] = s / G[a * k + a];
  }
  for (size_t t = kept.size(); t-- > 0;) {
    const size_t a = kept[t];
    double s = y[a];
    for (size_t u = t + 1; u < kept.size(); ++u) s -= G[kept[u] * k + a] * gamma[kept[u]];
    gamma[a] = s / G[a * k + a];
  }
  return gamma;
}

void Anderson::step(const double* x, const double* f, double* out) {
  if (primed_) push(x, f);
  primed_ = true;
  const std::vector<double> gamma = coefficients(f);
  const size_t k = gamma.size();
  std::vector<const double*> dG(k);
  for (size_t j = 0; j < k; ++j) dG[j] = dG_[slot(j)].data();
  for (size_t i = 0; i < n_; ++i) {
    const double g = x[i] + f[i];
    prevF_[i] = f[i];
    prevG_[i] = g;
    double v = g;
    for (size_t j = 0; j < k; ++j) v -= gamma[j] * dG[j][i];
    out[i] = v;
  }
}

}  // namespace sketchmax
