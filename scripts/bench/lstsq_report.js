'use strict';
// Markdown for the least-squares and sketching sections (bench-results/lstsq*.md, docs/bench/lstsq.md):
// one table of targets per figure (target, measured, ratio, verdict), then the details.
const { machineRows, num, sci, ratio, time, table, verdict } = require('./report');

const frac = (v) => (Number.isFinite(v) ? `${num(v)} (1/${num(1 / v)})` : 'n/a');
const shape = (n, d) => `${n.toLocaleString('en-US')} × ${d}`;
const check = (ok) => (ok === null || ok === undefined ? 'n/a' : verdict(ok));

function header(r) {
  const m = r.machine;
  const np = r.numpyInfo && !r.numpyInfo.skipped ? r.numpyInfo : null;
  const rows = [
    ...machineRows(m),
    ['sketchmax', `${m.sketchmax.version}, backend ${m.sketchmax.backend}, ISA ${m.isaInEffect || 'none'}`],
    ['lstsq measured', r.api.lstsqSource || 'unavailable'],
    ['sketch measured', r.api.sketchSource || 'unavailable'],
    ['Threads', `sketchmax: ${r.api.cores} (default, all cores) unless stated; numpy: its default (OpenBLAS, all cores)`],
    ['numpy', np ? `${np.numpy} (python ${np.python}, ${np.blas || 'BLAS unknown'})${Object.keys(np.env || {}).length ? `, env ${JSON.stringify(np.env)}` : ''}` : `skipped: ${r.numpyInfo ? r.numpyInfo.skipped : 'not run'}`],
    ['Date', m.date],
    ['Load average (1 min)', `${r.loadAvg.start.toFixed(2)} at the start, ${r.loadAvg.end.toFixed(2)} at the end (other work on this machine)`],
    ['Mode', r.quick ? '--quick (smoke test: small sizes, few rounds; the figures need a full run)' : 'full'],
    ['Sections', r.sections.join(', ')],
  ];
  if (m.addonLoadError) rows.push(['Addon', `not loaded: ${m.addonLoadError}`]);
  const out = [
    `# sketchmax least squares and sketching benchmark (${m.cpu})`,
    '',
    table(['', ''], rows),
    '',
    'Every time is the median of several calls. Configurations compared with each other were run',
    'round-robin (one call of each in turn, after one untimed warm-up call each) and their ratios are',
    'medians of per-round ratios, so that load from other work on this shared machine hits both sides.',
    'numpy runs in a persistent python3 child on the same float64 data (written by Node to a temp file,',
    'read with numpy.fromfile); its time is that of the `numpy.linalg.lstsq(A, b, rcond=None)` call alone.',
  ];
  if (r.api.notes.length) out.push('', ...r.api.notes.map((x) => `**Note:** ${x}`));
  return out.join('\n');
}

// ---------- figures 1 and 2 ----------

/** The same target against numpy with one OpenBLAS thread (cells for the targets table). */
function vsOne(b, row, limit) {
  if (!b.numpy1 || !b.numpy1.medianNs) return ['n/a', 'n/a'];
  return [frac(row.timeOverNumpy1), check(row.timeOverNumpy1 <= limit)];
}

function bigFigure(b) {
  const title = `## Figure ${b.figure}. ${shape(b.n, b.d)} Gaussian, b = A·x + ${b.noise ?? 0.1}·N(0, 1): sketchmax against numpy.linalg.lstsq`;
  if (b.skipped) return [title, '', `Skipped: ${b.skipped}`].join('\n');
  const out = [title, ''];
  const np = b.numpy;
  const spir = b.rows.spir;
  const sas = b.rows.sas;
  const targets = [];
  const spirTarget = 1 / b.target;
  if (!np.skipped) {
    targets.push([
      `'sketch-precondition' (defaults) time ≤ 1/${b.target} of numpy's`,
      `${time(spir.medianNs)} vs ${time(np.medianNs)}`,
      frac(spir.timeOverNumpy),
      check(spir.timeOverNumpy <= spirTarget),
      ...vsOne(b, spir, spirTarget),
    ]);
    if (sas) {
      targets.push([
        "'sketch-and-solve', 20d rows, time ≤ 1/15 of numpy's",
        `${time(sas.medianNs)} vs ${time(np.medianNs)}`,
        frac(sas.timeOverNumpy),
        check(sas.timeOverNumpy <= 1 / 15),
        ...vsOne(b, sas, 1 / 15),
      ]);
    }
    out.push(table(['target', 'measured (median)', 'time / numpy time', 'verdict', 'time / numpy 1-thread time', 'verdict vs 1 thread'], targets), '');
  } else out.push(`numpy skipped: ${np.skipped}`, '');
  const label = {
    spir: "'sketch-precondition'",
    'spir-t1': "'sketch-precondition', threads 1",
    sas: "'sketch-and-solve', 20d rows",
    'sas-t1': "'sketch-and-solve', 20d rows, threads 1",
  };
  const rows = Object.entries(b.rows).map(([k, v]) => [
    `sketchmax ${label[k]} (${b.backend})`,
    time(v.medianNs),
    np.skipped ? 'n/a' : frac(v.timeOverNumpy),
    `${v.method}, ${v.sketchRows} sketch rows, ${v.iterations} it.${v.converged ? '' : ' (not converged)'}`,
    np.skipped ? 'n/a' : sci(v.relDiffToNumpy),
    np.skipped ? 'n/a' : `${(v.residualRatio ?? NaN).toFixed(6)}`,
    v.t1OverT2 ? `${ratio(v.t1OverT2)}` : '',
  ]);
  if (b.numpy1 && b.numpy1.medianNs) {
    rows.unshift(['numpy.linalg.lstsq, 1 OpenBLAS thread', time(b.numpy1.medianNs), np.skipped ? 'n/a' : frac(b.numpy1.medianNs / np.medianNs), '', sci(b.numpy1.relDiffToNumpy), '', '']);
  }
  if (!np.skipped) rows.unshift(['numpy.linalg.lstsq (gelsd), default threads', time(np.medianNs), '1', '', '0', '1', '']);
  out.push(
    table(['solver', 'time (median)', 'time / numpy', 'ran', '‖x − x_np‖/‖x_np‖', '‖r‖ / ‖r_np‖', 'threads-1 time / default'], rows),
    '',
    ...(b.numpy1 && b.numpy1.medianNs && !np.skipped && b.numpy1.medianNs < np.medianNs
      ? [`**numpy with one thread was ${ratio(np.medianNs / b.numpy1.medianNs)} faster than with its default threads in this run** (other work loaded the machine and OpenBLAS's threads competed with it): the default-thread ratios flatter sketchmax; read the 1-thread column too.`, '']
      : []),
    `${b.rounds} rounds. Residuals ‖b − A·x‖ are recomputed in float64 by the bench for every solver's x.` +
      (np.skipped ? '' : ` numpy's ‖r‖ = ${sci(np.residualNorm)}.`) +
      ' numpy with one OpenBLAS thread (OPENBLAS_NUM_THREADS=1, a second python3 child) is timed in the same rounds:' +
      ' on a loaded 2-core machine OpenBLAS\'s default threads can make numpy slower, not faster, so the issue\'s' +
      ' comparison (default threads) is also shown against the 1-thread time.',
  );
  return out.join('\n');
}

// ---------- figure 3 ----------

function mlFigure(f) {
  const title = `## Figure 3. ${f.skipped ? '' : shape(f.n, f.d)} Gaussian: sketchmax against ml-matrix's QR solve`;
  if (f.skipped) return [title, '', `Skipped: ${f.skipped}`].join('\n');
  const out = [title, ''];
  const rows = Object.values(f.rows);
  if (f.ml.skipped) out.push(`ml-matrix skipped: ${f.ml.skipped}`, '');
  else {
    const best = (backend) => rows.filter((x) => x.backend === backend).reduce((a, x) => (!a || x.speedupVsMl > a.speedupVsMl ? x : a), null);
    const targets = [];
    for (const [backend, want] of [
      ['native', 50],
      ['js', 3],
    ]) {
      const x = best(backend);
      if (!x) {
        targets.push([`${backend} ≥ ${want}x faster than ml-matrix`, 'not measured (no native solver in this build)', 'n/a', 'n/a']);
        continue;
      }
      targets.push([
        `backend '${backend}' ≥ ${want}x faster than ml-matrix (best of 'qr' and 'auto': '${x.methodAsked}', ran ${x.method})`,
        `${time(x.medianNs)} vs ${time(f.ml.medianNs)}`,
        ratio(x.speedupVsMl),
        check(x.speedupVsMl >= want),
      ]);
    }
    out.push(table(['target', 'measured (median)', 'ml-matrix time / sketchmax time', 'verdict'], targets), '');
  }
  const detail = rows.map((x) => [
    `sketchmax backend '${x.backend}', method '${x.methodAsked}'`,
    x.method,
    time(x.medianNs),
    f.ml.skipped ? 'n/a' : ratio(x.speedupVsMl),
    f.ml.skipped ? 'n/a' : sci(x.relDiffToMl),
  ]);
  if (!f.ml.skipped) detail.unshift([`ml-matrix ${f.ml.version}: ${f.ml.call}`, 'Householder QR', time(f.ml.medianNs), '1x', '0']);
  out.push(
    table(['solver', 'ran', 'time (median)', 'speed-up vs ml-matrix', '‖x − x_ml‖/‖x_ml‖'], detail),
    '',
    `${f.rounds} rounds. ml-matrix's Matrix of A and b is built outside the timed region (its QR still copies A, as any call does).`,
  );
  return out.join('\n');
}

// ---------- figure 4 ----------

function sketchFigure(s) {
  const title = `## Figure 4. Sketch application S·A on ${s.skipped ? '' : shape(s.n, s.d)} Gaussian A`;
  if (s.skipped) return [title, '', `Skipped: ${s.skipped}`].join('\n');
  const label = (x) => `${x.kind}${x.nnzPerColumn ? ` (${x.nnzPerColumn} nnz/col)` : ''}, m = ${x.rows.toLocaleString('en-US')} (${x.rows / s.d}d)`;
  const targets = s.results
    .filter((x) => x.target)
    .map((x) => [`${label(x)}: ≥ 0.5 of the read floor's speed`, time(x.medianNs), num(x.fractionOfRead), check(x.fractionOfRead >= 0.5)]);
  const detail = s.results.map((x) => [
    label(x),
    time(x.medianNs),
    num(s.bytes / x.medianNs),
    num(x.fractionOfRead),
    x.t1MedianNs ? time(x.t1MedianNs) : 'n/a',
    x.t1OverT ? ratio(x.t1OverT) : 'n/a',
  ]);
  const floors = s.floors.map((f) => [f.label, time(f.medianNs), num(f.gbps)]);
  if (s.floor) floors.push(['**floor: in each round, the fastest pass**', time(s.floor.medianNs), num(s.floor.gbps)]);
  return [
    title,
    '',
    `sketchmax ${s.sketchSource}, backend ${s.backend}${s.isa ? ` (${s.isa})` : ''}, threads ${s.threads} unless stated. A is ${num(s.bytes / 2 ** 20)} MiB.`,
    '',
    ...(s.notes || []).flatMap((x) => [`**Note:** ${x}`, '']),
    table(['target', 'time (median)', 'speed / read floor', 'verdict'], targets),
    '',
    table(['sketch', `time (threads ${s.threads})`, 'GB/s of A', 'speed / read floor', 'time (threads 1)', `threads-1 time / threads-${s.threads} time`], detail),
    '',
    '### Read floor',
    '',
    table(['pass', 'time (median)', 'GB/s'], floors),
    '',
    'Each pass reads all of A at least once, so each bounds the time of one streaming read from above; the native',
    "scan is exactly one read on every core. The floor of a round is the fastest pass in that round, and 'speed /",
    `read floor' is the median over rounds of floor time / sketch time. ${s.rounds} rounds`,
    `(SRHT and Gaussian: ${s.slowRounds}${s.slowWarmup ? '' : ' without a warm-up call'}, with the read passes sampled among them for their own floor).`,
  ].join('\n');
}

// ---------- figure 5 ----------

function accuracyFigure(a) {
  const title = '## Figure 5. Accuracy at size';
  if (a.skipped) return [title, '', `Skipped: ${a.skipped}`].join('\n');
  const hasNp = !a.numpy.skipped;
  const out = [
    title,
    '',
    `Problems A = U·diag(σ)·Vᵀ (U, V orthonormal; max |UᵀU − I| = ${sci(a.orthoError)}), σ log-spaced from 1 to 1/κ,`,
    'x a unit vector, b = A·x + ρ·u with u ⟂ range(A): x is the exact least-squares solution, ‖r*‖ = ρ.',
    `Forward error ‖x̂ − x‖/‖x‖. sketchmax: 'sketch-precondition' with defaults, backend ${a.backend}.` +
      (hasNp ? '' : ` numpy skipped: ${a.numpy.skipped}.`),
    '',
    "The issue gives no numeric target here; the bench's criteria: forward error ≤ 10x numpy's and residual ≤ 1.01x numpy's,",
    'numpy meaning `lstsq(A, b, rcond=-1)` (cut-off at machine precision: the unregularized problem sketchmax solves). numpy\'s',
    'default rcond (eps·max(n, d)) treats σ < 2.2e-16·n as zero, i.e. truncates κ = 1e12 problems at these n: its errors are shown too.',
    '',
  ];
  const rows = a.kappa.map((k) => [
    `κ = ${sci(k.kappa)}, ρ = ${sci(k.rho)}`,
    `${k.method}, ${k.iterations} it.${k.converged ? '' : ' (not converged)'}`,
    sci(k.forwardError),
    hasNp ? sci(k.numpyForwardError) : 'n/a',
    hasNp ? sci(k.numpyDefaultForwardError) : 'n/a',
    hasNp ? ratio(k.forwardErrorRatio) : 'n/a',
    hasNp ? sci(k.relDiffToNumpy) : 'n/a',
    hasNp ? k.residualRatio.toFixed(9) : 'n/a',
    hasNp ? check(k.forwardErrorRatio <= 10 && k.residualRatio <= 1.01) : 'n/a',
  ]);
  out.push(
    `### Conditioning sweep, ${shape(a.kappaShape.n, a.kappaShape.d)}`,
    '',
    table(['problem', 'sketchmax ran', 'forward error', 'numpy (rcond=-1)', 'numpy (default rcond)', 'error / numpy\'s', '‖x − x_np‖/‖x_np‖', '‖r‖ / ‖r_np‖', 'verdict'], rows),
  );
  const L = a.linf;
  out.push(
    '',
    `### ℓ∞ mode, ${shape(L.n, L.d)}, ε = ${L.epsilon}, δ = 0.05 (κ = ${L.kappa}, ρ = ${L.rho})`,
    '',
    `guarantee 'linf' ran ${L.method} with ${L.sketchRows} sketch rows. Ratio = ‖x̂ − x*‖∞ / (ε·‖r*‖·‖A⁺‖/√d) over ${L.runs.length} sketch seeds; ≤ 1 is within the guarantee.`,
    '',
    table(
      ['target', 'measured', 'ratio', 'verdict'],
      [
        [`ℓ∞ error within the guarantee for ≥ 95% of seeds`, `${L.withinEpsilon}/${L.runs.length} within`, `max ${num(L.maxRatio)}, median ${num(L.medianRatio)}`, check(L.withinEpsilon >= 0.95 * L.runs.length)],
      ],
    ),
  );
  return out.join('\n');
}

// ---------- summary ----------

function summary(r) {
  const rows = [];
  const add = (fig, what, measured, ok) => rows.push([fig, what, measured, check(ok)]);
  for (const b of r.lstsq?.big || []) {
    if (b.skipped || b.numpy.skipped) {
      add(`${b.figure}`, `${shape(b.n, b.d)} vs numpy`, 'skipped', null);
      continue;
    }
    const one = (row) => (row.timeOverNumpy1 ? `; vs numpy 1 thread: ${frac(row.timeOverNumpy1)}` : '');
    add(`${b.figure}`, `${shape(b.n, b.d)} 'sketch-precondition' time ≤ 1/${b.target} numpy (default threads)`, frac(b.rows.spir.timeOverNumpy) + one(b.rows.spir), b.rows.spir.timeOverNumpy <= 1 / b.target);
    if (b.rows.sas) add(`${b.figure}`, `${shape(b.n, b.d)} 'sketch-and-solve' (20d) ≤ 1/15 numpy (default threads)`, frac(b.rows.sas.timeOverNumpy) + one(b.rows.sas), b.rows.sas.timeOverNumpy <= 1 / 15);
  }
  const f = r.lstsq?.ml;
  if (f && !f.skipped && !f.ml.skipped) {
    for (const [backend, want] of [
      ['native', 50],
      ['js', 3],
    ]) {
      const xs = Object.values(f.rows).filter((x) => x.backend === backend);
      if (!xs.length) add('3', `native ≥ ${want}x ml-matrix`, 'not measured', null);
      else {
        const x = xs.reduce((a, y) => (y.speedupVsMl > a.speedupVsMl ? y : a));
        add('3', `${backend} ≥ ${want}x ml-matrix (${x.methodAsked})`, ratio(x.speedupVsMl), x.speedupVsMl >= want);
      }
    }
  }
  const s = r.sketch;
  if (s && !s.skipped) {
    for (const x of s.results.filter((y) => y.target)) {
      add('4', `${x.kind}${x.nnzPerColumn ? `(${x.nnzPerColumn})` : ''} m = ${x.rows / s.d}d ≥ 0.5 read floor`, num(x.fractionOfRead), x.fractionOfRead >= 0.5);
    }
  }
  const a = r.accuracy;
  if (a && !a.skipped) {
    if (!a.numpy.skipped) {
      const worst = a.kappa.reduce((p, k) => (k.forwardErrorRatio > p.forwardErrorRatio ? k : p));
      add('5', `forward error ≤ 10x numpy rcond=-1 (worst: κ = ${sci(worst.kappa)}, ρ = ${sci(worst.rho)})`, ratio(worst.forwardErrorRatio), worst.forwardErrorRatio <= 10);
      const wr = Math.max(...a.kappa.map((k) => k.residualRatio));
      add('5', 'residual ≤ 1.01x numpy (worst)', wr.toFixed(9), wr <= 1.01);
    }
    add('5', `ℓ∞ (ε = ${a.linf.epsilon}) within guarantee, ≥ 95% of seeds`, `${a.linf.withinEpsilon}/${a.linf.runs.length}, max ratio ${num(a.linf.maxRatio)}`, a.linf.withinEpsilon >= 0.95 * a.linf.runs.length);
  }
  return ['## Targets', '', table(['figure', 'target', 'measured', 'verdict'], rows)].join('\n');
}

function lstsqMarkdown(r) {
  const parts = [header(r), summary(r)];
  if (r.lstsq) {
    for (const b of r.lstsq.big) parts.push(bigFigure(b));
    parts.push(mlFigure(r.lstsq.ml));
  }
  if (r.sketch) parts.push(sketchFigure(r.sketch));
  if (r.accuracy) parts.push(accuracyFigure(r.accuracy));
  parts.push(`_Raw numbers: bench-results/${r.base}.json. Generated by \`npm run bench -- ${r.argv.join(' ')}\` in ${num(r.elapsedS)} s._`);
  return parts.join('\n\n') + '\n';
}

module.exports = { lstsqMarkdown };
