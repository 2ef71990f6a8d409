// Scalar exp core (float and double) and the log-softmax subtraction, for the scalar kernels.
// Same range reduction, polynomial and cutoff as the SIMD cores, without FMA so that the results
// do not depend on the compiler contracting a*b+c. Anonymous namespace: internal to each unit.
#ifndef SKETCHMAX_SOFTMAX_SCALAR_MATH_H_
#define SKETCHMAX_SOFTMAX_SCALAR_MATH_H_

#include <cstdint>
#include <cstring>

#include "softmax/exp_constants.h"

namespace sketchmax {
namespace {

// exp(z) for z <= 0 (or NaN); exactly 0 below ln(FLT_MIN), NaN for NaN.
inline float exp_cut(float z) {
  using namespace expc;
  float vn = z * kLog2eF + kMagicBiasF;
  uint32_t bits;
  std::memcpy(&bits, &vn, sizeof bits);
  bits <<= 23;
  float s;
  std::memcpy(&s, &bits, sizeof s);
  vn -= kMagicBiasF;
  float t = vn * kMinusLn2HiF + z;
  t = vn * kMinusLn2LoF + t;
  float p = kC5F;
  p = p * t + kC4F;
  p = p * t + kC3F;
  p = p * t + kC2F;
  p = p * t + kC1F;
  t *= s;
  const float f = t * p + s;
  return z < kCutoffF ? 0.0f : f;
}

// exp(z) for z <= 0 (or NaN); exactly 0 below ln(DBL_MIN), NaN for NaN.
inline double exp_cut(double z) {
  using namespace expc;
  double vn = z * kLog2eD + kMagicBiasD;
  uint64_t bits;
  std::memcpy(&bits, &vn, sizeof bits);
  bits <<= 52;
  double s;
  std::memcpy(&s, &bits, sizeof s);
  vn -= kMagicBiasD;
  double t = vn * kMinusLn2HiD + z;
  t = vn * kMinusLn2LoD + t;
  double p = kInvFactD[kTaylorDegreeD - 1];
  for (int k = kTaylorDegreeD - 2; k >= 0; --k) p = p * t + kInvFactD[k];
  t *= s;
  const double f = t * p + s;
  return z < kCutoffD ? 0.0 : f;
}

// min(0, y) keeping NaN: log-softmax is <= 0, and two-pass's lse carries rounding of its own.
template <typename T>
inline T clamp_nonpositive(T y) {
  return T(0) < y ? T(0) : y;
}

// (x - max) - lse with a single rounding at the end: float inputs are exact in double.
inline float log_sub(float x, float max, double lse) {
  return clamp_nonpositive(static_cast<float>((static_cast<double>(x) - static_cast<double>(max)) - lse));
}

// (x - max) - lse for double: both subtractions as TwoSum, the two error terms added back once.
// An infinite or NaN intermediate makes the error term NaN; it is dropped so -inf stays -inf.
inline double log_sub(double x, double max, double lse) {
  const double s = x - max;
  const double b1 = s - x;
  const double e1 = (x - (s - b1)) + (-max - b1);
  const double y = s - lse;
  const double b2 = y - s;
  const double e2 = (s - (y - b2)) + (-lse - b2);
  const double corr = e1 + e2;
  return clamp_nonpositive(corr == corr ? y + corr : y);
}

// --- two-pass (extended exponent) helpers ---

// 2^d for integer-valued d <= 0 from exponent bits; +0 at or below kMinExp (and for NaN d).
inline float pow2(float d) {
  d = d > expc::kMinExpF ? d : expc::kMinExpF;
  const uint32_t bits = static_cast<uint32_t>(static_cast<int32_t>(d) + 127) << 23;
  float r;
  std::memcpy(&r, &bits, sizeof r);
  return r;
}
inline double pow2(double d) {
  d = d > expc::kMinExpD ? d : expc::kMinExpD;
  const uint64_t bits = static_cast<uint64_t>(static_cast<int64_t>(d) + 1023) << 52;
  double r;
  std::memcpy(&r, &bits, sizeof r);
  return r;
}

// exp(x) = p * 2^n, no max subtracted. Without FMA the reduction x - n ln2 is done in double, where
// n * ln2_hi is exact (32 + 17 bits), so large |x| keeps its accuracy on the scalar path too.
inline void extexp(float x, float& p, float& n) {
  using namespace expc;
  n = (x * kLog2eF + 0x1.8p23f) - 0x1.8p23f;  // round to nearest integer for |x log2e| < 2^22
  const double nd = n;
  const float t = static_cast<float>((static_cast<double>(x) + nd * kMinusLn2HiD) + nd * kMinusLn2LoD);
  float q = kC5F;
  q = q * t + kC4F;
  q = q * t + kC3F;
  q = q * t + kC2F;
  q = q * t + kC1F;
  p = q * t + 1.0f;
}
inline void extexp(double x, double& p, double& n) {
  using namespace expc;
  n = (x * kLog2eD + 0x1.8p52) - 0x1.8p52;
  const double t = (x + n * kMinusLn2HiD) + n * kMinusLn2LoD;
  double q = kInvFactD[kTaylorDegreeD - 1];
  for (int k = kTaylorDegreeD - 2; k >= 0; --k) q = q * t + kInvFactD[k];
  p = q * t + 1.0;
}

}  // namespace
}  // namespace sketchmax

#endif  // SKETCHMAX_SOFTMAX_SCALAR_MATH_H_
