// Philox4x32-10 against Random123's known-answer vectors (kat_vectors; the same three as RandBLAS's
// test/test_basic_rng/r123_kat_vectors.txt). Exit 0 on success.
#include <cstdio>

#include "sketch/philox.h"

using namespace sketchmax;

int main() {
  struct Kat {
    PhiloxCounter counter;
    PhiloxKey key;
    PhiloxCounter expected;
  };
  const Kat kats[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu},
       {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  int failures = 0;
  for (const Kat& k : kats) {
    const PhiloxCounter got = philox4x32_10(k.counter, k.key);
    if (got != k.expected) {
      ++failures;
      std::fprintf(stderr, "FAIL philox4x32_10(%08x %08x %08x %08x; %08x %08x) = %08x %08x %08x %08x\n",
                   k.counter[0], k.counter[1], k.counter[2], k.counter[3], k.key[0], k.key[1], got[0],
                   got[1], got[2], got[3]);
    }
  }
  std::printf("philox: %s\n", failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
