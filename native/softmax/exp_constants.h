// Constants of the exp cores shared by every ISA (XNNPACK rr2-p5 for float; Cody-Waite with
// fdlibm's split of ln 2 and a degree-13 Taylor polynomial for double). Plain constexpr scalars:
// no code, so including this in ISA units cannot leak ISA-specific instructions.
#ifndef SKETCHMAX_SOFTMAX_EXP_CONSTANTS_H_
#define SKETCHMAX_SOFTMAX_EXP_CONSTANTS_H_

#include <cstddef>

namespace sketchmax {
namespace expc {

// float: n = round(z*log2e) by the magic bias 1.5*2^23 + 127 (the +127 pre-biases the exponent so
// that bits(vn) << 23 is 2^n); t = z - n*ln2 in two steps; exp(z) = 2^n * (1 + t*p(t)).
constexpr float kLog2eF = 0x1.715476p+0f;
constexpr float kMagicBiasF = 0x1.8000FEp23f;
constexpr float kMinusLn2HiF = -0x1.62E400p-1f;  // 15 significant bits: n*ln2_hi is exact
constexpr float kMinusLn2LoF = -0x1.7F7D1Cp-20f;
constexpr float kC1F = 0x1.FFFFF6p-1f;
constexpr float kC2F = 0x1.FFFDC6p-2f;
constexpr float kC3F = 0x1.555A80p-3f;
constexpr float kC4F = 0x1.573A1Ap-5f;
constexpr float kC5F = 0x1.0F9F9Cp-7f;
// ln(FLT_MIN): below it exp(z) would be subnormal; such terms are flushed to exactly 0.
constexpr float kCutoffF = -0x1.5D589Ep6f;

// double: magic bias 1.5*2^52 + 1023; ln2 split as in fdlibm (hi has 32 significant bits, so n*hi
// is exact for |n| <= 2^21); exp(t) on |t| <= ln2/2 by Taylor to degree 13 (truncation 4e-18).
constexpr double kLog2eD = 0x1.71547652b82fep+0;
constexpr double kMagicBiasD = 0x1.80000000003ffp52;
constexpr double kMinusLn2HiD = -0x1.62e42fee00000p-1;
constexpr double kMinusLn2LoD = -0x1.a39ef35793c76p-33;
constexpr int kTaylorDegreeD = 13;
// kInvFactD[k] = 1/(k+1)! for k = 0..12: exp(t) = 1 + t*(1/1! + t*(1/2! + ... + t/13!)).
constexpr double kInvFactD[kTaylorDegreeD] = {
    1.0,
    0.5,
    0.16666666666666666,
    0.041666666666666664,
    0.008333333333333333,
    0.001388888888888889,
    0.0001984126984126984,
    2.48015873015873e-05,
    2.7557319223985893e-06,
    2.755731922398589e-07,
    2.505210838544172e-08,
    2.08767569878681e-09,
    1.6059043836821613e-10,
};
// ln(DBL_MIN).
constexpr double kCutoffD = -0x1.6232bdd7abcd2p9;

// Two-pass (extended-exponent) exp: no max is subtracted, so the reduction must stay accurate for
// large |x|. float: ln2 split as in XNNPACK's extexp (hi with 21 significant bits; with FMA the
// product n*hi is never rounded). double: the fdlibm split above (n*hi exact for |n| <= 2^21).
constexpr float kMinusLn2HiExtF = -0x1.62E43p-1f;
constexpr float kMinusLn2LoExtF = 0x1.05C61p-29f;
// Guards of the two-pass algorithm (notes §8). Inputs are clamped from below at kTwoPassFloor in
// pass 1, so -inf and -FLT_MAX stay finite; a row falls back to three-pass when its sum is NaN (it
// held a NaN or +inf), when its max exceeds kTwoPassLimit (extexp loses accuracy beyond it), or when
// its max is below kTwoPassFloor + kTwoPassMargin (everything clamped: all -inf, all -FLT_MAX).
// Clamped terms lie more than kTwoPassMargin below the max, so their exact contribution is 0 anyway.
constexpr float kTwoPassFloorF = -65536.0f;
constexpr float kTwoPassLimitF = 65536.0f;
constexpr float kTwoPassMarginF = 128.0f;
constexpr double kTwoPassFloorD = -1048576.0;
constexpr double kTwoPassLimitD = 1048576.0;
constexpr double kTwoPassMarginD = 1100.0;
// Initial exponent of an empty accumulator: far below any reachable n, exactly representable.
constexpr float kExtInitF = -0x1p30f;
constexpr double kExtInitD = -0x1p40;
// 2^d by exponent bits is exact for d >= these; at d = min it is +0 (terms that far below vanish).
constexpr float kMinExpF = -127.0f;
constexpr double kMinExpD = -1023.0;

}  // namespace expc
}  // namespace sketchmax

#endif  // SKETCHMAX_SOFTMAX_EXP_CONSTANTS_H_
