// Every random choice a sketch makes, as a pure function of (key, stream, index, draw) through
// Philox4x32-10: the C++ twin of lib/sketch/random_choices.ts, which documents the contract.
// Signs, bucket indices and row samples agree bit for bit with the TypeScript backend; Gaussian
// entries go through log/cos/sin and agree to within a few ulp. Header-only, anonymous namespace.
#ifndef SKETCHMAX_SKETCH_RANDOM_CHOICES_H_
#define SKETCHMAX_SKETCH_RANDOM_CHOICES_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sketch/philox.h"

namespace sketchmax {
namespace {

enum SketchStream : uint32_t {
  kStreamGaussian = 1,
  kStreamRademacher = 2,
  kStreamSrhtSigns = 3,
  kStreamSrhtRows = 4,
  kStreamSparse = 5,
};

inline PhiloxCounter choice_block(PhiloxKey key, uint32_t stream, uint64_t index, uint32_t draw) {
  return philox4x32_10({static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32), draw, stream}, key);
}

// Uniform in [0, 1) with 53 random bits: (hi * 2^21 + (lo >> 11)) * 2^-53, exact in double.
inline double uniform53(uint32_t hi, uint32_t lo) {
  return (static_cast<double>(hi) * 2097152.0 + static_cast<double>(lo >> 11)) * 0x1p-53;
}

inline uint64_t uniform_index(uint32_t hi, uint32_t lo, uint64_t range) {
  return static_cast<uint64_t>(std::floor(uniform53(hi, lo) * static_cast<double>(range)));
}

inline double choice_sign(uint32_t word) { return (word >> 31) ? -1.0 : 1.0; }

// Entries [r0, r1) of column j of the dense sketch, unscaled, into out[0 .. r1 - r0): for r0 a
// multiple of 4 (each Philox block gives four entries).
inline void dense_column_range(PhiloxKey key, bool gaussian, uint64_t j, size_t r0, size_t r1, double* out) {
  constexpr double kTwoPi = 6.283185307179586;
  for (size_t q = r0 / 4; 4 * q < r1; ++q) {
    const PhiloxCounter w =
        choice_block(key, gaussian ? kStreamGaussian : kStreamRademacher, j, static_cast<uint32_t>(q));
    if (gaussian) {
      for (size_t p = 0; p < 2; ++p) {
        const double u1 = (static_cast<double>(w[2 * p]) + 0.5) * 0x1p-32;
        const double u2 = (static_cast<double>(w[2 * p + 1]) + 0.5) * 0x1p-32;
        const double radius = std::sqrt(-2.0 * std::log(u1));
        const size_t r = 4 * q + 2 * p;
        if (r < r1) out[r - r0] = radius * std::cos(kTwoPi * u2);
        if (r + 1 < r1) out[r + 1 - r0] = radius * std::sin(kTwoPi * u2);
      }
    } else {
      for (size_t t = 0; t < 4 && 4 * q + t < r1; ++t) out[4 * q + t - r0] = choice_sign(w[t]);
    }
  }
}

// Column j of a dense m x n sketch, unscaled (see the TypeScript twin for the layout).
inline void dense_column(PhiloxKey key, bool gaussian, uint64_t j, size_t m, double* out) {
  dense_column_range(key, gaussian, j, 0, m, out);
}

inline double srht_sign(PhiloxKey key, uint64_t j) {
  return choice_sign(choice_block(key, kStreamSrhtSigns, j, 0)[0]);
}

// m distinct rows of [0, N) by a partial Fisher-Yates shuffle kept in a hash map (O(m) memory).
inline std::vector<uint64_t> srht_rows(PhiloxKey key, uint64_t N, size_t m) {
  std::unordered_map<uint64_t, uint64_t> moved;
  std::vector<uint64_t> rows(m);
  for (size_t t = 0; t < m; ++t) {
    const PhiloxCounter w = choice_block(key, kStreamSrhtRows, t, 0);
    const uint64_t k = t + uniform_index(w[0], w[1], N - t);
    const auto at_k = moved.find(k);
    rows[t] = at_k == moved.end() ? k : at_k->second;
    const auto at_t = moved.find(t);
    moved[k] = at_t == moved.end() ? t : at_t->second;
  }
  return rows;
}

// The s distinct buckets in [0, m) and signs of input row j (CountSketch: s = 1; sparse sign).
inline void sparse_column(PhiloxKey key, uint64_t j, uint64_t m, size_t s, uint64_t* buckets,
                          double* signs) {
  size_t found = 0;
  for (uint32_t t = 0; found < s; ++t) {
    const PhiloxCounter w = choice_block(key, kStreamSparse, j, t);
    const uint64_t b = uniform_index(w[0], w[1], m);
    bool taken = false;
    for (size_t u = 0; u < found; ++u) taken = taken || buckets[u] == b;
    if (taken) continue;
    buckets[found] = b;
    signs[found] = choice_sign(w[2]);
    ++found;
  }
}

}  // namespace
}  // namespace sketchmax

#endif  // SKETCHMAX_SKETCH_RANDOM_CHOICES_H_
