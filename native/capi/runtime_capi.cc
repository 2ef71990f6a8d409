// C API: status strings, version, and the process-wide ISA selection over cpu/dispatch (the same
// detection and kernel tables the Node addon uses).
#include <atomic>
#include <cmath>
#include <cstdlib>

#include "capi/capi_internal.h"

namespace sketchmax {
namespace capi {
namespace {

// The ISA in effect, decided on first use: SKETCHMAX_ISA when this CPU runs it, else the best.
std::atomic<int>& isa_state() {
  static std::atomic<int> isa{[] {
    Isa chosen = best_isa();
    Isa requested;
    const char* env = std::getenv("SKETCHMAX_ISA");
    if (env && parse_isa(env, &requested) && isa_supported(requested)) chosen = requested;
    return static_cast<int>(chosen);
  }()};
  return isa;
}

bool known_isa(sketchmax_isa_t isa) {
  return isa == SKETCHMAX_ISA_SCALAR || isa == SKETCHMAX_ISA_AVX2 || isa == SKETCHMAX_ISA_AVX512;
}

}  // namespace

const KernelTable& current_kernels() { return kernel_table(static_cast<Isa>(isa_state().load())); }

bool all_finite(const double* p, size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (!std::isfinite(p[i])) return false;
  return true;
}

}  // namespace capi
}  // namespace sketchmax

using sketchmax::Isa;
using namespace sketchmax::capi;

extern "C" {

const char* sketchmax_status_string(sketchmax_status_t status) {
  switch (status) {
    case SKETCHMAX_OK: return "ok";
    case SKETCHMAX_ERROR_NULL_POINTER: return "a required pointer is NULL";
    case SKETCHMAX_ERROR_INVALID_SIZE: return "a size is zero, inconsistent or overflowing";
    case SKETCHMAX_ERROR_INVALID_ARGUMENT: return "an enum value or option is out of range";
    case SKETCHMAX_ERROR_NOT_FINITE: return "the data contain NaN or infinity";
    case SKETCHMAX_ERROR_OVERLAP: return "an output overlaps an input";
    case SKETCHMAX_ERROR_BUFFER_TOO_SMALL: return "an output buffer is too small";
    case SKETCHMAX_ERROR_UNSUPPORTED: return "the ISA is not supported on this CPU or in this build";
    case SKETCHMAX_ERROR_OUT_OF_MEMORY: return "out of memory or threads";
    case SKETCHMAX_ERROR_INTERNAL: return "internal error";
    default: break;
  }
  return "unknown status";
}

const char* sketchmax_version(void) { return SKETCHMAX_VERSION_STRING; }

sketchmax_isa_t sketchmax_isa(void) { return static_cast<sketchmax_isa_t>(isa_state().load()); }

sketchmax_isa_t sketchmax_best_isa(void) { return static_cast<sketchmax_isa_t>(sketchmax::best_isa()); }

sketchmax_status_t sketchmax_set_isa(sketchmax_isa_t isa) {
  if (!known_isa(isa)) return SKETCHMAX_ERROR_INVALID_ARGUMENT;
  if (!sketchmax::isa_supported(static_cast<Isa>(isa))) return SKETCHMAX_ERROR_UNSUPPORTED;
  isa_state().store(static_cast<int>(isa));
  return SKETCHMAX_OK;
}

const char* sketchmax_isa_name(sketchmax_isa_t isa) {
  return known_isa(isa) ? sketchmax::isa_name(static_cast<Isa>(isa)) : nullptr;
}

}  // extern "C"
