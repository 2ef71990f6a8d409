// Test-only: lets the AVX-512 kernel unit compile and run on a CPU without AVX-512, by mapping the
// intrinsics onto SIMDe's portable implementations (Debian: libsimde-dev) and adding the few that
// SIMDe 0.7 lacks. Force-included (-include) when building three_pass_avx512.cc for the
// `softmax_kernels_avx512_emulated` ctest; never part of the addon. Masked loads and stores touch
// only the selected lanes, as the hardware does, so ASan still sees any out-of-bounds access.
#ifndef SKETCHMAX_TESTS_AVX512_EMULATION_H_
#define SKETCHMAX_TESTS_AVX512_EMULATION_H_

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

namespace sketchmax_emu {

inline simde__m512d cvtps_pd(simde__m256 a) {
  simde__m256_private pa = simde__m256_to_private(a);
  simde__m512d_private r;
  for (int i = 0; i < 8; ++i) r.f64[i] = static_cast<double>(pa.f32[i]);
  return simde__m512d_from_private(r);
}
inline simde__m256 cvtpd_ps(simde__m512d a) {
  simde__m512d_private pa = simde__m512d_to_private(a);
  simde__m256_private r;
  for (int i = 0; i < 8; ++i) r.f32[i] = static_cast<float>(pa.f64[i]);
  return simde__m256_from_private(r);
}
inline simde__m256 extractf32x8_ps(simde__m512 a, int imm) {
  simde__m512_private pa = simde__m512_to_private(a);
  simde__m256_private r;
  for (int i = 0; i < 8; ++i) r.f32[i] = pa.f32[8 * (imm & 1) + i];
  return simde__m256_from_private(r);
}
inline simde__m512 mask_loadu_ps(simde__m512 src, simde__mmask16 k, const void* p) {
  simde__m512_private r = simde__m512_to_private(src);
  for (int i = 0; i < 16; ++i)
    if ((k >> i) & 1) r.f32[i] = static_cast<const float*>(p)[i];
  return simde__m512_from_private(r);
}
inline simde__m512d mask_loadu_pd(simde__m512d src, simde__mmask8 k, const void* p) {
  simde__m512d_private r = simde__m512d_to_private(src);
  for (int i = 0; i < 8; ++i)
    if ((k >> i) & 1) r.f64[i] = static_cast<const double*>(p)[i];
  return simde__m512d_from_private(r);
}
inline void mask_storeu_ps(void* p, simde__mmask16 k, simde__m512 a) {
  simde__m512_private pa = simde__m512_to_private(a);
  for (int i = 0; i < 16; ++i)
    if ((k >> i) & 1) static_cast<float*>(p)[i] = pa.f32[i];
}
inline void mask_storeu_pd(void* p, simde__mmask8 k, simde__m512d a) {
  simde__m512d_private pa = simde__m512d_to_private(a);
  for (int i = 0; i < 8; ++i)
    if ((k >> i) & 1) static_cast<double*>(p)[i] = pa.f64[i];
}
inline double reduce_add_pd(simde__m512d a) {
  simde__m512d_private pa = simde__m512d_to_private(a);
  double s = 0;
  for (int i = 0; i < 8; ++i) s += pa.f64[i];
  return s;
}
// MAXPS semantics: max(a, b) = a > b ? a : b, reduced pairwise as the hardware sequence does.
inline double reduce_max_pd(simde__m512d a) {
  simde__m512d_private pa = simde__m512d_to_private(a);
  double m = pa.f64[0];
  for (int i = 1; i < 8; ++i) m = pa.f64[i] > m ? pa.f64[i] : m;
  return m;
}
inline float reduce_max_ps(simde__m512 a) {
  simde__m512_private pa = simde__m512_to_private(a);
  float m = pa.f32[0];
  for (int i = 1; i < 16; ++i) m = pa.f32[i] > m ? pa.f32[i] : m;
  return m;
}

}  // namespace sketchmax_emu

#define _mm512_cvtps_pd(a) sketchmax_emu::cvtps_pd(a)
#define _mm512_cvtpd_ps(a) sketchmax_emu::cvtpd_ps(a)
#define _mm512_extractf32x8_ps(a, imm) sketchmax_emu::extractf32x8_ps(a, imm)
#define _mm512_mask_loadu_ps(src, k, p) sketchmax_emu::mask_loadu_ps(src, k, p)
#define _mm512_maskz_loadu_ps(k, p) sketchmax_emu::mask_loadu_ps(simde_mm512_setzero_ps(), k, p)
#define _mm512_mask_loadu_pd(src, k, p) sketchmax_emu::mask_loadu_pd(src, k, p)
#define _mm512_maskz_loadu_pd(k, p) sketchmax_emu::mask_loadu_pd(simde_mm512_setzero_pd(), k, p)
#define _mm512_mask_storeu_ps(p, k, a) sketchmax_emu::mask_storeu_ps(p, k, a)
#define _mm512_mask_storeu_pd(p, k, a) sketchmax_emu::mask_storeu_pd(p, k, a)
#define _mm512_reduce_add_pd(a) sketchmax_emu::reduce_add_pd(a)
#define _mm512_reduce_max_pd(a) sketchmax_emu::reduce_max_pd(a)
#define _mm512_reduce_max_ps(a) sketchmax_emu::reduce_max_ps(a)

#endif  // SKETCHMAX_TESTS_AVX512_EMULATION_H_
