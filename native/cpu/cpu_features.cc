// cpuid + XGETBV feature detection. Compiled without any -m flag: it must run on every x86-64 CPU.
#include "cpu/cpu_features.h"

#if defined(__x86_64__) || defined(_M_X64)
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#include <cstdint>
#endif

namespace sketchmax {

#if defined(__x86_64__) || defined(_M_X64)
namespace {

void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4]) {
#if defined(_MSC_VER)
  int regs[4];
  __cpuidex(regs, static_cast<int>(leaf), static_cast<int>(subleaf));
  for (int i = 0; i < 4; ++i) r[i] = static_cast<uint32_t>(regs[i]);
#else
  __cpuid_count(leaf, subleaf, r[0], r[1], r[2], r[3]);
#endif
}

uint64_t xgetbv0() {
#if defined(_MSC_VER)
  return _xgetbv(0);
#else
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
#endif
}

bool bit(uint32_t reg, int b) { return (reg >> b) & 1u; }

}  // namespace

CpuFeatures detect_cpu_features() {
  CpuFeatures f;
  uint32_t r[4];
  cpuid(0, 0, r);
  const uint32_t max_leaf = r[0];
  if (max_leaf < 7) return f;
  cpuid(1, 0, r);
  const uint32_t ecx1 = r[2];
  // OSXSAVE (ecx bit 27) says XGETBV is usable; without it no AVX state is enabled.
  if (!bit(ecx1, 27) || !bit(ecx1, 28)) return f;  // 28: AVX
  const uint64_t xcr0 = xgetbv0();
  const bool os_ymm = (xcr0 & 0x6) == 0x6;     // XMM + YMM state
  const bool os_zmm = (xcr0 & 0xE6) == 0xE6;   // + opmask, ZMM_Hi256, Hi16_ZMM
  cpuid(7, 0, r);
  const uint32_t ebx7 = r[1];
  const bool fma = bit(ecx1, 12);
  const bool avx2 = bit(ebx7, 5);
  const bool avx512 = bit(ebx7, 16) && bit(ebx7, 17) && bit(ebx7, 30) && bit(ebx7, 31);  // F DQ BW VL
  f.avx2_fma = os_ymm && avx2 && fma;
  f.avx512 = f.avx2_fma && os_zmm && avx512;
  return f;
}

#else

CpuFeatures detect_cpu_features() { return CpuFeatures{}; }

#endif

}  // namespace sketchmax
