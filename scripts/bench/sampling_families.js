'use strict';
// Test-matrix families for ℓp row sampling (issue 5; notes/sensitivity-sampling.md §5.2), shared by the
// bench (scripts/bench/sampling.js) and the tests (test/sampling/quality.test.ts). Plain CommonJS, no
// dependencies beyond ./data.js (sfc32), deterministic from `seed`: the same matrices on every run,
// machine and backend.
//
// Every generator returns a Problem:
//   { A: {data: Float64Array row-major, rows, cols}, b: Float64Array, xTrue: Float64Array,
//     name, family, params, special: Uint32Array (rows the family makes important: planted or
//     heaviest rows; empty for the controls), note }
//
// Families (n rows, d columns):
//   gaussian      iid N(0, 1) (incoherent control; uniform sampling is about as good as any).
//   planted       Gaussian rows whose last k columns are zero, plus h rows c·e_j + noise·N(0, 1) for each
//                 of the k planted columns j (k·h rows in all, at random positions). The planted rows are
//                 the only ones that see e_j: σ_i ≈ τ_i ≈ 1/h for them. Uniform sampling with m ≪ n/h
//                 misses them (S·A·e_j = 0, distortion 1).
//   heavyTailed   a_i = g_i·|C_i| with g_i ~ N(0, I_d) and C_i standard Cauchy (tail 'cauchy') or
//                 Pareto(alpha) (tail 'pareto'): a few rows carry most of the mass.
//   lowSensitivity  p > 2 family with 𝔖_p ≪ d^{p/2} (notes §4.1, Lemmas 7.2.1 and 7.2.5: low rank +
//                 sparse + tiny noise). kind 'low-rank+sparse' (default): a third of the rows are
//                 Gaussian in a random k-dimensional subspace of ℝ^d (the low-rank part, total
//                 sensitivity ≈ k^{p/2}/E|g|^p), the other rows have one nonzero each (±e^{N(0, 1/4)} in a
//                 random column; sensitivity ≈ Lewis weight ≈ d/#rows of that column), and every entry
//                 gets 1e-8·N(0, 1) (Lemma 7.2.5's tiny noise). So 𝔖 ≈ k^{p/2}/E|g|^p + d − k while Σ w = d:
//                 Lewis weights give the low-rank rows a share k/d of the sample, sensitivities a share
//                 ≈ 𝔖_lowrank/𝔖, i.e. they under-sample the rows whose σ_i/w_i ≈ k^{p/2−1}/E|g|^p is
//                 largest. kind 'polynomial' (Lemma 7.2.4): Legendre features P_0..P_{d−1} of t_i ~ U(−1, 1).
//   spikes        p > 2 family where sensitivities and Lewis weights disagree most (a sharper
//                 separation than lowSensitivity's, built for small tests): d = a power of two, d spike
//                 rows α·h_k (the rows of the d x d Sylvester–Hadamard matrix, at random positions) and
//                 n − d rows with one nonzero each (±e^{N(0, 1/4)} in a random column). x = h_k is
//                 orthogonal to every other spike, so row k alone carries a share `spikeShare` (default
//                 1/2) of ‖A·h_k‖_p^p: α is set from α^p·d^p = spikeShare/(1 − spikeShare)·(n − d)·E|c|^p,
//                 E|c|^p = e^{p²/8}, for the family's `p` (default 4). So σ_spike ≈ spikeShare while
//                 the Lewis weight is ≈ d^{1−p/2}/(1 + d^{1−p/2}) ([derived] for equal sparse magnitudes
//                 and share 1/2: 1/17 at p = 4, d = 16): the ratio σ_i/w_i ≈ d^{p/2−1}/2 is near its
//                 bound d^{p/2−1}, while 𝔖 ≈ d·spikeShare + d ≪ d^{p/2}. Lewis sampling keeps every spike
//                 only from about d/w_spike rows, sensitivity sampling from 𝔖/σ_spike ≈ 3d.
//                 Response 'adversarial' (default): b = A·xTrue + noiseScale·N(0, 1) on the sparse rows
//                 and ±offset·noiseScale (offset default 6) on the spikes, so the ℓp fit (p > 2 weighs
//                 large residuals) bends toward every spike and a sample that misses or misweights one
//                 pays for it; 'gaussian': noise on every row.
//   completeGraph grounded incidence matrix of the complete graph K_v: rows e_u − e_w (u < w), the column
//                 of vertex v − 1 dropped; n = v(v−1)/2, d = v − 1. All sensitivities are equal, so
//                 uniform = sensitivity sampling (sanity control).
//
// Responses b = A·xTrue + noise, xTrue ~ N(0, I_d); response:
//   'gaussian' (default for the controls): noise = noiseScale·N(0, 1) (noiseScale default 1).
//   'cauchy': noise = noiseScale·Cauchy (noiseScale default 0.5).
//   'adversarial' (default for planted and heavyTailed): b loads on the special rows, so a sample that
//     misses or under-weights them fits them badly and pays for it on the full data:
//     planted — noise is Laplace(1) on the bulk rows and the planted coordinates of xTrue are set to
//       ±excess·(Σ_bulk E|noise|)/(k·h·c) (the signal lives on the planted coordinates): the solution
//       with x_j = 0 (what a sample without planted rows returns) costs an extra ≈ excess·OPT in ℓ1;
//     heavyTailed — noise = noiseScale·Cauchy (noiseScale default 0.5) on every row, homoscedastic,
//       so the heavy rows are nearly noise-free relative to their size and pin down x*; a solution fitted
//       on light rows pays |C_i|·|g_iᵀ(x̃ − x*)| on the heavy ones (notes §5.4, "heavy-tailed").
const { sfc32 } = require('./data');

const TWO_PI = 2 * Math.PI;

/**
 * Seeded random source: uniform in [0, 1) with 53 bits, N(0, 1) by Box–Muller, standard Cauchy, Laplace.
 * @param {number} seed
 */
function rng(seed) {
  const next = sfc32(seed);
  const uniform = () => ((next() >>> 5) * 67108864 + (next() >>> 6)) * 1.1102230246251565e-16;
  let spare = null;
  const normal = () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const t = TWO_PI * uniform();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
  const cauchy = () => Math.tan(Math.PI * (uniform() - 0.5));
  const laplace = () => {
    const u = uniform() - 0.5;
    return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  };
  const int = (k) => Math.min(k - 1, Math.floor(uniform() * k));
  return { uniform, normal, cauchy, laplace, int };
}

/** out = A·x (row-major). */
function matvec(A, x, out = new Float64Array(A.rows)) {
  const { data, rows, cols } = A;
  for (let i = 0, o = 0; i < rows; i++, o += cols) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[o + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** Distinct random row positions (k of n), increasing. */
function randomRows(n, k, r) {
  const set = new Set();
  while (set.size < k) set.add(r.int(n));
  return Uint32Array.from([...set].sort((a, b) => a - b));
}

function checkShape(n, d, fn) {
  if (!(Number.isSafeInteger(n) && Number.isSafeInteger(d) && d >= 1 && n >= d)) throw new RangeError(`${fn}: need integers n >= d >= 1, got n = ${n}, d = ${d}`);
}

/** b = A·xTrue + noise by kind ('gaussian' | 'cauchy' | 'laplace'), in place of a new array. */
function respond(A, xTrue, kind, scale, r) {
  const b = matvec(A, xTrue);
  const draw = kind === 'cauchy' ? r.cauchy : kind === 'laplace' ? r.laplace : r.normal;
  for (let i = 0; i < b.length; i++) b[i] += scale * draw();
  return b;
}

function noiseDefaults(response, noiseScale) {
  const kind = response === 'cauchy' ? 'cauchy' : 'gaussian';
  return { kind, scale: noiseScale ?? (kind === 'cauchy' ? 0.5 : 1) };
}

/**
 * iid N(0, 1) matrix (control).
 * @param {{n: number, d: number, seed?: number, response?: 'gaussian'|'cauchy', noiseScale?: number}} o
 */
function gaussian({ n, d, seed = 1, response = 'gaussian', noiseScale }) {
  checkShape(n, d, 'gaussian');
  const r = rng(seed * 7919 + 11);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = r.normal();
  const A = { data, rows: n, cols: d };
  const xTrue = new Float64Array(d);
  for (let j = 0; j < d; j++) xTrue[j] = r.normal();
  const nz = noiseDefaults(response, noiseScale);
  const b = respond(A, xTrue, nz.kind, nz.scale, r);
  return { A, b, xTrue, name: `Gaussian ${n} × ${d}`, family: 'gaussian', params: { n, d, seed, response, noiseScale: nz.scale }, special: new Uint32Array(0), note: `b = A·x + ${nz.scale}·${nz.kind}` };
}

/**
 * Planted / coherent directions.
 * @param {{n: number, d: number, k?: number, h?: number, c?: number, planteNoise?: number, seed?: number,
 *   response?: 'adversarial'|'gaussian'|'cauchy', excess?: number, noiseScale?: number}} o
 *   k planted columns (default 2), h rows per planted column (default 5), planted row = c·e_j +
 *   plantedNoise·N(0, 1) on every column (defaults c = 1, plantedNoise = 0.01); excess: see the file comment.
 */
function planted({ n, d, k = 2, h = 5, c = 1, plantedNoise = 0.01, seed = 1, response = 'adversarial', excess = 1, noiseScale }) {
  checkShape(n, d, 'planted');
  if (!(k >= 1 && k < d && k * h < n - d)) throw new RangeError(`planted: need 1 <= k < d and k·h < n − d (k = ${k}, h = ${h})`);
  const r = rng(seed * 7919 + 23);
  const special = randomRows(n, k * h, r);
  const isSpecial = new Uint8Array(n);
  special.forEach((i) => (isSpecial[i] = 1));
  const data = new Float64Array(n * d);
  const bulkCols = d - k;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    if (isSpecial[i]) {
      const j = bulkCols + Math.floor(t++ / h); // h consecutive planted rows per column
      for (let q = 0; q < d; q++) data[o + q] = plantedNoise * r.normal();
      data[o + j] += c;
    } else {
      for (let q = 0; q < bulkCols; q++) data[o + q] = r.normal();
    }
  }
  const A = { data, rows: n, cols: d };
  const xTrue = new Float64Array(d);
  for (let j = 0; j < d; j++) xTrue[j] = r.normal();
  let b;
  let note;
  if (response === 'adversarial') {
    // Laplace(1) noise on the bulk (E|noise| = 1, so OPT_ℓ1 ≈ n − k·h), and a planted signal that costs
    // excess·OPT when x_j = 0.
    const amp = (excess * (n - k * h)) / (k * h * c);
    for (let j = bulkCols; j < d; j++) xTrue[j] = (j % 2 ? -1 : 1) * amp;
    b = matvec(A, xTrue);
    for (let i = 0; i < n; i++) b[i] += isSpecial[i] ? 0.01 * c * r.normal() : r.laplace();
    note = `b = A·x + Laplace(1) on the bulk rows; planted coordinates x_j = ±${amp.toPrecision(3)} (signal on the ${k * h} planted rows: dropping them costs ≈ ${excess}·OPT)`;
  } else {
    const nz = noiseDefaults(response, noiseScale);
    b = respond(A, xTrue, nz.kind, nz.scale, r);
    note = `b = A·x + ${nz.scale}·${nz.kind}`;
  }
  return { A, b, xTrue, name: `planted ${n} × ${d} (k = ${k}, h = ${h})`, family: 'planted', params: { n, d, k, h, c, plantedNoise, seed, response, excess }, special, note };
}

/**
 * Heavy-tailed rows a_i = g_i·|C_i|.
 * @param {{n: number, d: number, tail?: 'cauchy'|'pareto', alpha?: number, seed?: number,
 *   response?: 'adversarial'|'gaussian'|'cauchy', noiseScale?: number}} o
 */
function heavyTailed({ n, d, tail = 'cauchy', alpha = 1, seed = 1, response = 'adversarial', noiseScale }) {
  checkShape(n, d, 'heavyTailed');
  const r = rng(seed * 7919 + 37);
  const data = new Float64Array(n * d);
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = tail === 'pareto' ? Math.pow(1 - r.uniform(), -1 / alpha) : Math.abs(r.cauchy());
    scale[i] = s;
    for (let j = 0; j < d; j++) data[i * d + j] = s * r.normal();
  }
  const A = { data, rows: n, cols: d };
  const xTrue = new Float64Array(d);
  for (let j = 0; j < d; j++) xTrue[j] = r.normal();
  const nz = response === 'adversarial' ? { kind: 'cauchy', scale: noiseScale ?? 0.5 } : noiseDefaults(response, noiseScale);
  const b = respond(A, xTrue, nz.kind, nz.scale, r);
  // The heaviest rows (largest |C_i|), as many as d: the ones a uniform sample misses.
  const order = Array.from(scale.keys()).sort((x, y) => scale[y] - scale[x]).slice(0, Math.min(n, d));
  const special = Uint32Array.from(order.sort((x, y) => x - y));
  const what = tail === 'pareto' ? `Pareto(${alpha})` : 'Cauchy';
  return {
    A,
    b,
    xTrue,
    name: `heavy-tailed ${n} × ${d} (g·|${what}|)`,
    family: 'heavyTailed',
    params: { n, d, tail, alpha, seed, response, noiseScale: nz.scale },
    special,
    note: `b = A·x + ${nz.scale}·${nz.kind}${response === 'adversarial' ? ' (homoscedastic: the heavy rows are nearly noise-free and pin down x*)' : ''}`,
  };
}

/** Legendre P_0..P_{q}(t) into out[0..q]. */
function legendre(t, q, out, o) {
  out[o] = 1;
  if (q >= 1) out[o + 1] = t;
  for (let k = 2; k <= q; k++) out[o + k] = ((2 * k - 1) * t * out[o + k - 1] - (k - 1) * out[o + k - 2]) / k;
}

/**
 * Low-total-sensitivity family for p > 2 (see the file comment).
 * @param {{n: number, d: number, kind?: 'low-rank+sparse'|'polynomial', k?: number, lowRankFraction?: number,
 *   noise?: number, seed?: number, response?: 'gaussian'|'cauchy', noiseScale?: number}} o
 */
function lowSensitivity({ n, d, kind = 'low-rank+sparse', k, lowRankFraction = 1 / 3, noise = 1e-8, seed = 1, response = 'gaussian', noiseScale = 0.1 }) {
  checkShape(n, d, 'lowSensitivity');
  const r = rng(seed * 7919 + 53);
  const data = new Float64Array(n * d);
  let special = new Uint32Array(0);
  let name;
  if (kind === 'polynomial') {
    for (let i = 0; i < n; i++) legendre(2 * r.uniform() - 1, d - 1, data, i * d);
    name = `Legendre features ${n} × ${d}`;
  } else if (kind === 'low-rank+sparse') {
    k = k ?? Math.max(1, Math.round(d / 3));
    if (!(k >= 1 && k <= d)) throw new RangeError(`lowSensitivity: need 1 <= k <= d (k = ${k})`);
    // Orthonormal basis V (d x k) of a random subspace, by Gram–Schmidt on Gaussian columns.
    const V = new Float64Array(d * k);
    for (let c = 0; c < k; c++) {
      const v = new Float64Array(d);
      for (let j = 0; j < d; j++) v[j] = r.normal();
      for (let pass = 0; pass < 2; pass++) {
        for (let e = 0; e < c; e++) {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += v[j] * V[j * k + e];
          for (let j = 0; j < d; j++) v[j] -= dot * V[j * k + e];
        }
      }
      let nrm = 0;
      for (let j = 0; j < d; j++) nrm += v[j] * v[j];
      nrm = Math.sqrt(nrm);
      for (let j = 0; j < d; j++) V[j * k + c] = v[j] / nrm;
    }
    const lowRank = randomRows(n, Math.max(k, Math.round(n * lowRankFraction)), r);
    const isLow = new Uint8Array(n);
    lowRank.forEach((i) => (isLow[i] = 1));
    const u = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const o = i * d;
      if (isLow[i]) {
        for (let c = 0; c < k; c++) u[c] = r.normal();
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let c = 0; c < k; c++) s += V[j * k + c] * u[c];
          data[o + j] = s;
        }
      } else {
        data[o + r.int(d)] = (r.uniform() < 0.5 ? -1 : 1) * Math.exp(0.5 * r.normal());
      }
    }
    special = lowRank;
    name = `low-rank+sparse ${n} × ${d} (rank-${k} rows ${lowRank.length}, 1-sparse rows ${n - lowRank.length})`;
  } else throw new RangeError(`lowSensitivity: unknown kind ${kind}`);
  if (noise > 0) for (let i = 0; i < data.length; i++) data[i] += noise * r.normal();
  const A = { data, rows: n, cols: d };
  const xTrue = new Float64Array(d);
  for (let j = 0; j < d; j++) xTrue[j] = r.normal();
  const nz = noiseDefaults(response, noiseScale);
  const b = respond(A, xTrue, nz.kind, nz.scale, r);
  return { A, b, xTrue, name, family: 'lowSensitivity', params: { n, d, kind, k, lowRankFraction, noise, seed, response, noiseScale: nz.scale }, special, note: `b = A·x + ${nz.scale}·${nz.kind}; entries + ${noise}·N(0, 1)` };
}

/**
 * Grounded complete-graph incidence matrix (sanity control): n = v(v−1)/2, d = v − 1.
 * @param {{v: number, seed?: number, response?: 'gaussian'|'cauchy', noiseScale?: number}} o
 */
function completeGraph({ v, seed = 1, response = 'gaussian', noiseScale }) {
  if (!(Number.isSafeInteger(v) && v >= 3)) throw new RangeError(`completeGraph: need an integer v >= 3, got ${v}`);
  const d = v - 1;
  const n = (v * (v - 1)) / 2;
  const data = new Float64Array(n * d);
  let i = 0;
  for (let a = 0; a < v; a++) {
    for (let w = a + 1; w < v; w++, i++) {
      if (a < d) data[i * d + a] = 1;
      if (w < d) data[i * d + w] = -1;
    }
  }
  const r = rng(seed * 7919 + 71);
  const A = { data, rows: n, cols: d };
  const xTrue = new Float64Array(d);
  for (let j = 0; j < d; j++) xTrue[j] = r.normal();
  const nz = noiseDefaults(response, noiseScale);
  const b = respond(A, xTrue, nz.kind, nz.scale, r);
  return { A, b, xTrue, name: `complete-graph incidence K_${v} (${n} × ${d})`, family: 'completeGraph', params: { v, n, d, seed, response, noiseScale: nz.scale }, special: new Uint32Array(0), note: `b = A·x + ${nz.scale}·${nz.kind}` };
}

/** Σ_i |a_iᵀx − b_i|^p (b omitted: ‖Ax‖_p^p), rows restricted to `rows` with weights when given. */
function lpObjective(A, b, x, p, rows = null, weights = null) {
  const { data, cols: d } = A;
  const m = rows ? rows.length : A.rows;
  let f = 0;
  for (let k = 0; k < m; k++) {
    const i = rows ? rows[k] : k;
    let s = b ? -b[i] : 0;
    for (let j = 0, o = i * d; j < d; j++) s += data[o + j] * x[j];
    const a = Math.abs(s);
    const t = p === 1 ? a : p === 2 ? a * a : Math.pow(a, p);
    f += weights ? weights[k] * t : t;
  }
  return f;
}

/** The d x d Sylvester–Hadamard matrix (d a power of two), row-major ±1. */
function hadamard(d) {
  const H = new Float64Array(d * d);
  H[0] = 1;
  for (let s = 1; s < d; s *= 2) {
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        const v = H[i * d + j];
        H[i * d + j + s] = v;
        H[(i + s) * d + j] = v;
        H[(i + s) * d + j + s] = -v;
      }
    }
  }
  return H;
}

/**
 * Hadamard spikes + 1-sparse rows (see the file comment).
 * @param {{n: number, d: number, p?: number, spikeShare?: number, offset?: number, seed?: number, response?: 'adversarial'|'gaussian', noiseScale?: number}} o
 */
function spikes({ n, d, p = 4, spikeShare = 0.5, offset = 6, seed = 1, response = 'adversarial', noiseScale = 0.1 }) {
  checkShape(n, d, 'spikes');
  if (!(d >= 2 && (d & (d - 1)) === 0)) throw new RangeError(`spikes: d must be a power of two >= 2 (d = ${d})`);
  if (!(n >= 2 * d)) throw new RangeError(`spikes: need n >= 2d (n = ${n}, d = ${d})`);
  if (!(spikeShare > 0 && spikeShare < 1)) throw new RangeError(`spikes: need 0 < spikeShare < 1 (${spikeShare})`);
  const r = rng(seed * 7919 + 97);
  const H = hadamard(d);
  const alpha = Math.pow((spikeShare / (1 - spikeShare)) * (n - d) * Math.exp((p * p) / 8), 1 / p) / d;
  const special = randomRows(n, d, r);
  const spikeOf = new Int32Array(n).fill(-1);
  special.forEach((i, k) => (spikeOf[i] = k));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    const k = spikeOf[i];
    if (k >= 0) for (let j = 0; j < d; j++) data[o + j] = alpha * H[k * d + j];
    else data[o + r.int(d)] = (r.uniform() < 0.5 ? -1 : 1) * Math.exp(0.5 * r.normal());
  }
  const A = { data, rows: n, cols: d };
  const xTrue = new Float64Array(d);
  for (let j = 0; j < d; j++) xTrue[j] = r.normal();
  const b = matvec(A, xTrue);
  for (let i = 0; i < n; i++) b[i] += response === 'adversarial' && spikeOf[i] >= 0 ? (r.uniform() < 0.5 ? -1 : 1) * offset * noiseScale : noiseScale * r.normal();
  const how = response === 'adversarial' ? `${noiseScale}·N(0, 1) on the sparse rows, ±${+(offset * noiseScale).toPrecision(6)} on the spikes` : `${noiseScale}·N(0, 1)`;
  return {
    A,
    b,
    xTrue,
    name: `Hadamard spikes + sparse ${n} × ${d} (spike share ${spikeShare}, scale ${alpha.toPrecision(3)} for p = ${p})`,
    family: 'spikes',
    params: { n, d, p, spikeShare, offset, seed, response, noiseScale },
    special,
    note: `b = A·x + ${how}`,
  };
}

const FAMILIES = { gaussian, planted, heavyTailed, lowSensitivity, spikes, completeGraph };

module.exports = { FAMILIES, gaussian, planted, heavyTailed, lowSensitivity, spikes, completeGraph, rng, matvec, lpObjective };
