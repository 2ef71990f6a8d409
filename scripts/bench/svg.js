'use strict';
// Hand-written SVG chart (no dependencies): throughput (log y) against size (log x), one line per
// algorithm x ISA plus each ISA's floor, with cache-size markers so the in/out-of-cache step is visible.
const { parseSize } = require('./machine');
const { sizeLabel } = require('./report');

const W = 960;
const H = 560;
const PLOT = { left: 78, top: 56, right: 700, bottom: 490 }; // legend to the right of the plot

// Colour per algorithm, line style and marker per ISA (best ISA solid).
const COLORS = {
  'three-pass-reload': '#1f77b4',
  'three-pass-recompute': '#ff7f0e',
  'two-pass': '#2ca02c',
  auto: '#9467bd',
  floor: '#555555',
};
const DASHES = ['', '7 4', '2 3'];
const MARKERS = ['circle', 'square', 'triangle'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f = (v) => +v.toFixed(1);

function marker(kind, x, y, color) {
  if (kind === 'square') return `<rect x="${f(x - 3.5)}" y="${f(y - 3.5)}" width="7" height="7" fill="${color}"/>`;
  if (kind === 'triangle') return `<path d="M${f(x)} ${f(y - 4.5)}L${f(x + 4.5)} ${f(y + 3.5)}L${f(x - 4.5)} ${f(y + 3.5)}Z" fill="${color}"/>`;
  return `<circle cx="${f(x)}" cy="${f(y)}" r="3.5" fill="${color}"/>`;
}

/** Y ticks at 1, 2, 5 x 10^k inside [lo, hi]. */
function yTicks(lo, hi) {
  const ticks = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

function tickLabel(v) {
  return v >= 1 ? String(+v.toPrecision(3)) : String(+v.toPrecision(2));
}

/** Series from the throughput results: [{label, color, dash, marker, points: [[n, geps]]}]. */
function series(tp) {
  const isas = Object.keys(tp.thresholds);
  const out = [];
  isas.forEach((isa, k) => {
    for (const alg of Object.keys(COLORS)) {
      const points = tp.sizes
        .map((n) => [n, tp.results.find((x) => x.n === n && x.isa === isa && x.algorithm === alg)])
        .filter(([, x]) => x)
        .map(([n, x]) => [n, x.geps]);
      if (points.length) out.push({ label: `${isa} ${alg}`, color: COLORS[alg], dash: DASHES[k % 3], marker: MARKERS[k % 3], floor: alg === 'floor', points });
    }
  });
  return out;
}

/** Vertical lines where input + output (8 bytes per f32 element) reach L2 and L3. */
function cacheMarkers(machine, sx, xMin, xMax) {
  const lines = [];
  for (const c of machine.caches.filter((c) => c.type !== 'Instruction' && c.level >= 2)) {
    const bytes = parseSize(c.size);
    if (!bytes) continue;
    const n = bytes / 8;
    if (n < xMin || n > xMax) continue;
    const x = sx(n);
    lines.push(
      `<line x1="${f(x)}" y1="${PLOT.top}" x2="${f(x)}" y2="${PLOT.bottom}" stroke="#999" stroke-dasharray="3 3"/>`,
      `<text x="${f(x + 4)}" y="${PLOT.top + 14}" font-size="11" fill="#777">in+out = L${c.level} (${bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes / 1024} KiB`})</text>`,
    );
  }
  return lines;
}

function chart(results) {
  const tp = results.throughput;
  const m = results.machine;
  if (tp.skipped) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="120"><text x="20" y="60" font-family="sans-serif">sketchmax softmax throughput: skipped (${esc(tp.skipped)})</text></svg>\n`;
  }
  const all = series(tp);
  const xs = tp.sizes;
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const ys = all.flatMap((s) => s.points.map((p) => p[1]));
  // Round the y range out to half decades so the extremes do not sit on the frame.
  const yMin = 10 ** (Math.floor(Math.log10(Math.min(...ys)) * 2) / 2);
  const yHi = 10 ** (Math.ceil(Math.log10(Math.max(...ys)) * 2) / 2);
  const lx = (v) => Math.log2(v);
  const sx = (n) => PLOT.left + ((lx(n) - lx(xMin)) / (lx(xMax) - lx(xMin) || 1)) * (PLOT.right - PLOT.left);
  const sy = (v) => PLOT.bottom - ((Math.log10(v) - Math.log10(yMin)) / (Math.log10(yHi) - Math.log10(yMin))) * (PLOT.bottom - PLOT.top);

  const el = [];
  el.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  el.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">sketchmax softmax throughput, float32, 1 thread — ${esc(m.cpu)}</text>`);
  el.push(`<text x="${W / 2}" y="42" text-anchor="middle" font-size="11" fill="#555">${esc(`Node ${m.node}, ${m.cores} cores, median of repeated runs, ${m.date.slice(0, 10)}${results.quick ? ' (--quick)' : ''}`)}</text>`);
  // grid and axes
  for (const v of yTicks(yMin, yHi)) {
    const y = sy(v);
    el.push(`<line x1="${PLOT.left}" y1="${f(y)}" x2="${PLOT.right}" y2="${f(y)}" stroke="#e6e6e6"/>`);
    el.push(`<text x="${PLOT.left - 6}" y="${f(y + 4)}" text-anchor="end" font-size="11">${tickLabel(v)}</text>`);
  }
  for (const n of xs) {
    const x = sx(n);
    el.push(`<line x1="${f(x)}" y1="${PLOT.top}" x2="${f(x)}" y2="${PLOT.bottom}" stroke="#f0f0f0"/>`);
    el.push(`<text x="${f(x)}" y="${PLOT.bottom + 16}" text-anchor="middle" font-size="11">${sizeLabel(n)}</text>`);
  }
  el.push(...cacheMarkers(m, sx, xMin, xMax));
  el.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#333"/>`);
  el.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 38}" text-anchor="middle" font-size="13">row length (elements, log scale; one row)</text>`);
  el.push(`<text transform="translate(20 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="13">throughput (G elements/s, log scale)</text>`);
  // lines
  for (const s of all) {
    const d = s.points.map(([n, v], i) => `${i ? 'L' : 'M'}${f(sx(n))} ${f(sy(v))}`).join('');
    const width = s.floor ? 1.5 : 2;
    el.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const [n, v] of s.points) el.push(marker(s.marker, sx(n), sy(v), s.color));
  }
  // legend
  const lx0 = PLOT.right + 18;
  el.push(`<text x="${lx0}" y="${PLOT.top + 4}" font-size="12" font-weight="bold">ISA / algorithm</text>`);
  all.forEach((s, i) => {
    const y = PLOT.top + 24 + i * 19;
    el.push(`<line x1="${lx0}" y1="${y}" x2="${lx0 + 30}" y2="${y}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    el.push(marker(s.marker, lx0 + 15, y, s.color));
    el.push(`<text x="${lx0 + 38}" y="${y + 4}" font-size="12">${esc(s.floor ? `${s.label} (bandwidth)` : s.label)}</text>`);
  });
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`, ...el, '</svg>', ''].join('\n');
}

module.exports = { chart };

// ---------- generic log-log line chart (sampling bench, issue 5) ----------

const PALETTE = ['#7f7f7f', '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

/** Ticks for a log axis: 1, 2, 5 × 10^k inside [lo, hi] (all decades when the range is wide). */
function logTicks(lo, hi) {
  const t = yTicks(lo, hi);
  return t.length > 12 ? t.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9) : t;
}

/**
 * A line chart with log x and log y axes (no dependencies). opts: {title, subtitle, xLabel, yLabel,
 * series: [{label, color?, dash?, points: [[x, y], ...]}], hLines?: [{y, label}], xTicks?: number[],
 * xTickLabel?: (x) => string}. Points with y <= 0 or non-finite are dropped (log axis).
 */
function lineChart(opts) {
  const all = opts.series
    .map((s, i) => ({ ...s, color: s.color || PALETTE[i % PALETTE.length], marker: s.marker || MARKERS[i % 3], points: s.points.filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y)) }))
    .filter((s) => s.points.length);
  const xs = all.flatMap((s) => s.points.map((p) => p[0]));
  const ys = all.flatMap((s) => s.points.map((p) => p[1])).concat((opts.hLines || []).map((h) => h.y));
  if (!xs.length) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="120"><text x="20" y="60" font-family="sans-serif">${esc(opts.title)}: no data</text></svg>\n`;
  }
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMin = 10 ** (Math.floor(Math.log10(Math.min(...ys)) * 2) / 2);
  const yHi = 10 ** (Math.ceil(Math.log10(Math.max(...ys)) * 2) / 2);
  const sx = (v) => PLOT.left + ((Math.log(v) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin) || 1)) * (PLOT.right - PLOT.left);
  const sy = (v) => PLOT.bottom - ((Math.log10(v) - Math.log10(yMin)) / (Math.log10(yHi) - Math.log10(yMin) || 1)) * (PLOT.bottom - PLOT.top);
  const el = [`<rect width="${W}" height="${H}" fill="#fff"/>`];
  el.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${esc(opts.title)}</text>`);
  if (opts.subtitle) el.push(`<text x="${W / 2}" y="42" text-anchor="middle" font-size="11" fill="#555">${esc(opts.subtitle)}</text>`);
  for (const v of logTicks(yMin, yHi)) {
    const y = sy(v);
    el.push(`<line x1="${PLOT.left}" y1="${f(y)}" x2="${PLOT.right}" y2="${f(y)}" stroke="#e6e6e6"/>`);
    el.push(`<text x="${PLOT.left - 6}" y="${f(y + 4)}" text-anchor="end" font-size="11">${tickLabel(v)}</text>`);
  }
  const xt = opts.xTicks || [...new Set(xs)].sort((a, b) => a - b);
  for (const v of xt) {
    const x = sx(v);
    el.push(`<line x1="${f(x)}" y1="${PLOT.top}" x2="${f(x)}" y2="${PLOT.bottom}" stroke="#f0f0f0"/>`);
    el.push(`<text x="${f(x)}" y="${PLOT.bottom + 16}" text-anchor="middle" font-size="11">${esc(opts.xTickLabel ? opts.xTickLabel(v) : String(+v.toPrecision(4)))}</text>`);
  }
  for (const h of opts.hLines || []) {
    const y = sy(h.y);
    el.push(`<line x1="${PLOT.left}" y1="${f(y)}" x2="${PLOT.right}" y2="${f(y)}" stroke="#d62728" stroke-dasharray="5 4"/>`);
    if (h.label) el.push(`<text x="${PLOT.right - 4}" y="${f(y - 4)}" text-anchor="end" font-size="11" fill="#d62728">${esc(h.label)}</text>`);
  }
  el.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#333"/>`);
  el.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 38}" text-anchor="middle" font-size="13">${esc(opts.xLabel)}</text>`);
  el.push(`<text transform="translate(20 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="13">${esc(opts.yLabel)}</text>`);
  for (const s of all) {
    const d = s.points.map(([x, y], i) => `${i ? 'L' : 'M'}${f(sx(x))} ${f(sy(y))}`).join('');
    el.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const [x, y] of s.points) el.push(marker(s.marker, sx(x), sy(y), s.color));
  }
  const lx0 = PLOT.right + 18;
  el.push(`<text x="${lx0}" y="${PLOT.top + 4}" font-size="12" font-weight="bold">${esc(opts.legendTitle || 'scheme')}</text>`);
  all.forEach((s, i) => {
    const y = PLOT.top + 24 + i * 19;
    el.push(`<line x1="${lx0}" y1="${y}" x2="${lx0 + 30}" y2="${y}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    el.push(marker(s.marker, lx0 + 15, y, s.color));
    el.push(`<text x="${lx0 + 38}" y="${y + 4}" font-size="12">${esc(s.label)}</text>`);
  });
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`, ...el, '</svg>', ''].join('\n');
}

module.exports.lineChart = lineChart;
