// Sketch application over the dense microkernels of the ISA in effect, multi-threaded, with results
// that depend on neither the ISA nor the thread count (see sketch.h for the contract).
//
// Every random choice comes from random_choices.h and is indexed by the GLOBAL input row
// row0 + j, so streaming a matrix in row blocks reproduces the one-shot sketch.
//
// - Sparse kinds (CountSketch, sparse sign): the input rows are processed in chunks. The buckets
//   and signs of a chunk's rows are drawn once, into a ring of chunk buffers, in parts that any
//   thread may claim (Philox 8 or 16 blocks at a time with SSE2 / AVX2); then every thread scatters
//   the chunk's rows into ITS OUTPUT ROWS (a bucket range) with `scatter_axpy`: every output entry is updated
//   by one thread only, over the input rows in ascending order, multiply then add, exactly as the
//   TypeScript loop does. (Splitting by output columns would share a cache line per output row
//   between threads: rows are k doubles, not line aligned.) No barrier: a thread waits only for the
//   parts of the chunk it is about to scatter and for a free ring slot, so a descheduled thread
//   (oversubscribed machine) does not stall the others for long.
// - Dense kinds (Gaussian, Rademacher): the OUTPUT ROWS are split into ranges (multiples of 4, so a
//   range owns whole Philox blocks); each task generates its part of S for a block of input rows,
//   stored transposed (nb x rows), and multiplies with gemm_tn, which updates every entry in place
//   over the block's rows in ascending order: again the TypeScript order, per entry.
// - SRHT: the whole (padded, sign-flipped) matrix is transformed in an N x k buffer by a cache-blocked
//   fast Walsh-Hadamard transform: the levels are grouped into passes; a pass applies its levels to
//   independent groups of rows (stride = product of the earlier groups' sizes) that fit in 512 KiB,
//   so each pass reads and writes the buffer once. Only the groups that the sampled rows depend on
//   are computed. Every butterfly reads exactly the outputs of the previous level on the same two
//   rows, so the result is bit for bit the level-by-level transform (fwhtRows in TypeScript).
//   SRHT needs the whole matrix in one call: row0 must be 0 (see sketch_accumulate).
#include "sketch/sketch.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <memory>
#include <new>
#include <thread>
#include <vector>

#include "cpu/dispatch.h"
#include "cpu/parallel.h"
#include "sketch/random_choices.h"

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#include <emmintrin.h>
#define SKETCHMAX_SKETCH_SSE2 1
#else
#define SKETCHMAX_SKETCH_SSE2 0
#endif
// AVX2 Philox through a function attribute (GCC, Clang), used only when the CPU runs AVX2.
#if SKETCHMAX_SKETCH_SSE2 && (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define SKETCHMAX_SKETCH_AVX2_TARGET 1
#else
#define SKETCHMAX_SKETCH_AVX2_TARGET 0
#endif

namespace sketchmax {
namespace {

// ---------------------------------------------------------------------------------------------
// A team of threads whose size is known to all before any work starts (the sparse kinds wait for one
// another, so every member must really run). The team is whatever could be started (at least the
// caller); work is divided by the actual size, and no result depends on it.

inline void cpu_relax() {
#if SKETCHMAX_SKETCH_SSE2
  _mm_pause();
#endif
}

// Calls fn(tid, team_size) on up to `threads` threads, the caller being tid 0. fn must not
// throw. May throw (std::bad_alloc) before any fn runs; callers catch.
template <class F>
void run_team(unsigned threads, F&& fn) {
  if (threads <= 1) {
    fn(0u, 1u);
    return;
  }
  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  unsigned team = 1;
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) {
    try {
      pool.emplace_back([&, i] {
        unsigned size;
        {
          std::unique_lock<std::mutex> lock(mu);
          cv.wait(lock, [&] { return go; });
          size = team;
        }
        fn(i, size);
      });
    } catch (...) {  // no more threads: the team is the ones started
      break;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    team = static_cast<unsigned>(pool.size()) + 1;
    go = true;
  }
  cv.notify_all();
  fn(0u, team);
  for (std::thread& th : pool) th.join();
}

// [lo, hi) of part `i` of `parts` near-equal parts of [0, n), boundaries at multiples of `align`.
inline void split_range(size_t n, size_t parts, size_t i, size_t align, size_t* lo, size_t* hi) {
  const size_t units = (n + align - 1) / align;
  *lo = std::min(n, units * i / parts * align);
  *hi = std::min(n, units * (i + 1) / parts * align);
}

// ---------------------------------------------------------------------------------------------
// Sparse kinds.

// Prefetch an input line.
inline void prefetch_in(const double* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 0, 3);
#else
  (void)p;
#endif
}

// Philox's key for each of its rounds (the key is bumped by the Weyl constants between rounds).
inline void philox_round_keys(PhiloxKey key, uint32_t (&round_key)[kPhiloxRounds][2]) {
  for (int r = 0; r < kPhiloxRounds; ++r) {
    round_key[r][0] = key[0];
    round_key[r][1] = key[1];
    key[0] += kPhiloxW0;
    key[1] += kPhiloxW1;
  }
}

// The buckets and signs of input row j as codes (bucket << 1) | (sign < 0): sparse_column's choices
// (same draws, same rejection of repeated buckets, same order).
inline void sparse_codes(PhiloxKey key, uint64_t j, uint64_t m, size_t s, uint64_t* codes) {
  size_t found = 0;
  for (uint32_t t = 0; found < s; ++t) {
    const PhiloxCounter w = choice_block(key, kStreamSparse, j, t);
    const uint64_t b = uniform_index(w[0], w[1], m);
    bool taken = false;
    for (size_t u = 0; u < found; ++u) taken = taken || (codes[u] >> 1) == b;
    if (taken) continue;
    codes[found++] = (b << 1) | (w[2] >> 31);
  }
}

#if SKETCHMAX_SKETCH_SSE2
// One Philox round on four blocks (one per 32-bit lane). _mm_mul_epu32 gives the 32x32->64 products
// of lanes 0 and 2, so the odd lanes go through a shift. Plain integer arithmetic: philox4x32_10's bits.
struct Philox4Lanes {
  __m128i c0, c1, c2, c3;
  inline void round(__m128i m0, __m128i m1, __m128i lo_mask, __m128i k0, __m128i k1) {
    const __m128i pe0 = _mm_mul_epu32(c0, m0), po0 = _mm_mul_epu32(_mm_srli_epi64(c0, 32), m0);
    const __m128i pe1 = _mm_mul_epu32(c2, m1), po1 = _mm_mul_epu32(_mm_srli_epi64(c2, 32), m1);
    const __m128i hi0 = _mm_or_si128(_mm_srli_epi64(pe0, 32), _mm_andnot_si128(lo_mask, po0));
    const __m128i lo0 = _mm_or_si128(_mm_and_si128(pe0, lo_mask), _mm_slli_epi64(po0, 32));
    const __m128i hi1 = _mm_or_si128(_mm_srli_epi64(pe1, 32), _mm_andnot_si128(lo_mask, po1));
    const __m128i lo1 = _mm_or_si128(_mm_and_si128(pe1, lo_mask), _mm_slli_epi64(po1, 32));
    c0 = _mm_xor_si128(_mm_xor_si128(hi1, c1), k0);
    c1 = lo1;
    c2 = _mm_xor_si128(_mm_xor_si128(hi0, c3), k1);
    c3 = lo0;
  }
};
#endif

// Words 0..2 of the Philox blocks choice_block(key, kStreamSparse, j0 + p / s, p % s) for
// p < count (count a multiple of 8; the caller's arrays hold count words).
void sparse_first_draws(PhiloxKey key, uint64_t j0, size_t s, size_t count, uint32_t* w0, uint32_t* w1,
                        uint32_t* w2) {
  uint64_t j = j0;
  uint32_t t = 0;
#if SKETCHMAX_SKETCH_SSE2
  // Eight blocks per step as two independent groups of four, so the rounds' latencies overlap.
  uint32_t round_key[kPhiloxRounds][2];
  philox_round_keys(key, round_key);
  const __m128i m0 = _mm_set1_epi32(static_cast<int>(kPhiloxM0));
  const __m128i m1 = _mm_set1_epi32(static_cast<int>(kPhiloxM1));
  const __m128i lo_mask = _mm_set_epi32(0, -1, 0, -1);
  const __m128i stream = _mm_set1_epi32(static_cast<int>(kStreamSparse));
  for (size_t p = 0; p < count; p += 8) {
    alignas(16) uint32_t c0a[8], c1a[8], c2a[8];
    for (int l = 0; l < 8; ++l) {
      c0a[l] = static_cast<uint32_t>(j);
      c1a[l] = static_cast<uint32_t>(j >> 32);
      c2a[l] = t;
      if (++t == s) {
        t = 0;
        ++j;
      }
    }
    Philox4Lanes a{_mm_load_si128(reinterpret_cast<const __m128i*>(c0a)),
                   _mm_load_si128(reinterpret_cast<const __m128i*>(c1a)),
                   _mm_load_si128(reinterpret_cast<const __m128i*>(c2a)), stream};
    Philox4Lanes b{_mm_load_si128(reinterpret_cast<const __m128i*>(c0a + 4)),
                   _mm_load_si128(reinterpret_cast<const __m128i*>(c1a + 4)),
                   _mm_load_si128(reinterpret_cast<const __m128i*>(c2a + 4)), stream};
    for (int r = 0; r < kPhiloxRounds; ++r) {
      const __m128i k0 = _mm_set1_epi32(static_cast<int>(round_key[r][0]));
      const __m128i k1 = _mm_set1_epi32(static_cast<int>(round_key[r][1]));
      a.round(m0, m1, lo_mask, k0, k1);
      b.round(m0, m1, lo_mask, k0, k1);
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w0 + p), a.c0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w1 + p), a.c1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w2 + p), a.c2);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w0 + p + 4), b.c0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w1 + p + 4), b.c1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w2 + p + 4), b.c2);
  }
#else
  for (size_t p = 0; p < count; ++p) {
    const PhiloxCounter w = choice_block(key, kStreamSparse, j, t);
    w0[p] = w[0];
    w1[p] = w[1];
    w2[p] = w[2];
    if (++t == s) {
      t = 0;
      ++j;
    }
  }
#endif
}

#if SKETCHMAX_SKETCH_AVX2_TARGET
// The same with AVX2 (eight lanes, two groups: sixteen blocks per step), compiled for AVX2 by a
// function attribute and called only when the kernel table in effect is AVX2 or AVX-512.
__attribute__((target("avx2"))) void sparse_first_draws_avx2(PhiloxKey key, uint64_t j0, size_t s, size_t count,
                                                             uint32_t* w0, uint32_t* w1, uint32_t* w2) {
  struct Lanes {
    __m256i c0, c1, c2, c3;
  };
  uint64_t j = j0;
  uint32_t t = 0;
  uint32_t round_key[kPhiloxRounds][2];
  philox_round_keys(key, round_key);
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kPhiloxM0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kPhiloxM1));
  const __m256i lo_mask = _mm256_set1_epi64x(0xffffffffll);
  const __m256i stream = _mm256_set1_epi32(static_cast<int>(kStreamSparse));
  for (size_t p = 0; p < count; p += 16) {
    alignas(32) uint32_t c0a[16], c1a[16], c2a[16];
    for (int l = 0; l < 16; ++l) {
      c0a[l] = static_cast<uint32_t>(j);
      c1a[l] = static_cast<uint32_t>(j >> 32);
      c2a[l] = t;
      if (++t == s) {
        t = 0;
        ++j;
      }
    }
    Lanes g[2];
    for (int h = 0; h < 2; ++h)
      g[h] = {_mm256_load_si256(reinterpret_cast<const __m256i*>(c0a + 8 * h)),
              _mm256_load_si256(reinterpret_cast<const __m256i*>(c1a + 8 * h)),
              _mm256_load_si256(reinterpret_cast<const __m256i*>(c2a + 8 * h)), stream};
    for (int r = 0; r < kPhiloxRounds; ++r) {
      const __m256i k0 = _mm256_set1_epi32(static_cast<int>(round_key[r][0]));
      const __m256i k1 = _mm256_set1_epi32(static_cast<int>(round_key[r][1]));
      for (int h = 0; h < 2; ++h) {
        Lanes& c = g[h];
        const __m256i pe0 = _mm256_mul_epu32(c.c0, m0), po0 = _mm256_mul_epu32(_mm256_srli_epi64(c.c0, 32), m0);
        const __m256i pe1 = _mm256_mul_epu32(c.c2, m1), po1 = _mm256_mul_epu32(_mm256_srli_epi64(c.c2, 32), m1);
        const __m256i hi0 = _mm256_or_si256(_mm256_srli_epi64(pe0, 32), _mm256_andnot_si256(lo_mask, po0));
        const __m256i lo0 = _mm256_or_si256(_mm256_and_si256(pe0, lo_mask), _mm256_slli_epi64(po0, 32));
        const __m256i hi1 = _mm256_or_si256(_mm256_srli_epi64(pe1, 32), _mm256_andnot_si256(lo_mask, po1));
        const __m256i lo1 = _mm256_or_si256(_mm256_and_si256(pe1, lo_mask), _mm256_slli_epi64(po1, 32));
        c.c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c.c1), k0);
        c.c1 = lo1;
        c.c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c.c3), k1);
        c.c3 = lo0;
      }
    }
    for (int h = 0; h < 2; ++h) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w0 + p + 8 * h), g[h].c0);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w1 + p + 8 * h), g[h].c1);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w2 + p + 8 * h), g[h].c2);
    }
  }
}
#endif

// The codes of rows j0 .. j0 + rows - 1 (s per row) into codes: the first s draws of every row in
// bulk; a row whose first s draws repeat a bucket is redone by sparse_codes.
void draw_codes(PhiloxKey key, uint64_t j0, size_t rows, uint64_t m, size_t s, uint64_t* codes, bool avx2) {
  constexpr size_t kPairs = 256;
  if (s > kPairs / 16) {
    for (size_t r = 0; r < rows; ++r) sparse_codes(key, j0 + r, m, s, codes + r * s);
    return;
  }
  alignas(32) uint32_t w0[kPairs], w1[kPairs], w2[kPairs];
  uint64_t bucket[kPairs];
  const size_t per = kPairs / s;
  const double range = static_cast<double>(m);
  for (size_t r0 = 0; r0 < rows; r0 += per) {
    const size_t nr = std::min(per, rows - r0), P = nr * s;
#if SKETCHMAX_SKETCH_AVX2_TARGET
    if (avx2) sparse_first_draws_avx2(key, j0 + r0, s, (P + 15) & ~size_t{15}, w0, w1, w2);
    else sparse_first_draws(key, j0 + r0, s, (P + 7) & ~size_t{7}, w0, w1, w2);
#else
    (void)avx2;
    sparse_first_draws(key, j0 + r0, s, (P + 7) & ~size_t{7}, w0, w1, w2);
#endif
    // uniform_index: floor(u * m); u * m is in [0, 2^63), where floor is truncation toward zero.
    for (size_t p = 0; p < P; ++p)
      bucket[p] = static_cast<uint64_t>(static_cast<int64_t>(uniform53(w0[p], w1[p]) * range));
    for (size_t r = 0; r < nr; ++r) {
      uint64_t* cj = codes + (r0 + r) * s;
      const uint64_t* bj = bucket + r * s;
      const uint32_t* sj = w2 + r * s;
      unsigned repeated = 0;
      for (size_t t = 1; t < s; ++t)
        for (size_t u = 0; u < t; ++u) repeated |= bj[u] == bj[t];
      if (repeated) {
        sparse_codes(key, j0 + r0 + r, m, s, cj);
      } else {
        for (size_t t = 0; t < s; ++t) cj[t] = (bj[t] << 1) | (sj[t] >> 31);
      }
    }
  }
}

// Waits until pred() holds: spins briefly, then yields the core (the machine may be oversubscribed).
template <class P>
void wait_until(P&& pred) {
  for (int spin = 0; !pred(); ++spin) {
    if (spin < 200) cpu_relax();
    else std::this_thread::yield();
  }
}

bool sparse(const DenseUkernels& K, bool avx2, PhiloxKey key, const double* A, size_t n, size_t d, const double* b,
            uint64_t row0, size_t m, size_t s, double* out, unsigned threads) {
  const size_t k = d + (b ? 1 : 0);
  if (n == 0 || k == 0) return true;
  const double scale = 1.0 / std::sqrt(static_cast<double>(s));
  // Chunks of about 16k codes (128 KiB), at least 256 rows; each drawn in kParts parts that any
  // thread may claim; kSlots chunk buffers in a ring.
  constexpr size_t kSlots = 4, kParts = 8;
  const size_t chunk = std::min(n, std::max<size_t>(256, 16384 / s));
  const size_t chunks = (n + chunk - 1) / chunk;
  std::vector<uint64_t> codes_ring(kSlots * chunk * s);
  std::unique_ptr<std::atomic<unsigned>[]> claimed(new std::atomic<unsigned>[chunks]);
  std::unique_ptr<std::atomic<unsigned>[]> drawn(new std::atomic<unsigned>[chunks]);
  for (size_t c = 0; c < chunks; ++c) {
    claimed[c].store(0, std::memory_order_relaxed);
    drawn[c].store(0, std::memory_order_relaxed);
  }
  // progress[t]: chunks thread t has scattered (its own cache line each).
  struct alignas(64) Progress {
    std::atomic<size_t> v{0};
  };
  std::unique_ptr<Progress[]> progress(new Progress[std::max(1u, threads)]);
  const auto scatter = K.scatter_axpy;
  // Allocated here: the team's functions must not throw.
  std::vector<double*> dests_all(std::max(1u, threads) * s);
  std::vector<double> alphas_all(std::max(1u, threads) * s);
  constexpr size_t kAheadA = 8;  // input rows prefetched ahead
  run_team(threads, [&](unsigned tid, unsigned team) {
    // The slot of chunk c is free once every thread has scattered chunk c - kSlots.
    auto slot_free = [&](size_t c) {
      if (c < kSlots) return true;
      for (unsigned t = 0; t < team; ++t)
        if (progress[t].v.load(std::memory_order_acquire) + kSlots <= c) return false;
      return true;
    };
    // Draws unclaimed parts of chunk c (its slot must be free).
    auto help_draw = [&](size_t c) {
      const size_t base = c * chunk, rows = std::min(chunk, n - base);
      uint64_t* codes = codes_ring.data() + (c % kSlots) * chunk * s;
      for (unsigned part = claimed[c].fetch_add(1, std::memory_order_relaxed); part < kParts;
           part = claimed[c].fetch_add(1, std::memory_order_relaxed)) {
        size_t r0, r1;
        split_range(rows, kParts, part, 1, &r0, &r1);
        if (r1 > r0) draw_codes(key, row0 + base + r0, r1 - r0, m, s, codes + r0 * s, avx2);
        drawn[c].fetch_add(1, std::memory_order_release);
      }
    };
    // This thread's output rows (buckets) [q0, q1): each entry is updated by one thread only, over
    // the input rows in ascending order.
    size_t q0, q1;
    split_range(m, team, tid, 1, &q0, &q1);
    double** dests = dests_all.data() + tid * s;  // this thread's buckets of the current input row
    double* alphas = alphas_all.data() + tid * s;
    const uint64_t qn = q1 - q0;
    for (size_t c = 0; c < chunks; ++c) {
      wait_until([&] { return slot_free(c); });
      help_draw(c);
      if (c + 1 < chunks && slot_free(c + 1)) help_draw(c + 1);  // run ahead while others draw c
      wait_until([&] { return drawn[c].load(std::memory_order_acquire) == kParts; });
      if (qn > 0) {
        const size_t base = c * chunk, rows = std::min(chunk, n - base);
        const uint64_t* codes = codes_ring.data() + (c % kSlots) * chunk * s;
        for (size_t r = 0; r < rows; ++r) {
          const size_t j = base + r;
          const double* a = A + j * d;
          const uint64_t* cj = codes + r * s;
          if (r + kAheadA < rows) {  // a later row of this chunk, if it has a bucket here
            const uint64_t* cn = cj + kAheadA * s;
            bool mine = false;
            for (size_t t = 0; t < s; ++t) mine = mine || (cn[t] >> 1) - q0 < qn;
            if (mine) {
              const double* an = a + kAheadA * d;
              for (size_t c2 = 0; c2 < d; c2 += 8) prefetch_in(an + c2);
            }
          }
          size_t mine = 0;
          for (size_t t = 0; t < s; ++t) {
            const uint64_t code = cj[t], q = code >> 1;
            if (q - q0 >= qn) continue;
            double* o = out + static_cast<size_t>(q) * k;
            const double v = (code & 1) ? -scale : scale;
            dests[mine] = o;
            alphas[mine++] = v;
            if (b) o[d] = o[d] + v * b[j];
          }
          if (d && mine) scatter(d, a, mine, alphas, dests);
        }
      }
      progress[tid].v.store(c + 1, std::memory_order_release);
    }
  });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Dense kinds.


bool dense(const DenseUkernels& K, PhiloxKey key, bool gaussian, const double* A, size_t n, size_t d,
           const double* b, uint64_t row0, size_t m, double* out, unsigned threads) {
  const size_t k = d + (b ? 1 : 0);
  if (n == 0 || k == 0) return true;
  constexpr size_t kRowsPerTask = 64;  // output rows per task (a multiple of 4)
  constexpr size_t kBlock = 128;       // input rows per block of S
  const size_t tasks = (m + kRowsPerTask - 1) / kRowsPerTask;
  const double scale = 1.0 / std::sqrt(static_cast<double>(m));
  std::atomic<bool> ok{true};
  parallel_for(tasks, threads, [&](size_t task) {
    const size_t r0 = task * kRowsPerTask, r1 = std::min(m, r0 + kRowsPerTask), mr = r1 - r0;
    double* S;
    try {
      S = new double[kBlock * mr];
    } catch (...) {
      ok = false;
      return;
    }
    for (size_t j0 = 0; j0 < n; j0 += kBlock) {
      const size_t nb = std::min(kBlock, n - j0);
      for (size_t p = 0; p < nb; ++p) {
        double* sp = S + p * mr;
        dense_column_range(key, gaussian, row0 + j0 + p, r0, r1, sp);
        for (size_t r = 0; r < mr; ++r) sp[r] = sp[r] * scale;
      }
      if (d) K.gemm_tn(mr, d, nb, S, mr, A + j0 * d, d, out + r0 * k, k);
      if (b) K.gemm_tn(mr, 1, nb, S, mr, b + j0, 1, out + r0 * k + d, k);
    }
    delete[] S;
  });
  return ok;
}

// ---------------------------------------------------------------------------------------------
// SRHT.

struct FwhtPass {
  size_t stride;  // distance between the rows of a group
  size_t size;    // rows per group (a power of two)
};

// The FWHT of the N x k buffer X, sign flip and load of [A | b] fused into the first pass, then
// out (+)= scale · X[rows[r]].
bool srht(const DenseUkernels& K, PhiloxKey key, const double* A, size_t n, size_t d, const double* b, size_t m,
          double* out, bool overwrite, unsigned threads) {
  const size_t k = d + (b ? 1 : 0);
  size_t N = 1;
  unsigned levels = 0;
  while (N < n) {
    N *= 2;
    ++levels;
  }
  if (m > N) return false;  // not a valid SRHT (the TypeScript layer rejects it)
  if (k == 0 || m == 0) return true;
  if (N > SIZE_MAX / sizeof(double) / k) return false;
  const std::vector<uint64_t> rows = srht_rows(key, N, m);
  // Levels per pass: a group of 2^L rows of k doubles fits in 512 KiB.
  constexpr size_t kGroupBytes = 512 * 1024;
  unsigned lmax = 0;
  while ((size_t{2} << lmax) * k * sizeof(double) <= kGroupBytes && lmax < 63) ++lmax;
  lmax = std::max(1u, lmax);
  std::vector<FwhtPass> passes;
  {
    size_t stride = 1;
    unsigned left = levels;
    do {
      const unsigned l = std::min(left, lmax);
      passes.push_back({stride, size_t{1} << l});
      stride <<= l;
      left -= l;
    } while (left > 0);
  }
  // Which groups each pass must compute: those holding a row the next pass (or the sample) needs.
  std::vector<std::vector<size_t>> needed(passes.size());
  {
    std::vector<uint8_t> need_row(N, 0), need_group;
    for (uint64_t r : rows) need_row[r] = 1;
    for (size_t p = passes.size(); p-- > 0;) {
      const size_t S = passes[p].stride, G = passes[p].size, groups = N / G;
      need_group.assign(groups, 0);
      for (size_t r = 0; r < N; ++r)
        if (need_row[r]) need_group[(r / (S * G)) * S + r % S] = 1;
      for (size_t g = 0; g < groups; ++g) {
        if (!need_group[g]) continue;
        needed[p].push_back(g);
        const size_t base = (g / S) * S * G + g % S;
        for (size_t t = 0; t < G; ++t) need_row[base + t * S] = 1;
      }
    }
  }
  std::unique_ptr<double[]> X_owner(new double[N * k]);
  double* X = X_owner.get();
  const auto butterfly = K.butterfly;
  for (size_t p = 0; p < passes.size(); ++p) {
    const size_t S = passes[p].stride, G = passes[p].size;
    const std::vector<size_t>& groups = needed[p];
    parallel_for(groups.size(), threads, [&](size_t task) {
      const size_t g = groups[task];
      const size_t base = (g / S) * S * G + g % S;
      if (p == 0) {  // S == 1: rows base .. base + G - 1, loaded with their signs, zero padded
        for (size_t t = 0; t < G; ++t) {
          const size_t j = base + t;
          double* x = X + j * k;
          if (j < n) {
            const double sgn = srht_sign(key, j);
            const double* a = A + j * d;
            for (size_t c = 0; c < d; ++c) x[c] = sgn * a[c];
            if (b) x[d] = sgn * b[j];
          } else {
            std::memset(x, 0, k * sizeof(double));
          }
        }
      }
      for (size_t h = 1; h < G; h <<= 1)
        for (size_t i = 0; i < G; i += h << 1)
          for (size_t t = i; t < i + h; ++t) butterfly(k, X + (base + t * S) * k, X + (base + (t + h) * S) * k);
    });
  }
  const double scale = 1.0 / std::sqrt(static_cast<double>(m));
  for (size_t r = 0; r < m; ++r) {
    const double* x = X + rows[r] * k;
    double* o = out + r * k;
    if (overwrite) {
      for (size_t c = 0; c < k; ++c) o[c] = scale * x[c];
    } else {
      for (size_t c = 0; c < k; ++c) o[c] = o[c] + scale * x[c];
    }
  }
  return true;
}

bool run(const KernelTable& kernels, const SketchSpec& spec, const double* A, size_t n, size_t d, const double* b,
         uint64_t row0, double* out, bool overwrite, unsigned threads) {
  const PhiloxKey key{spec.key[0], spec.key[1]};
  const DenseUkernels& K = kernels.dense;
  const size_t m = spec.rows;
  const bool avx2 = kernels.isa == Isa::kAvx2 || kernels.isa == Isa::kAvx512;
  try {
    switch (spec.kind) {
      case SketchKind::kGaussian:
      case SketchKind::kRademacher:
        return dense(K, key, spec.kind == SketchKind::kGaussian, A, n, d, b, row0, m, out, threads);
      case SketchKind::kSrht:
        if (row0 != 0) return false;
        return srht(K, key, A, n, d, b, m, out, overwrite, threads);
      case SketchKind::kCountSketch:
        if (m == 0) return n == 0;
        return sparse(K, avx2, key, A, n, d, b, row0, m, 1, out, threads);
      case SketchKind::kSparseSign:
        if (spec.nnz_per_column == 0 || spec.nnz_per_column > m) return false;
        return sparse(K, avx2, key, A, n, d, b, row0, m, spec.nnz_per_column, out, threads);
    }
  } catch (...) {  // std::bad_alloc, or std::system_error from a thread primitive
    return false;
  }
  return false;
}

}  // namespace

bool sketch_apply(const KernelTable& kernels, const SketchSpec& spec, const double* A, size_t n, size_t d,
                  const double* b, double* out, unsigned threads) {
  const size_t k = d + (b ? 1 : 0);
  // SRHT writes its output directly (so a -0.0 stays -0.0, as in TypeScript); the others accumulate.
  if (spec.kind != SketchKind::kSrht) std::fill(out, out + spec.rows * k, 0.0);
  return run(kernels, spec, A, n, d, b, 0, out, spec.kind == SketchKind::kSrht, threads);
}

// Besides allocation failure, returns false (out untouched) for input the TypeScript layer rejects:
// SRHT with row0 != 0 or rows > n padded to a power of two; sparse sign with nnz_per_column
// outside [1, rows]; CountSketch with rows == 0 and n > 0.
bool sketch_accumulate(const KernelTable& kernels, const SketchSpec& spec, const double* A, size_t n, size_t d,
                       const double* b, uint64_t row0, double* out, unsigned threads) {
  return run(kernels, spec, A, n, d, b, row0, out, false, threads);
}

}  // namespace sketchmax
