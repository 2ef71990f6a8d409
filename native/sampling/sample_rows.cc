// sample_rows (sample_rows.h): the TypeScript sampler's water-filling, Bernoulli and with-replacement
// draws, operation for operation.
#include "sampling/sample_rows.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "sketch/random_choices.h"

namespace sketchmax {
namespace {

constexpr int kWaterFillPasses = 8;  // sample_rows.ts WATER_FILL_PASSES

// q_i = min(1, c·s_i) with Σ q = size by the sorted scan (sample_rows.ts waterFillSorted).
std::vector<double> water_fill_sorted(const double* s, size_t n, size_t size, size_t positive) {
  std::vector<double> sorted;
  sorted.reserve(positive);
  for (size_t i = 0; i < n; ++i)
    if (s[i] > 0) sorted.push_back(s[i]);
  std::sort(sorted.begin(), sorted.end(), std::greater<double>());
  std::vector<double> suffix(positive + 1, 0.0);
  for (size_t k = positive; k-- > 0;) suffix[k] = suffix[k + 1] + sorted[k];
  size_t capped = 0;
  double c = 0;
  while (capped < positive) {
    c = (static_cast<double>(size) - static_cast<double>(capped)) / suffix[capped];
    if (c * sorted[capped] < 1) break;
    ++capped;
  }
  std::vector<double> q(n, 0.0);
  for (size_t i = 0; i < n; ++i)
    if (s[i] > 0) q[i] = std::min(1.0, c * s[i]);
  return q;
}

// The same by capping passes (sample_rows.ts waterFill), the sort only after kWaterFillPasses.
std::vector<double> water_fill(const double* s, size_t n, size_t size) {
  size_t positive = 0, capped = 0;
  for (size_t i = 0; i < n; ++i)
    if (s[i] > 0) ++positive;
  std::vector<double> q(n, 0.0);  // 1 marks a capped row during the passes
  double c = 0;
  for (int pass = 0;; ++pass) {
    if (pass == kWaterFillPasses) return water_fill_sorted(s, n, size, positive);
    if (capped == positive) break;
    double rest = 0;
    for (size_t i = 0; i < n; ++i)
      if (q[i] == 0) rest += s[i];
    c = (static_cast<double>(size) - static_cast<double>(capped)) / rest;
    size_t added = 0;
    for (size_t i = 0; i < n; ++i) {
      if (q[i] == 0 && s[i] > 0 && c * s[i] >= 1) {
        q[i] = 1;
        ++added;
      }
    }
    if (added == 0) break;
    capped += added;
  }
  for (size_t i = 0; i < n; ++i)
    if (q[i] == 0 && s[i] > 0) q[i] = c * s[i];
  return q;
}

double uniform(const uint32_t key[2], uint32_t stream, uint64_t index) {
  const PhiloxCounter w = choice_block(PhiloxKey{key[0], key[1]}, stream, index, 0);
  return uniform53(w[0], w[1]);
}

RowSample bernoulli(const double* s, size_t n, size_t size, const uint32_t key[2]) {
  const std::vector<double> q = water_fill(s, n, size);
  RowSample out;
  for (size_t i = 0; i < n; ++i) {
    if (q[i] <= 0) continue;
    out.expected_size += q[i];
    if (uniform(key, kStreamRowBernoulli, i) < q[i]) {
      out.indices.push_back(static_cast<uint32_t>(i));
      out.probabilities.push_back(q[i]);
      out.weights.push_back(1 / q[i]);
    }
  }
  return out;
}

// The smallest i <= last with cum[i] > x (sample_rows.ts searchCumulative).
size_t search_cumulative(const std::vector<double>& cum, double x, size_t last) {
  size_t lo = 0, hi = last;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (cum[mid] > x)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

RowSample with_replacement(const double* s, size_t n, size_t size, const uint32_t key[2]) {
  double total = 0;
  for (size_t i = 0; i < n; ++i) total += s[i];
  std::vector<double> cum(n);
  double acc = 0;
  for (size_t i = 0; i < n; ++i) cum[i] = acc += s[i];
  size_t last = n - 1;
  while (s[last] <= 0) --last;
  std::map<size_t, size_t> counts;
  for (size_t t = 0; t < size; ++t) ++counts[search_cumulative(cum, uniform(key, kStreamRowReplacement, t) * acc, last)];
  RowSample out;
  for (const auto& [i, count] : counts) {
    const double pi = s[i] / total;
    out.indices.push_back(static_cast<uint32_t>(i));
    out.probabilities.push_back(pi);
    out.weights.push_back(static_cast<double>(count) / (static_cast<double>(size) * pi));
  }
  for (size_t i = 0; i < n; ++i)
    if (s[i] > 0) out.expected_size += -std::expm1(static_cast<double>(size) * std::log1p(-s[i] / total));
  return out;
}

}  // namespace

RowSample sample_rows(const double* scores, size_t n, size_t size, const uint32_t key[2], bool replacement) {
  return replacement ? with_replacement(scores, n, size, key) : bernoulli(scores, n, size, key);
}

}  // namespace sketchmax
