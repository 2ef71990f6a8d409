// Kernel tables per ISA and the run-time choice among them. Compiled without -m flags: it only
// takes the addresses of the ISA units' functions and calls none of them.
#include "cpu/dispatch.h"

#include <cstring>

#include "cpu/cpu_features.h"

namespace sketchmax {
namespace {

#if defined(__x86_64__) || defined(_M_X64)
constexpr bool kHasX86Kernels = true;
#else
constexpr bool kHasX86Kernels = false;
#endif

const KernelTable kScalarTable{Isa::kScalar, SKETCHMAX_SOFTMAX_UKERNELS_TABLE(float, f32_scalar),
                               SKETCHMAX_SOFTMAX_UKERNELS_TABLE(double, f64_scalar),
                               SKETCHMAX_DENSE_UKERNELS_TABLE(scalar)};
#if defined(__x86_64__) || defined(_M_X64)
const KernelTable kAvx2Table{Isa::kAvx2, SKETCHMAX_SOFTMAX_UKERNELS_TABLE(float, f32_avx2),
                             SKETCHMAX_SOFTMAX_UKERNELS_TABLE(double, f64_avx2),
                             SKETCHMAX_DENSE_UKERNELS_TABLE(avx2)};
const KernelTable kAvx512Table{Isa::kAvx512, SKETCHMAX_SOFTMAX_UKERNELS_TABLE(float, f32_avx512),
                               SKETCHMAX_SOFTMAX_UKERNELS_TABLE(double, f64_avx512),
                               SKETCHMAX_DENSE_UKERNELS_TABLE(avx512)};
#endif

Isa detect_best() {
#if defined(SKETCHMAX_TEST_ASSUME_AVX512)
  // Test builds only (CMake target softmax_kernels_test_avx512_emulated): the AVX-512 unit is
  // compiled over a software emulation of the intrinsics, so it runs on any CPU.
  return Isa::kAvx512;
#endif
  if (!kHasX86Kernels) return Isa::kScalar;
  const CpuFeatures f = detect_cpu_features();
  if (f.avx512) return Isa::kAvx512;
  if (f.avx2_fma) return Isa::kAvx2;
  return Isa::kScalar;
}

}  // namespace

Isa best_isa() {
  static const Isa best = detect_best();  // C++11 magic static: initialised once, thread-safe
  return best;
}

bool isa_supported(Isa isa) { return static_cast<int>(isa) <= static_cast<int>(best_isa()); }

const KernelTable& kernel_table(Isa isa) {
  if (!isa_supported(isa)) isa = best_isa();
#if defined(__x86_64__) || defined(_M_X64)
  if (isa == Isa::kAvx512) return kAvx512Table;
  if (isa == Isa::kAvx2) return kAvx2Table;
#endif
  return kScalarTable;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx2: return "avx2";
    default: return "scalar";
  }
}

bool parse_isa(const char* name, Isa* out) {
  if (std::strcmp(name, "scalar") == 0) { *out = Isa::kScalar; return true; }
  if (std::strcmp(name, "avx2") == 0) { *out = Isa::kAvx2; return true; }
  if (std::strcmp(name, "avx512") == 0) { *out = Isa::kAvx512; return true; }
  return false;
}

}  // namespace sketchmax
