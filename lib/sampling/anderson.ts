// Anderson acceleration (type II, mixing 1) of a fixed-point iteration x ← x + f(x) in ℝ^n, for the
// Lewis iteration (./lewis.ts). native/sampling/anderson.cc is the same code in C++, operation for
// operation, so the two backends take the same steps.
//
// With the last k <= depth differences ΔF_j = f_{j+1} − f_j and ΔG_j = g_{j+1} − g_j of the increments
// f and the base map's values g = x + f, the next iterate is
//     x⁺ = x + f − Σ_j γ_j ΔG_j,   γ = argmin ‖f − Σ_j γ_j ΔF_j‖₂,
// the base step corrected by the combination of past steps that best cancels the increment (Walker &
// Ni, SIAM J. Numer. Anal. 49 (2011)). On a linear map with Jacobian J this is GMRES on (I − J) in
// its last k directions; the Lewis map's Jacobian has a few eigenvalues near its bound (the groups of
// rows that share a direction) that a fixed step cannot damp and these few directions can.
//
// γ solves the normal equations ΔFᵀΔF γ = ΔFᵀf by a Cholesky factorization that takes the newest
// difference first and drops a difference whose pivot falls below DROP times its squared norm (it is
// then, to about √DROP = 1e-5 relative, a combination of newer ones): this keeps the k x k solve
// well conditioned without a tolerance on γ. Sums run in index order in both languages.
const DROP = 1e-10;

export class Anderson {
  private readonly dF: Float64Array[] = [];
  private readonly dG: Float64Array[] = [];
  private readonly prevF: Float64Array;
  private readonly prevG: Float64Array;
  /** ΔF_sᵀΔF_t by slot (depth x depth): each difference's products are taken once, when it arrives. */
  private readonly gram: Float64Array;
  private count = 0; // differences held (<= depth)
  private head = 0; // slot of the next difference
  private primed = false; // prevF / prevG hold the last call's f and g

  constructor(
    private readonly n: number,
    private readonly depth: number,
  ) {
    this.prevF = new Float64Array(n);
    this.prevG = new Float64Array(n);
    this.gram = new Float64Array(depth * depth);
  }

  /** Forgets the history: the next step is the base step. */
  reset(): void {
    this.count = 0;
    this.head = 0;
    this.primed = false;
  }

  /** out = the accelerated successor of x, whose increment is f (out may alias neither). */
  step(x: Float64Array, f: Float64Array, out: Float64Array): void {
    const { n, prevF, prevG } = this;
    if (this.primed) this.push(x, f);
    this.primed = true;
    const gamma = this.coefficients(f);
    const k = gamma.length;
    const dG = Array.from({ length: k }, (_, j) => this.dG[this.slot(j)]);
    for (let i = 0; i < n; i++) {
      const g = x[i] + f[i];
      prevF[i] = f[i];
      prevG[i] = g;
      let v = g;
      for (let j = 0; j < k; j++) v -= gamma[j] * dG[j][i];
      out[i] = v;
    }
  }

  /** Slot of the j-th newest difference (j = 0 the newest). */
  private slot(j: number): number {
    return (this.head - 1 - j + 2 * this.depth) % this.depth;
  }

  private push(x: Float64Array, f: Float64Array): void {
    const { n } = this;
    if (this.dF.length < this.depth) {
      this.dF.push(new Float64Array(n));
      this.dG.push(new Float64Array(n));
    }
    const dF = this.dF[this.head];
    const dG = this.dG[this.head];
    for (let i = 0; i < n; i++) {
      dF[i] = f[i] - this.prevF[i];
      dG[i] = x[i] + f[i] - this.prevG[i];
    }
    if (this.count < this.depth) this.count++;
    // Products with the differences held (the new one included), newest first as coefficients() reads.
    for (let j = 0; j < this.count; j++) {
      const s = (this.head - j + this.depth) % this.depth;
      const v = dot(dF, this.dF[s]);
      this.gram[this.head * this.depth + s] = v;
      this.gram[s * this.depth + this.head] = v;
    }
    this.head = (this.head + 1) % this.depth;
  }

  /** γ (newest difference first; 0 for a dropped one) from the normal equations, as the file comment says. */
  private coefficients(f: Float64Array): Float64Array {
    const k = this.count;
    const gamma = new Float64Array(k);
    if (k === 0) return gamma;
    const G = new Float64Array(k * k);
    const rhs = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      const sa = this.slot(a);
      for (let b = 0; b <= a; b++) G[a * k + b] = this.gram[sa * this.depth + this.slot(b)];
      rhs[a] = dot(this.dF[sa], f);
    }
    // Cholesky G = L·Lᵀ over the kept columns (lower triangle of L in place of G's).
    const kept: number[] = [];
    for (let a = 0; a < k; a++) {
      const norm2 = G[a * k + a];
      for (const b of kept) {
        let s = G[a * k + b];
        for (const c of kept) {
          if (c >= b) break;
          s -= G[a * k + c] * G[b * k + c];
        }
        G[a * k + b] = s / G[b * k + b];
      }
      let pivot = norm2;
      for (const b of kept) pivot -= G[a * k + b] * G[a * k + b];
      if (!(pivot > DROP * norm2)) continue;
      G[a * k + a] = Math.sqrt(pivot);
      kept.push(a);
    }
    // Forward then back substitution on the kept columns.
    const y = new Float64Array(k);
    for (let t = 0; t < kept.length; t++) {
      const a = kept[t];
      let s = rhs[a];
      for (let u = 0; u < t; u++) s -= G[a * k + kept[u]] * y[kept[u]];
      y[a] = s / G[a * k + a];
    }
    for (let t = kept.length - 1; t >= 0; t--) {
      const a = kept[t];
      let s = y[a];
      for (let u = t + 1; u < kept.length; u++) s -= G[kept[u] * k + a] * gamma[kept[u]];
      gamma[a] = s / G[a * k + a];
    }
    return gamma;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
