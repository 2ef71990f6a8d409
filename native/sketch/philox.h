// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11; Random123):
// a counter-based generator, so any block of random numbers is a pure function of (counter, key).
// That is what makes sketches reproducible across ISAs, thread counts and row splits: whoever
// generates entry (i, j) derives the same counter from (i, j) and gets the same bits. The TypeScript
// twin is lib/random/philox.ts; both are checked against Random123's known-answer vectors.
// Header-only, plain integer code, in an anonymous namespace (safe to include in any ISA unit).
#ifndef SKETCHMAX_SKETCH_PHILOX_H_
#define SKETCHMAX_SKETCH_PHILOX_H_

#include <array>
#include <cstdint>

namespace sketchmax {
namespace {

using PhiloxCounter = std::array<uint32_t, 4>;
using PhiloxKey = std::array<uint32_t, 2>;

constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;  // golden ratio
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;  // sqrt(3) - 1
constexpr int kPhiloxRounds = 10;

inline PhiloxCounter philox4x32_10(PhiloxCounter c, PhiloxKey k) {
  for (int r = 0; r < kPhiloxRounds; ++r) {
    const uint64_t p0 = static_cast<uint64_t>(kPhiloxM0) * c[0];
    const uint64_t p1 = static_cast<uint64_t>(kPhiloxM1) * c[2];
    const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
    const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
    k[0] += kPhiloxW0;
    k[1] += kPhiloxW1;
  }
  return c;
}

}  // namespace
}  // namespace sketchmax

#endif  // SKETCHMAX_SKETCH_PHILOX_H_
