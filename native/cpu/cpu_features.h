// What the running CPU and operating system can execute, read once with cpuid and XGETBV.
#ifndef SKETCHMAX_CPU_CPU_FEATURES_H_
#define SKETCHMAX_CPU_CPU_FEATURES_H_

namespace sketchmax {

struct CpuFeatures {
  bool avx2_fma = false;  // AVX2 + FMA, with YMM state enabled by the OS
  bool avx512 = false;    // AVX-512 F/DQ/BW/VL, with opmask and ZMM state enabled by the OS
};

CpuFeatures detect_cpu_features();

}  // namespace sketchmax

#endif  // SKETCHMAX_CPU_CPU_FEATURES_H_
