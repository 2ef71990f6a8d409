// Row sampling from nonnegative scores in C++: lib/sampling/sample_rows.ts (sampleRowsFromScoresJs,
// which documents both modes, the water-filling and the Philox streams) with the same uniforms, so
// the same rows for the same seed wherever the probabilities agree. Used by the C API.
#ifndef SKETCHMAX_SAMPLING_SAMPLE_ROWS_H_
#define SKETCHMAX_SAMPLING_SAMPLE_ROWS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sketchmax {

constexpr uint32_t kStreamRowBernoulli = 6;    // sample_rows.ts STREAM_ROW_BERNOULLI
constexpr uint32_t kStreamRowReplacement = 7;  // sample_rows.ts STREAM_ROW_REPLACEMENT

struct RowSample {
  std::vector<uint32_t> indices;  // increasing
  std::vector<double> weights, probabilities;
  double expected_size = 0.0;
};

// The caller validated: scores finite and >= 0 with a positive, finite sum; Bernoulli: 1 <= size <=
// number of positive scores; replacement: 1 <= size <= n. Throws std::bad_alloc.
RowSample sample_rows(const double* scores, size_t n, size_t size, const uint32_t key[2], bool replacement);

}  // namespace sketchmax

#endif  // SKETCHMAX_SAMPLING_SAMPLE_ROWS_H_
