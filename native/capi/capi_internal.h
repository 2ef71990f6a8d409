// Shared by the C API units (native/capi/*.cc): the kernel table the C API runs, the argument
// checks every function needs, and the guard that keeps C++ exceptions from crossing into C.
#ifndef SKETCHMAX_CAPI_CAPI_INTERNAL_H_
#define SKETCHMAX_CAPI_CAPI_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <new>
#include <system_error>

#include "cpu/dispatch.h"
#include "sketchmax/sketchmax.h"

namespace sketchmax {
namespace capi {

// The kernels of the ISA selected by sketchmax_set_isa (or the initial choice).
const KernelTable& current_kernels();

// Whether a x b entries of elem_size bytes fit in size_t (and so in memory that could exist).
inline bool product_fits(size_t a, size_t b, size_t elem_size) {
  if (a == 0 || b == 0) return true;
  return a <= SIZE_MAX / b && a * b <= SIZE_MAX / elem_size;
}

// Whether [p, p + count) and [q, q + count2) share a byte (elements of elem_size bytes).
inline bool overlaps(const void* p, size_t bytes_p, const void* q, size_t bytes_q) {
  const uintptr_t a = reinterpret_cast<uintptr_t>(p), b = reinterpret_cast<uintptr_t>(q);
  return a < b + bytes_q && b < a + bytes_p;
}

// The most worker threads a call may ask for (the addon's limit too).
constexpr unsigned kMaxThreads = 4096;

// Whether every entry is finite.
bool all_finite(const double* p, size_t count);

// The seed's Philox key, as lib/random/philox.ts seedToKey splits it (low word first).
inline void seed_key(uint64_t seed, uint32_t key[2]) {
  key[0] = static_cast<uint32_t>(seed);
  key[1] = static_cast<uint32_t>(seed >> 32);
}

// Runs body() and maps an escaping exception to a status: nothing C++ reaches the C caller.
template <class F>
sketchmax_status_t guarded(F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return SKETCHMAX_ERROR_OUT_OF_MEMORY;
  } catch (const std::system_error&) {  // a worker thread could not be started
    return SKETCHMAX_ERROR_OUT_OF_MEMORY;
  } catch (...) {
    return SKETCHMAX_ERROR_INTERNAL;
  }
}

}  // namespace capi
}  // namespace sketchmax

#endif  // SKETCHMAX_CAPI_CAPI_INTERNAL_H_
