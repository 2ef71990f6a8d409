// A reference softmax / log-softmax more precise than float64, to check both float32 and float64
// results against.
//
// Per row: m = max x (exact); d = x - m as an exact TwoSum pair (hi, lo); e = exp(hi) * (1 + lo)
// (Math.exp is fdlibm's, error < 1 ulp; the (1 + lo) factor is exp(lo) to within lo^2/2, and lo is
// at most half an ulp of hi); S = sum of the e's in a double-double (TwoSum) accumulator, so S is
// as accurate as its terms; y = e / S with the division done in double-double and rounded once.
// Error of the reference itself: each e is within ~3.3e-16 (relative) of exp(x - m), S within the
// same, the quotient adds one rounding: |y_ref - y| <= ~8e-16 * y in the worst case, ~2e-16
// typically, i.e. about 1000x below the float64 bound (1e-13) and 1e10x below the float32 one.
// log-softmax: (d_hi - L) + d_lo with TwoSum and L = log(S_hi) + S_lo / S_hi (Math.log < 1 ulp):
// absolute error <= ~1 ulp of log(S) (4e-15 for S up to 2^26) + 2e-16, again far below 1e-13.
//
// The special-value policy is the library's (see the notes): a row with NaN, +inf, or only -inf
// gives all NaN; terms with x - m below ln(smallest normal of the dtype) are exactly 0 (they would
// be below the smallest normal anyway), -inf entries give 0 (log: -inf).

// jest runs modules in a vm context where every global lookup (Math, Infinity, NaN, Object) goes
// through an interceptor, ~15x slower in hot loops: take them once at module scope.
const { exp, log: ln } = Math;
const INF = Number.POSITIVE_INFINITY;
const NAN = Number.NaN;

export type Dtype = 'f32' | 'f64';

/** ln of the smallest normal number of each dtype: ln(2^-126), ln(2^-1022). */
export const LN_MIN_NORMAL: Readonly<Record<Dtype, number>> = {
  f32: Math.log(2 ** -126), // -87.33654475055310
  f64: Math.log(2 ** -1022), // -708.3964185322641
};

/** The largest finite float32. */
export const FLT_MAX = 3.4028234663852886e38;

export interface Reference {
  /** Softmax, rounded once to float64 (NaN where the row is NaN). */
  soft: Float64Array | null;
  /** Log-softmax, rounded once to float64. */
  log: Float64Array | null;
}

const SPLITTER = 134217729; // 2^27 + 1 (Dekker split)

/** Max of row [start, end): NaN if the row holds a NaN. */
export function rowMax(x: ArrayLike<number>, start: number, end: number): number {
  let m = -INF;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v !== v) return NAN;
    if (v > m) m = v;
  }
  return m;
}

/**
 * Reference softmax and/or log-softmax of a rows x (n / rows) row-major array. float32 inputs are
 * converted exactly; `dtype` only selects the zero cutoff (ln of that dtype's smallest normal).
 */
export function reference(
  x: ArrayLike<number>,
  rows: number,
  dtype: Dtype,
  want: { soft?: boolean; log?: boolean } = { soft: true, log: true },
): Reference {
  const n = x.length;
  const cols = n / rows;
  if (!Number.isInteger(cols)) throw new Error(`reference: rows ${rows} does not divide ${n}`);
  const soft = want.soft === false ? null : new Float64Array(n);
  const log = want.log === false ? null : new Float64Array(n);
  const cutoff = LN_MIN_NORMAL[dtype];
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    const end = start + cols;
    const m = rowMax(x, start, end);
    if (m !== m || m === INF || m === -INF) {
      if (soft) soft.fill(NAN, start, end);
      if (log) log.fill(NAN, start, end);
      continue;
    }
    const b = -m;
    // Pass 1: e_i and S = sum e_i in double-double.
    let sHi = 0;
    let sLo = 0;
    for (let i = start; i < end; i++) {
      const v = x[i];
      const d = v + b;
      let e: number;
      if (d === -INF || d < cutoff) {
        e = 0;
      } else {
        const bb = d - v;
        const lo = v - (d - bb) + (b - bb);
        e = exp(d) * (1 + lo);
      }
      if (soft) soft[i] = e;
      const t = sHi + e;
      const tb = t - sHi;
      sLo += sHi - (t - tb) + (e - tb);
      sHi = t;
    }
    const S = sHi + sLo;
    const sErr = sLo - (S - sHi);
    if (soft) {
      // y = e / (S + sErr) in double-double: q1 = e / S, remainder by an exact product, one correction.
      let c = SPLITTER * S;
      const sH = c - (c - S);
      const sL = S - sH;
      for (let i = start; i < end; i++) {
        const e = soft[i];
        if (e === 0) continue;
        const q1 = e / S;
        c = SPLITTER * q1;
        const qH = c - (c - q1);
        const qL = q1 - qH;
        const p = q1 * S;
        const pe = qH * sH - p + qH * sL + qL * sH + qL * sL;
        const rem = e - p - pe - q1 * sErr;
        soft[i] = q1 + rem / S;
      }
    }
    if (log) {
      const L = ln(S) + sErr / S;
      for (let i = start; i < end; i++) {
        const v = x[i];
        const d = v + b;
        if (d === -INF) {
          log[i] = -INF;
          continue;
        }
        const bb = d - v;
        const lo = v - (d - bb) + (b - bb);
        const s = d - L;
        const sb = s - d;
        const err = d - (s - sb) + (-L - sb);
        log[i] = s + (err + lo);
      }
    }
  }
  return { soft, log };
}
