'use strict';
// Least-squares accuracy at size (issue 4, figure 5): 'sketch-precondition' (defaults) against
// numpy.linalg.lstsq on problems of known solution and condition number, and the ℓ∞ mode's error
// against its guarantee. Problems (Epperly's random_ls_problem, as test/linalg/problems.ts builds them):
// A = U·diag(σ)·Vᵀ with U (n x (d+1)) and V (d x d) orthonormal, σ log-spaced from 1 to 1/κ, x a unit
// vector, b = A·x + ρ·U[:, d]; then Aᵀ(b - A·x) = 0, so x is the least-squares solution, ‖r*‖ = ρ,
// ‖A‖ = 1 and ‖A⁺‖ = κ (up to the rounding of A and b).
const { normals, matvec, norm2, relDiff, residualNorm } = require('./lstsq');
const { startNumpy } = require('./lstsq_peers');

/** G ← G·R⁻¹ with R the Cholesky factor of GᵀG (row-major n x k, in place). One CholeskyQR step. */
function cholQrStep(G, n, k) {
  const S = new Float64Array(k * k);
  for (let i = 0, o = 0; i < n; i++, o += k) {
    for (let a = 0; a < k; a++) {
      const ga = G[o + a];
      if (ga === 0) continue;
      const row = a * k;
      for (let c = a; c < k; c++) S[row + c] += ga * G[o + c];
    }
  }
  // Upper Cholesky S = RᵀR.
  const R = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let s = S[j * k + j];
    for (let p = 0; p < j; p++) s -= R[p * k + j] ** 2;
    if (!(s > 0)) throw new Error('cholQrStep: Gram matrix not positive definite');
    const rjj = Math.sqrt(s);
    R[j * k + j] = rjj;
    for (let c = j + 1; c < k; c++) {
      let t = S[j * k + c];
      for (let p = 0; p < j; p++) t -= R[p * k + j] * R[p * k + c];
      R[j * k + c] = t / rjj;
    }
  }
  // Each row g ← g·R⁻¹: forward substitution with Rᵀ.
  for (let i = 0, o = 0; i < n; i++, o += k) {
    for (let c = 0; c < k; c++) {
      let t = G[o + c];
      for (let p = 0; p < c; p++) t -= G[o + p] * R[p * k + c];
      G[o + c] = t / R[c * k + c];
    }
  }
}

/** n x k with orthonormal columns: CholeskyQR2 of a Gaussian matrix (tall: κ(G) ≈ 1, so it is exact to rounding). */
function orthonormalTall(n, k, g) {
  const G = new Float64Array(n * k);
  for (let i = 0; i < G.length; i++) G[i] = g();
  cholQrStep(G, n, k);
  cholQrStep(G, n, k);
  return G;
}

/** k x k orthogonal: modified Gram-Schmidt twice on a Gaussian matrix's columns (row-major). */
function orthogonalSquare(k, g) {
  const Q = new Float64Array(k * k);
  for (let i = 0; i < Q.length; i++) Q[i] = g();
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < k; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < k; i++) dot += Q[i * k + p] * Q[i * k + j];
        for (let i = 0; i < k; i++) Q[i * k + j] -= dot * Q[i * k + p];
      }
      let s = 0;
      for (let i = 0; i < k; i++) s += Q[i * k + j] ** 2;
      s = Math.sqrt(s);
      for (let i = 0; i < k; i++) Q[i * k + j] /= s;
    }
  }
  return Q;
}

/** max |UᵀU - I| of a row-major n x k matrix. */
function orthonormalityError(U, n, k) {
  const S = new Float64Array(k * k);
  for (let i = 0, o = 0; i < n; i++, o += k) for (let a = 0; a < k; a++) for (let c = a; c < k; c++) S[a * k + c] += U[o + a] * U[o + c];
  let w = 0;
  for (let a = 0; a < k; a++) for (let c = a; c < k; c++) w = Math.max(w, Math.abs(S[a * k + c] - (a === c ? 1 : 0)));
  return w;
}

/** The factors shared by every κ and ρ of one (n, d, seed): U, V, the unit x. */
function factors(n, d, seed) {
  const g = normals(seed);
  const U = orthonormalTall(n, d + 1, g);
  const V = orthogonalSquare(d, g);
  const x = new Float64Array(d);
  for (let j = 0; j < d; j++) x[j] = g();
  const nx = norm2(x);
  for (let j = 0; j < d; j++) x[j] /= nx;
  return { n, d, U, V, x, orthoError: Math.max(orthonormalityError(U, n, d + 1), orthonormalityError(V, d, d)) };
}

/** A = U[:, :d]·diag(σ)·Vᵀ (σ_k = κ^(-k/(d-1))), b = A·x + ρ·U[:, d]. */
function conditioned(f, kappa, rho) {
  const { n, d, U, V, x } = f;
  const sigma = new Float64Array(d);
  for (let k = 0; k < d; k++) sigma[k] = d === 1 ? 1 : kappa ** (-k / (d - 1));
  const W = new Float64Array(d * d); // W[k][j] = σ_k V[j][k]
  for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) W[k * d + j] = sigma[k] * V[j * d + k];
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const u = i * (d + 1);
    const o = i * d;
    for (let k = 0; k < d; k++) {
      const uk = U[u + k];
      const w = k * d;
      for (let j = 0; j < d; j++) data[o + j] += uk * W[w + j];
    }
  }
  const A = { data, rows: n, cols: d };
  const b = matvec(A, x);
  for (let i = 0; i < n; i++) b[i] += rho * U[i * (d + 1) + d];
  return { A, b, xTrue: x, kappa, rho };
}

function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function runLstsqAccuracy(lib, api, cfg, progress) {
  const acc = cfg.accuracy;
  if (!api.lstsq) return { skipped: api.notes.join('; ') };
  const backend = api.lstsqBackend;
  const np = await startNumpy(progress);
  try {
    // κ sweep, 'sketch-precondition' with defaults, against numpy on the same data.
    const { n, d } = acc.kappaShape;
    progress(`accuracy: building ${n} x ${d} factors`);
    const f = factors(n, d, 4101);
    const kappa = [];
    for (const k of acc.kappas) {
      for (const rho of acc.rhos) {
        progress(`accuracy: κ = ${k}, ρ = ${rho}`);
        const P = conditioned(f, k, rho);
        const r = api.lstsq(P.A, P.b, { method: 'sketch-precondition', backend });
        const row = {
          kappa: k,
          rho,
          method: r.method,
          iterations: r.iterations,
          converged: r.converged,
          forwardError: relDiff(r.x, P.xTrue),
          residualNorm: residualNorm(P.A, P.b, r.x),
        };
        if (!np.skipped) {
          const loaded = await np.load(P.A, P.b);
          const s = loaded.error ? loaded : await np.solve({ x: true, rcond: -1 });
          const sd = loaded.error ? loaded : await np.solve({ x: true });
          if (s.error || sd.error) row.numpyError = s.error || sd.error;
          else {
            const xNp = Float64Array.from(s.x);
            row.numpyDefaultForwardError = relDiff(Float64Array.from(sd.x), P.xTrue);
            row.numpyForwardError = relDiff(xNp, P.xTrue);
            row.numpyResidualNorm = residualNorm(P.A, P.b, xNp);
            row.forwardErrorRatio = row.forwardError / row.numpyForwardError;
            row.residualRatio = row.residualNorm / row.numpyResidualNorm;
            row.relDiffToNumpy = relDiff(r.x, xNp);
          }
          await np.free();
        }
        kappa.push(row);
      }
    }
    // ℓ∞ mode: sketch-and-solve with the ℓ∞ row rule, several sketch seeds on one problem.
    const L = acc.linf;
    progress(`accuracy: ℓ∞ mode, ${L.n} x ${L.d}, ${L.seeds} seeds`);
    const fl = factors(L.n, L.d, 4201);
    const P = conditioned(fl, L.kappa, L.rho);
    const scale = (L.rho * L.kappa) / Math.sqrt(L.d); // ‖r*‖·‖A⁺‖/√d
    const runs = [];
    for (let seed = 0; seed < L.seeds; seed++) {
      const r = api.lstsq(P.A, P.b, { guarantee: 'linf', epsilon: L.epsilon, seed, backend });
      const e = maxAbsDiff(r.x, P.xTrue) / scale;
      runs.push({ seed, method: r.method, sketchRows: r.sketchRows, epsHat: e, ratio: e / L.epsilon });
    }
    const ratios = runs.map((x) => x.ratio).sort((a, b) => a - b);
    return {
      backend,
      lstsqSource: api.lstsqSource,
      numpy: np.info || { skipped: np.skipped },
      kappaShape: { n, d },
      orthoError: f.orthoError,
      kappa,
      linf: {
        ...L,
        orthoError: fl.orthoError,
        sketchRows: runs[0].sketchRows,
        method: runs[0].method,
        runs,
        maxRatio: ratios[ratios.length - 1],
        medianRatio: ratios[ratios.length >> 1],
        withinEpsilon: runs.filter((x) => x.ratio <= 1).length,
      },
    };
  } finally {
    await np.close();
  }
}

module.exports = { runLstsqAccuracy, factors, conditioned };
