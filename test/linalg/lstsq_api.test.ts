// The public lstsq / lstsqAsync (issue 4, "Accuracy") on every engine: the TypeScript backend and the
// addon on every ISA this CPU runs (describeEngine selects it and restores the best one afterwards).
// References are float64 and independent of lib/linalg (test/linalg/families.ts: a Householder QR
// written out in test code, or the construction's exact solution). Bounds are the issue's; do not
// loosen them:
//  - 'sketch-precondition': ‖x − x*‖ ≤ 10·max(QR's forward error, floor) and
//    |‖b − A·x‖ − ‖b − A·x*‖| ≤ 1e-13·‖b‖ on every full-rank family up to κ = 1e12. QR's forward error
//    is that of `method: 'qr'` on the TypeScript backend, measured against x*. The floor is the error
//    the float64 data itself leaves in x*: u·κ·‖x*‖ (rounding A alone moves x* that much) where x* is
//    known by construction; where x* is a computed reference it is only as accurate as the Wedin
//    estimate u·(κ + κ²‖r*‖/(‖A‖‖x*‖))·‖x*‖, which is then the floor (it is ≤ 1e-12·‖x*‖ on those
//    well-conditioned families, checked below, so the bound stays tight).
//  - 'sketch-and-solve' with 20d rows (default sparse sign with 8 nonzeros, and SRHT): residual ratio
//    ‖b − A·x‖ / ‖b − A·x*‖ ≤ 1.1 at the median and ≤ 1.25 at the 95th percentile over 20 seeds, on
//    large-residual problems.
//  - ℓ∞ mode (ε = 0.5, δ = 0.05): ‖x − x*‖∞ ≤ ε/√d·‖A·x* − b‖·‖A⁺‖ (‖A⁺‖ = 1/σ_min from a Jacobi SVD of
//    the reference R) in ≥ 95% of 20 seeds on GA, T1 and the identity block; rows by the documented rule.
import { availableParallelism } from 'node:os';

import { lstsq, lstsqAsync, linfSketchRows, preconditionSketchRows } from '../../lib/sketchmax';
import type { LstsqOptions, LstsqResult, Matrix } from '../../lib/sketchmax';
import { describeEngine, describeNative, ENGINES, hasNative, type Engine } from '../helpers/backends';
import { expectRejection } from '../helpers/errors';
import {
  columnProblem,
  D,
  distance,
  duplicateColumnProblem,
  forwardErrorScale,
  GA,
  gaussianMatrix,
  gaussianVector,
  KAPPA,
  KAPPAS,
  matvec,
  maxAbsDiff,
  norm,
  quantile,
  referenceLstsq,
  residualNorm,
  RHOS,
  rmatvec,
  SPIKE,
  T1,
  T3,
  U_ROUND,
  type Family,
} from './families';

const { abs, sqrt, ceil, log, max, floor } = Math;

/** Every full-rank family of the 'sketch-precondition' bound: 4 regression designs + 3 κ × 2 residuals × 2 seeds. */
function preconditionFamilies(): Family[] {
  const out = [GA(), T3(), T1(), SPIKE()];
  for (const kappa of KAPPAS) for (const rho of RHOS) for (const seed of [201, 202]) out.push(KAPPA(kappa, rho, seed));
  return out;
}

/**
 * The documented default sketch rows of 'sketch-precondition', written out: γ·d with
 * γ = clamp(⌊4n/d²⌋, 12, 40), at most n.
 */
function preconditionRows(n: number, d: number): number {
  return Math.min(Math.min(40, Math.max(12, Math.floor((4 * n) / (d * d)))) * d, n);
}

/** x*: the construction's solution where known, else the independent float64 reference. */
function xStar(f: Family): Float64Array {
  return f.xTrue ?? f.ref.x;
}

/** The floor of the forward-error bound (see the file comment). */
function forwardFloor(f: Family): number {
  return f.xTrue !== undefined ? U_ROUND * f.ref.kappa * norm(f.xTrue) : forwardErrorScale(f.ref);
}

/** `method: 'qr'` on the TypeScript backend, once per family. */
const qrJsCache = new Map<Family, LstsqResult>();
function qrJs(f: Family): LstsqResult {
  let r = qrJsCache.get(f);
  if (r === undefined) {
    r = lstsq(f.problem.A, f.problem.b, { method: 'qr', backend: 'js' });
    qrJsCache.set(f, r);
  }
  return r;
}

/** Shape, finiteness, and residualNorm = ‖b − A·x‖ recomputed here. Returns problems. */
function checkShape(label: string, A: Matrix, b: ArrayLike<number>, res: LstsqResult): string[] {
  const out: string[] = [];
  if (Object.prototype.toString.call(res.x) !== '[object Float64Array]') out.push(`${label}: x is not a Float64Array`);
  if (res.x.length !== A.cols) out.push(`${label}: x has length ${res.x.length}, want ${A.cols}`);
  if (!Array.from(res.x).every(Number.isFinite)) out.push(`${label}: x is not finite`);
  const r = residualNorm(A, b, res.x);
  // Two float64 evaluations of ‖b − A·x‖ differ by up to ~d·u·‖|A|·|x|‖ (summation order, FMA): that
  // matters only where x is huge (κ = 1e12 with a large residual, where ‖x − x*‖ ~ 1e7).
  const Ax = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) Ax[i] += abs(A.data[i * A.cols + j] * res.x[j]);
  const tol = 1e-13 * norm(b) + 10 * A.cols * U_ROUND * norm(Ax);
  if (!(abs(res.residualNorm - r) <= tol)) out.push(`${label}: residualNorm ${res.residualNorm}, recomputed ${r} (tolerance ${tol.toExponential(2)})`);
  return out;
}

function snapshot(A: Matrix, b: ArrayLike<number>): () => string[] {
  const a0 = A.data.slice();
  const b0 = Float64Array.from(b);
  return () => {
    const out: string[] = [];
    if (!Buffer.from(a0.buffer).equals(Buffer.from(A.data.buffer, A.data.byteOffset, A.data.byteLength))) out.push('A was modified');
    for (let i = 0; i < b0.length; i++) {
      if (!Object.is(b0[i], b[i])) {
        out.push(`b was modified at [${i}]`);
        break;
      }
    }
    return out;
  };
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

test('the references: independent QR agrees with the constructions and is accurate', () => {
  const problems: string[] = [];
  for (const f of preconditionFamilies()) {
    if (f.xTrue !== undefined) {
      // The reference is backward stable: within 10x of its own error scale (plus the floor) of x*.
      const err = distance(f.ref.x, f.xTrue);
      const scale = max(forwardErrorScale(f.ref), U_ROUND * f.ref.kappa * norm(f.xTrue));
      if (!(err <= 10 * scale)) problems.push(`${f.name}: reference error ${err} > 10 x ${scale}`);
    } else if (!(forwardErrorScale(f.ref) <= 1e-12 * norm(f.ref.x))) {
      problems.push(`${f.name}: the Wedin floor ${forwardErrorScale(f.ref)} is not small (‖x*‖ = ${norm(f.ref.x)}); the bound would be loose`);
    }
    // Aᵀr* ≈ 0: a backward-stable x̂ has ‖Aᵀr̂‖ ≲ c·u·‖A‖·(‖r̂‖ + ‖b‖ + ‖A‖‖x̂‖), c modest.
    const Ax = matvec(f.problem.A, f.ref.x);
    const r = Float64Array.from(f.problem.b, (v, i) => v - Ax[i]);
    const g = norm(rmatvec(f.problem.A, r));
    const s0 = f.ref.sigma[0];
    const scale = U_ROUND * s0 * (norm(r) + norm(f.problem.b) + s0 * norm(f.ref.x));
    if (!(g <= 1e3 * scale)) problems.push(`${f.name}: ‖Aᵀr*‖ = ${g} > 1e3 x ${scale}`);
  }
  // The κ constructions have the designed condition numbers.
  for (const kappa of KAPPAS) {
    const k = KAPPA(kappa, 1, 201).ref.kappa;
    if (!(abs(k / kappa - 1) <= 1e-3)) problems.push(`κ ${kappa}: reference κ ${k}`);
  }
  expect(problems).toEqual([]);
});

for (const engine of ENGINES) {
  describeEngine(engine, () => {
    const backend = engine.backend;
    const L = (s: string): string => `${engine.label} ${s}`;

    /**
     * 'qr' (this engine) and 'sketch-precondition' (seeds 1, 2) on one family: the forward-error
     * and/or residual bound. Returns problems.
     */
    function preconditionProblems(f: Family, checks: { forward: boolean; residual: boolean; residualVsQr?: boolean }): string[] {
      const problems: string[] = [];
      const { A, b } = f.problem;
      const untouched = snapshot(A, b);
      const xs = xStar(f);
      const qr = qrJs(f);
      const qrErr = distance(qr.x, xs);
      const bound = 10 * max(qrErr, forwardFloor(f));
      const qrRdiff = abs(residualNorm(A, b, qr.x) - f.ref.residual);
      for (const method of ['qr', 'sketch-precondition'] as const) {
        for (const seed of method === 'qr' ? [0] : [1, 2]) {
          const label = L(`${method} seed ${seed} ${f.name}`);
          const res = lstsq(A, b, { method, seed, backend });
          problems.push(...checkShape(label, A, b, res));
          const want: Record<string, unknown> = { method, rank: A.cols, converged: true, sketchRows: method === 'qr' ? 0 : preconditionRows(A.rows, A.cols) };
          if (method === 'qr') want.iterations = 0;
          for (const [k, v] of Object.entries(want)) {
            const got = (res as unknown as Record<string, unknown>)[k];
            if (got !== v) problems.push(`${label}: ${k} = ${String(got)}, want ${String(v)}`);
          }
          if (method === 'sketch-precondition' && !(res.iterations >= 1 && res.iterations <= 200)) problems.push(`${label}: ${res.iterations} iterations`);
          const err = distance(res.x, xs);
          if (checks.forward && !(err <= bound)) {
            problems.push(`${label}: forward error ${err.toExponential(3)} > 10·max(QR ${qrErr.toExponential(3)}, floor ${forwardFloor(f).toExponential(3)}) (ratio to QR ${(err / qrErr).toFixed(2)})`);
          }
          const rdiff = abs(residualNorm(A, b, res.x) - f.ref.residual);
          if (checks.residual && !(rdiff <= 1e-13 * norm(b))) {
            problems.push(`${label}: |‖b − Ax‖ − ‖b − Ax*‖| = ${rdiff.toExponential(3)} > 1e-13·‖b‖ = ${(1e-13 * norm(b)).toExponential(3)} (TS Householder QR's own: ${qrRdiff.toExponential(3)})`);
          }
          // A backward-stable x solves a problem with A perturbed by ‖E‖ ≤ η‖A‖, η = O(u), so its
          // residual exceeds the optimum by at most ‖E‖·(‖x‖ + ‖x*‖); both ours and the reference's.
          const stable = 10 * U_ROUND * f.ref.sigma[0] * (norm(res.x) + norm(f.ref.x));
          if (checks.residualVsQr && !(rdiff <= stable)) {
            problems.push(`${label}: |‖b − Ax‖ − ‖b − Ax*‖| = ${rdiff.toExponential(3)} > 10u·‖A‖·(‖x‖ + ‖x*‖) = ${stable.toExponential(3)} (TS Householder QR's own deviation: ${qrRdiff.toExponential(3)})`);
          }
        }
      }
      problems.push(...untouched().map((p) => `${L(f.name)}: ${p}`));
      return problems;
    }

    test("'qr' and 'sketch-precondition': forward error within 10x of Householder QR's, residual within 1e-13·‖b‖", () => {
      const families = preconditionFamilies().filter((f) => !(f.name.startsWith('kappa=1000000000000 rho=1 ')));
      expect(families.length).toBe(14);
      expect(families.flatMap((f) => preconditionProblems(f, { forward: true, residual: true }))).toEqual([]);
    });

    // κ = 1e12 with ‖r*‖ ≈ ‖b‖: x is determined by the float64 data only to u·κ²·‖r*‖/‖A‖ ≈ 1e8·‖x*‖
    // (measured forward errors 1e6–1e7 for every solver), and the residual only to ~1e-11·‖b‖.
    test("κ = 1e12, large residual: 'sketch-precondition' forward error within 10x of QR's (fixed seeds)", () => {
      const families = preconditionFamilies().filter((f) => f.name.startsWith('kappa=1000000000000 rho=1 '));
      expect(families.length).toBe(2);
      expect(families.flatMap((f) => preconditionProblems(f, { forward: true, residual: false }))).toEqual([]);
    });

    // The residual bound at κ = 1e12 with a large residual is not attainable in float64: two
    // Householder QRs (the TypeScript 'qr' and the independent reference in families.ts) already
    // disagree there by 3e-12–7e-12·‖b‖. The first test pins that down (so it fails, and this
    // exemption must go, if the bound ever becomes attainable); the second holds SPIR to the same
    // standard as a backward-stable solver: the excess of ‖b − Ax‖ over the optimum is at most
    // ‖E‖·(‖x‖ + ‖x*‖) for the backward error ‖E‖ ≤ 10u·‖A‖. (Measured: SPIR 0.9–21x Householder
    // QR's own deviation there, which is itself rounding noise: 2.7e-12–7e-12·‖b‖.)
    test('κ = 1e12, large residual: Householder QR itself misses 1e-13·‖b‖ (the bound is infeasible in float64)', () => {
      const families = preconditionFamilies().filter((f) => f.name.startsWith('kappa=1000000000000 rho=1 '));
      for (const f of families) {
        const qrRdiff = abs(residualNorm(f.problem.A, f.problem.b, qrJs(f).x) - f.ref.residual);
        expect(qrRdiff).toBeGreaterThan(1e-13 * norm(f.problem.b));
      }
    });

    test('κ = 1e12, large residual: |‖b − Ax‖ − ‖b − Ax*‖| within the backward-stability bound 10u·‖A‖·(‖x‖ + ‖x*‖)', () => {
      const families = preconditionFamilies().filter((f) => f.name.startsWith('kappa=1000000000000 rho=1 '));
      expect(families.flatMap((f) => preconditionProblems(f, { forward: false, residual: false, residualVsQr: true }))).toEqual([]);
    });

    test("'sketch-and-solve' with 20d rows: residual ratio ≤ 1.1 at the median, ≤ 1.25 at p95 over 20 seeds", () => {
      const families = [GA(), T3(), T1(), SPIKE(), KAPPA(1e8, 1, 203)];
      const kinds: Array<[string, LstsqOptions['sketch'] | undefined]> = [
        ['default (sparse sign, 8 nonzeros)', undefined],
        ['srht', { kind: 'srht' }],
      ];
      const problems: string[] = [];
      for (const f of families) {
        const { A, b } = f.problem;
        for (const [kindLabel, sketch] of kinds) {
          const ratios: number[] = [];
          for (let seed = 0; seed < 20; seed++) {
            const res = lstsq(A, b, { method: 'sketch-and-solve', seed, backend, ...(sketch ? { sketch } : {}) });
            if (res.method !== 'sketch-and-solve' || res.sketchRows !== 20 * D || res.iterations !== 0 || res.rank !== D) {
              problems.push(`${L(f.name)} ${kindLabel} seed ${seed}: ${JSON.stringify({ ...res, x: undefined })}`);
            }
            ratios.push(residualNorm(A, b, res.x) / f.ref.residual);
          }
          const med = quantile(ratios, 0.5);
          const p95 = quantile(ratios, 0.95);
          const lo = Math.min(...ratios);
          if (!(lo >= 1 - 1e-12)) problems.push(`${L(f.name)} ${kindLabel}: ratio ${lo} below 1 (the reference is not optimal?)`);
          if (!(med <= 1.1)) problems.push(`${L(f.name)} ${kindLabel}: median ratio ${med.toFixed(4)} > 1.1`);
          if (!(p95 <= 1.25)) problems.push(`${L(f.name)} ${kindLabel}: p95 ratio ${p95.toFixed(4)} > 1.25`);
        }
      }
      expect(problems).toEqual([]);
    });

    test('the default rows of sketch-precondition follow the documented rule', () => {
      for (const [n, d] of [[2000, 20], [2000, 10], [1500, 12], [100000, 100], [1000000, 100], [50, 5], [3750, 150]] as const) {
        expect(preconditionSketchRows(n, d)).toBe(preconditionRows(n, d));
      }
      expect([preconditionRows(2000, 20), preconditionRows(1000000, 100), preconditionRows(100000, 200)]).toEqual([400, 4000, 2400]);
    });

    describe("ℓ∞ mode (guarantee 'linf')", () => {
      const eps = 0.5;
      /** ceil(C·d/ε²), C = 14·max(1, ln(1/δ)/ln 20), written out here. */
      const rule = (d: number, e: number, delta: number): number => ceil((14 * max(1, log(1 / delta) / log(20)) * d) / (e * e));

      test('the row rule: documented formula, reported in sketchRows; m ≥ n solves exactly with qr', () => {
        expect(linfSketchRows(10, 0.5, 0.05)).toBe(560);
        for (const [d, e, delta] of [[10, 0.5, 0.05], [3, 0.8, 0.01], [7, 1, 0.5], [1, 0.25, 0.001]] as const) {
          expect(linfSketchRows(d, e, delta)).toBe(rule(d, e, delta));
        }
        const f = GA(2000, 10, 111);
        const { A, b } = f.problem;
        const res = lstsq(A, b, { guarantee: 'linf', backend });
        expect(res).toMatchObject({ method: 'sketch-and-solve', sketchRows: 560, iterations: 0, rank: 10 });
        const custom = lstsq(A, b, { guarantee: 'linf', epsilon: 0.8, delta: 0.01, sketch: { kind: 'gaussian' }, backend });
        expect(custom).toMatchObject({ method: 'sketch-and-solve', sketchRows: rule(10, 0.8, 0.01) });
        // m = 560 ≥ n = 400: exact solve by 'qr', sketchRows 0, the QR solution.
        const small = GA(400, 10, 112);
        const exact = lstsq(small.problem.A, small.problem.b, { guarantee: 'linf', method: 'sketch-and-solve', backend });
        expect(exact).toMatchObject({ method: 'qr', sketchRows: 0, rank: 10 });
        expect(distance(exact.x, small.ref.x)).toBeLessThanOrEqual(10 * forwardErrorScale(small.ref));
        // The sparse kinds are refused in this mode, naming options.sketch.kind.
        for (const kind of ['countsketch', 'sparse-sign'] as const) {
          expect(() => lstsq(A, b, { guarantee: 'linf', sketch: { kind }, backend })).toThrow(/^sketchmax\.lstsq: options\.sketch\.kind .*\(got "/);
        }
      });

      const linfCases: Array<[string, () => Family, ('srht' | 'gaussian' | 'rademacher')[]]> = [
        ['GA 2000 x 10', () => GA(2000, 10, 121), ['srht']],
        ['T1 2000 x 10', () => T1(2000, 10, 122), ['srht']],
        ['spike 2000 x 10', () => SPIKE(2000, 10, 123), ['srht']],
        // Dense Gaussian / Rademacher sketches cost n·m·d: smaller instances (m = 224 at d = 4).
        ['GA 700 x 4', () => GA(700, 4, 124), ['gaussian', 'rademacher']],
        ['T1 700 x 4', () => T1(700, 4, 125), ['gaussian', 'rademacher']],
        ['spike 700 x 4', () => SPIKE(700, 4, 126), ['gaussian', 'rademacher']],
      ];
      test.each(linfCases)('%s: ‖x − x*‖∞ ≤ ε/√d·‖Ax* − b‖·‖A⁺‖ in ≥ 95%% of 20 seeds', (_name, make, kinds) => {
        const f = make();
        const { A, b } = f.problem;
        const d = A.cols;
        const xs = xStar(f);
        const bound = (eps / sqrt(d)) * f.ref.residual * (1 / f.ref.sigma[d - 1]);
        const problems: string[] = [];
        for (const kind of kinds) {
          const ratios: number[] = [];
          for (let seed = 0; seed < 20; seed++) {
            const res = lstsq(A, b, { guarantee: 'linf', seed, backend, ...(kind === 'srht' ? {} : { sketch: { kind } }) });
            if (res.method !== 'sketch-and-solve' || res.sketchRows !== rule(d, eps, 0.05)) {
              problems.push(`${L(f.name)} ${kind} seed ${seed}: method ${res.method}, sketchRows ${res.sketchRows}, want ${rule(d, eps, 0.05)}`);
            }
            ratios.push(maxAbsDiff(res.x, xs) / bound);
          }
          const fails = ratios.filter((r) => !(r <= 1)).length;
          if (fails > floor(0.05 * ratios.length)) {
            problems.push(`${L(f.name)} ${kind}: ${fails} of 20 seeds break the ℓ∞ bound (ε̂∞/ε: median ${quantile(ratios, 0.5).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)})`);
          }
          // Not vacuous: the error is a sizeable fraction of the bound (a sketch that did nothing would
          // be caught above; an exact solve here would mean the sketch was skipped).
          if (!(quantile(ratios, 0.5) > 1e-3)) problems.push(`${L(f.name)} ${kind}: median ε̂∞/ε ${quantile(ratios, 0.5)} — no sketching error at all?`);
        }
        expect(problems).toEqual([]);
      });
    });

    test('rank-deficient A (duplicate column): rank d − 1 reported, QR fallback, optimal minimum-norm solution', () => {
      const p = duplicateColumnProblem(2000, 10, 7, 2, 131);
      const { A, b } = p;
      const ref = referenceLstsq(p.reduced, b);
      const problems: string[] = [];
      const rows: Record<string, number> = { qr: 0, auto: 0, 'sketch-and-solve': 200, 'sketch-precondition': preconditionRows(2000, 10) };
      for (const method of ['qr', 'sketch-and-solve', 'sketch-precondition', 'auto'] as const) {
        const label = L(`rank-deficient ${method}`);
        const res = lstsq(A, b, { method, backend });
        problems.push(...checkShape(label, A, b, res));
        if (res.rank !== 9) problems.push(`${label}: rank ${res.rank}, want 9`);
        if (res.method !== 'qr') problems.push(`${label}: method ${res.method}, want 'qr' (fallback)`);
        if (res.sketchRows !== rows[method]) problems.push(`${label}: sketchRows ${res.sketchRows}, want ${rows[method]}`);
        const rdiff = abs(residualNorm(A, b, res.x) - ref.residual);
        if (!(rdiff <= 1e-13 * norm(b))) problems.push(`${label}: residual ${residualNorm(A, b, res.x)} vs optimum ${ref.residual}`);
        // Minimum norm: equal weight on the two copies; the sum carries the reduced solution's weight.
        if (!(abs(res.x[7] - res.x[2]) <= 1e-12 * norm(res.x))) problems.push(`${label}: x[7] = ${res.x[7]}, x[2] = ${res.x[2]} (not minimum-norm)`);
        if (!(abs(res.x[7] + res.x[2] - ref.x[2]) <= 1e-12 * norm(ref.x))) problems.push(`${label}: x[2] + x[7] = ${res.x[2] + res.x[7]}, want ${ref.x[2]}`);
      }
      expect(problems).toEqual([]);
    });

    test('d = 1: qr and sketch-precondition return aᵀb/aᵀa; sketch-and-solve and ℓ∞ mode are close', () => {
      const p = columnProblem(1500, 141);
      const want = p.xExact;
      for (const method of ['qr', 'sketch-precondition', 'auto'] as const) {
        const res = lstsq(p.A, p.b, { method, backend });
        expect(checkShape(L(method), p.A, p.b, res)).toEqual([]);
        expect(res.rank).toBe(1);
        expect(abs(res.x[0] - want)).toBeLessThanOrEqual(1e-14 * abs(want));
      }
      const best = residualNorm(p.A, p.b, [want]);
      const ratios: number[] = [];
      for (let seed = 0; seed < 20; seed++) {
        const ss = lstsq(p.A, p.b, { method: 'sketch-and-solve', seed, backend });
        expect(ss).toMatchObject({ sketchRows: 20, method: 'sketch-and-solve' });
        ratios.push(residualNorm(p.A, p.b, ss.x) / best);
      }
      expect(quantile(ratios, 0.5)).toBeLessThanOrEqual(1.1);
      expect(quantile(ratios, 0.95)).toBeLessThanOrEqual(1.25);
      // ℓ∞ at d = 1: m = 56; |x − x*| ≤ ε·‖r*‖/‖a‖ in ≥ 19 of 20 seeds.
      const an = norm(p.A.data);
      let fails = 0;
      for (let seed = 0; seed < 20; seed++) {
        const li = lstsq(p.A, p.b, { guarantee: 'linf', seed, backend });
        expect(li).toMatchObject({ sketchRows: 56, method: 'sketch-and-solve' });
        if (!(abs(li.x[0] - want) <= (0.5 * best) / an)) fails++;
      }
      expect(fails).toBeLessThanOrEqual(1);
    });

    test('n not a power of two: SRHT pads 1500 rows to 2048 (rows up to 2048 allowed)', () => {
      const p = KAPPA(1e8, 1e-6, 151, 1500, 12);
      const { A, b } = p.problem;
      const qrErr = distance(qrJs(p).x, p.xTrue!);
      const sp = lstsq(A, b, { method: 'sketch-precondition', sketch: { kind: 'srht' }, backend });
      expect(sp).toMatchObject({ method: 'sketch-precondition', sketchRows: preconditionRows(1500, 12), converged: true, rank: 12 });
      expect(distance(sp.x, p.xTrue!)).toBeLessThanOrEqual(10 * max(qrErr, forwardFloor(p)));
      expect(abs(residualNorm(A, b, sp.x) - p.ref.residual)).toBeLessThanOrEqual(1e-13 * norm(b));
      const g = T3(1500, 12, 152);
      // 1600 > n = 1500 rows is fine for SRHT (≤ 2048): sketch-and-solve nearly optimal.
      const ss = lstsq(g.problem.A, g.problem.b, { method: 'sketch-and-solve', sketch: { kind: 'srht', rows: 1600 }, backend });
      expect(ss).toMatchObject({ method: 'sketch-and-solve', sketchRows: 1600 });
      expect(residualNorm(g.problem.A, g.problem.b, ss.x) / g.ref.residual).toBeLessThanOrEqual(1.05);
      const ss2 = lstsq(g.problem.A, g.problem.b, { method: 'sketch-and-solve', sketch: { kind: 'srht', rows: 2048 }, backend });
      // m = N: the SRHT is orthogonal, so sketch-and-solve is exact.
      expect(abs(residualNorm(g.problem.A, g.problem.b, ss2.x) - g.ref.residual)).toBeLessThanOrEqual(1e-12 * norm(g.problem.b));
    });

    test("every sketch kind works in both randomized methods; 'auto' is 'qr' for narrow problems", () => {
      const f = GA(1200, 8, 161);
      const { A, b } = f.problem;
      for (const kind of ['gaussian', 'rademacher', 'srht', 'countsketch', 'sparse-sign'] as const) {
        const sp = lstsq(A, b, { method: 'sketch-precondition', sketch: { kind, rows: 64 }, backend });
        expect(sp).toMatchObject({ method: 'sketch-precondition', sketchRows: 64, rank: 8, converged: true });
        expect(distance(sp.x, f.ref.x)).toBeLessThanOrEqual(10 * max(distance(qrJs(f).x, f.ref.x), forwardErrorScale(f.ref)));
        const ss = lstsq(A, b, { method: 'sketch-and-solve', sketch: { kind, rows: 160 }, backend });
        expect(ss).toMatchObject({ method: 'sketch-and-solve', sketchRows: 160 });
        expect(residualNorm(A, b, ss.x) / f.ref.residual).toBeLessThanOrEqual(1.5);
      }
      const auto = lstsq(A, b, { backend });
      expect(auto).toMatchObject({ method: 'qr', sketchRows: 0, iterations: 0 });
      expect(distance(auto.x, f.ref.x)).toBeLessThanOrEqual(10 * max(distance(qrJs(f).x, f.ref.x), forwardErrorScale(f.ref)));
    });

    test('seeds: the same seed (number or bigint) gives the same bits; another seed another x', () => {
      const f = T3();
      const { A, b } = f.problem;
      const a = lstsq(A, b, { method: 'sketch-and-solve', seed: 5, backend });
      const a2 = lstsq(A, b, { method: 'sketch-and-solve', seed: 5n, backend });
      const c = lstsq(A, b, { method: 'sketch-and-solve', seed: 6, backend });
      expect(sameBits(a.x, a2.x)).toBe(true);
      expect(sameBits(a.x, c.x)).toBe(false);
      const big = 2n ** 64n - 1n;
      expect(sameBits(lstsq(A, b, { method: 'sketch-and-solve', seed: big, backend }).x, lstsq(A, b, { method: 'sketch-and-solve', seed: big, backend }).x)).toBe(true);
      // The default seed is 0.
      expect(sameBits(lstsq(A, b, { method: 'sketch-and-solve', backend }).x, lstsq(A, b, { method: 'sketch-and-solve', seed: 0, backend }).x)).toBe(true);
    });

    test('Float32Array inputs solve exactly like their float64 copies and stay untouched', () => {
      const f = GA(800, 6, 171);
      const A32 = { data: Float32Array.from(f.problem.A.data), rows: 800, cols: 6 };
      const b32 = Float32Array.from(f.problem.b);
      const A64 = { data: Float64Array.from(A32.data), rows: 800, cols: 6 };
      const b64 = Float64Array.from(b32);
      const untouched = snapshot(A32, b32);
      for (const method of ['qr', 'sketch-and-solve', 'sketch-precondition'] as const) {
        const r32 = lstsq(A32, b32, { method, backend });
        const r64 = lstsq(A64, b64, { method, backend });
        expect(sameBits(r32.x, r64.x)).toBe(true);
      }
      expect(untouched()).toEqual([]);
      // Views with an offset into a larger buffer (api-conventions: views work).
      const bufA = new Float64Array(800 * 6 + 11).fill(Number.NaN);
      bufA.set(A64.data, 7);
      const bufB = new Float64Array(800 + 5).fill(Number.NaN);
      bufB.set(b64, 3);
      const view = lstsq({ data: bufA.subarray(7, 7 + 800 * 6), rows: 800, cols: 6 }, bufB.subarray(3, 803), { method: 'sketch-precondition', backend });
      expect(sameBits(view.x, lstsq(A64, b64, { method: 'sketch-precondition', backend }).x)).toBe(true);
    });

    test('lstsqAsync resolves to the same result as lstsq, reports increasing progress, honours abort', async () => {
      const f = KAPPA(1e8, 1e-6, 201);
      const { A, b } = f.problem;
      const untouched = snapshot(A, b);
      for (const method of ['qr', 'sketch-and-solve', 'sketch-precondition'] as const) {
        const sync = lstsq(A, b, { method, seed: 3, backend });
        const async_ = await lstsqAsync(A, b, { method, seed: 3, backend });
        expect(sameBits(async_.x, sync.x)).toBe(true);
        expect({ ...async_, x: null }).toEqual({ ...sync, x: null });
      }
      const reports: Array<{ pass: number; iteration: number; estimate: number }> = [];
      const res = await lstsqAsync(A, b, { method: 'sketch-precondition', seed: 3, backend, onProgress: (p) => reports.push({ ...p }) });
      expect(res.iterations).toBeGreaterThan(0);
      expect(reports.length).toBeGreaterThan(0);
      expect(reports.length).toBeLessThanOrEqual(res.iterations);
      for (let i = 0; i < reports.length; i++) {
        const p = reports[i];
        expect([1, 2]).toContain(p.pass);
        expect(Number.isInteger(p.iteration) && p.iteration >= 1).toBe(true);
        expect(Number.isFinite(p.estimate) && p.estimate >= 0).toBe(true);
        if (i > 0) {
          const q = reports[i - 1];
          // (pass, iteration) strictly increasing.
          expect(p.pass > q.pass || (p.pass === q.pass && p.iteration > q.iteration)).toBe(true);
        }
      }
      // A throwing onProgress does not break the solve (documented: its errors are ignored).
      const still = await lstsqAsync(A, b, { method: 'sketch-precondition', seed: 3, backend, onProgress: () => { throw new Error('ignored'); } });
      expect(sameBits(still.x, res.x)).toBe(true);
      // Already aborted: rejects with an AbortError.
      await expectRejection(() => lstsqAsync(A, b, { method: 'sketch-precondition', backend, signal: AbortSignal.abort() }), 'AbortError', /./);
      // Aborted right after the call, before the solve can finish.
      const c = new AbortController();
      const pending = lstsqAsync(A, b, { method: 'sketch-precondition', backend, signal: c.signal });
      c.abort();
      await expectRejection(() => pending, 'AbortError', /./);
      // The custom reason is passed through.
      const c2 = new AbortController();
      const pending2 = lstsqAsync(A, b, { method: 'sketch-precondition', backend, signal: c2.signal });
      const reason = new Error('stop now');
      c2.abort(reason);
      await expect(pending2).rejects.toBe(reason);
      // A and b untouched by the async calls.
      expect(untouched()).toEqual([]);
      const again = lstsq(A, b, { method: 'sketch-precondition', seed: 3, backend });
      expect(sameBits(again.x, res.x)).toBe(true);
    });
  });
}

describeNative('native only', () => {
  const cores = availableParallelism();
  const threadCounts = [1, 2, 3].filter((t) => t <= cores);

  test(`results do not depend on threads (${threadCounts.join(', ')}) or the call path`, () => {
    const problems: string[] = [];
    for (const f of [T1(), KAPPA(1e12, 1e-10, 201), SPIKE()]) {
      const { A, b } = f.problem;
      for (const method of ['qr', 'sketch-and-solve', 'sketch-precondition'] as const) {
        for (const kind of ['sparse-sign', 'srht', 'gaussian'] as const) {
          if (method === 'qr' && kind !== 'sparse-sign') continue;
          const base = lstsq(A, b, { method, sketch: method === 'qr' ? undefined : { kind }, threads: 1, backend: 'native' });
          for (const threads of threadCounts.slice(1)) {
            const r = lstsq(A, b, { method, sketch: method === 'qr' ? undefined : { kind }, threads, backend: 'native' });
            if (!sameBits(r.x, base.x) || r.iterations !== base.iterations || r.residualNorm !== base.residualNorm) {
              problems.push(`${f.name} ${method} ${kind}: threads ${threads} differs from threads 1 (max |Δx| ${maxAbsDiff(r.x, base.x)})`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('lstsqAsync keeps the event loop free while a larger solve runs, and aborts mid-solve', async () => {
    const A = gaussianMatrix(40000, 60, 181);
    const b = gaussianVector(40000, 182);
    let ticks = 0;
    let resolved = false;
    const tick = (): void => {
      if (resolved) return;
      ticks++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const res = await lstsqAsync(A, b, { method: 'sketch-precondition', backend: 'native' });
    resolved = true;
    expect(ticks).toBeGreaterThanOrEqual(1);
    expect(sameBits(res.x, lstsq(A, b, { method: 'sketch-precondition', backend: 'native' }).x)).toBe(true);
    // Abort from inside the first progress report: the solve stops at its next iteration.
    const c = new AbortController();
    let seen = 0;
    const p = lstsqAsync(A, b, {
      method: 'sketch-precondition',
      backend: 'native',
      signal: c.signal,
      onProgress: () => {
        seen++;
        c.abort();
      },
    });
    await expectRejection(() => p, 'AbortError', /./);
    expect(seen).toBeGreaterThanOrEqual(1);
  });
});

if (!hasNative) {
  test('the TypeScript path is in use (SKETCHMAX_BACKEND=js or no addon)', () => {
    expect(ENGINES.filter((e: Engine) => e.runnable).map((e) => e.label)).toEqual(['js']);
  });
}
