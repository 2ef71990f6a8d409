// The TypeScript backend of the two-pass softmax (Dukhan & Ablavatski): pass 1 sums exp(x) as a
// (mantissa, exponent) pair without a max pass; pass 2 writes p * (1/M) * 2^(n - E). Same guards as
// the kernels: rows holding NaN or +inf, rows whose max is beyond the accurate range, and rows whose
// every element sits at the clamp floor are redone with three-pass reload.

// Module-level copies of the Math functions: in a sandboxed realm (jest's vm contexts) every global
// lookup in a hot loop goes through an interceptor and costs ~15x the arithmetic.
const { exp, log, round, LOG2E } = Math;

// ln 2 split as in fdlibm: n * LN2_HI is exact for |n| < 2^21, so x - n ln2 keeps its accuracy.
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;

interface Guard {
  floor: number;
  limit: number;
  margin: number;
  cutoff: number;
}
// The constants of native/softmax/exp_constants.h.
const GUARD_F32: Guard = { floor: -65536, limit: 65536, margin: 128, cutoff: -87.33654022216797 };
const GUARD_F64: Guard = { floor: -1048576, limit: 1048576, margin: 1100, cutoff: -708.3964185322641 };

// POW2_NEG[k] = 2^-k; beyond the table the term is far below double precision of the sum.
const POW2_NEG = new Float64Array(1100);
for (let k = 0; k < POW2_NEG.length; k++) POW2_NEG[k] = 2 ** -k;
function pow2neg(d: number): number {
  return -d < POW2_NEG.length ? POW2_NEG[-d] : 0;
}

/** Pass 1 result: sum exp(x) = m * 2^e (m NaN when the row is special), and the row max. */
export interface ExtSumJs {
  m: number;
  e: number;
  max: number;
  special: boolean;
}

/** Pass 1: Neumaier-compensated sum of exp(x_i) = p_i 2^(n_i), rescaled toward the running max n. */
export function raddextexp(x: ArrayLike<number>, start: number, end: number, f32: boolean): ExtSumJs {
  const g = f32 ? GUARD_F32 : GUARD_F64;
  let m = 0;
  let c = 0;
  let e = -Infinity;
  let max = -Infinity;
  let nan = false;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v > max) max = v;
    else if (v !== v) nan = true;
    const xc = v < g.floor ? g.floor : v;
    const n = round(xc * LOG2E);
    const p = exp(xc - n * LN2_HI - n * LN2_LO);
    let term: number;
    if (n > e) {
      const s = pow2neg(e - n);
      m *= s;
      c *= s;
      e = n;
      term = p;
    } else {
      term = p * pow2neg(n - e);
    }
    const t = m + term;
    c += m >= term ? m - t + term : term - t + m;
    m = t;
  }
  const special = nan || !(max <= g.limit) || max < g.floor + g.margin;
  return { m: m + c, e, max, special };
}

/** Pass 2: y_i = p_i * (1/m) * 2^(n_i - e), exactly 0 where x_i - max is below the flush cutoff. */
export function vscaleextexp(x: ArrayLike<number>, y: { [i: number]: number }, start: number, end: number, s: ExtSumJs, f32: boolean): void {
  const threshold = s.max + (f32 ? GUARD_F32 : GUARD_F64).cutoff;
  const inv = 1 / s.m;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v < threshold) {
      y[i] = 0;
      continue;
    }
    const n = round(v * LOG2E);
    y[i] = exp(v - n * LN2_HI - n * LN2_LO) * inv * pow2neg(n - s.e);
  }
}

/** ln(sum exp(x)) from pass 1 as a (hi, lo) pair: hi = e ln2_hi is exact, lo the small rest. */
export function logSumExpParts(s: ExtSumJs): { hi: number; lo: number } {
  return { hi: s.e * LN2_HI, lo: s.e * LN2_LO + log(s.m) };
}
