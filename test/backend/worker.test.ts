// The addon loads and works in worker_threads, with its ISA choice per environment (Node-API
// instance data): two workers select different ISAs, wait until both have, then compute; each
// reports its own ISA and results matching this thread's. Runs in js mode too (workers report 'js').
// Workers load dist/sketchmax.js (built by `npx tsc -p tsconfig.build.json`; `npm test` builds it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

import { info, logSoftmax, softmax, softmaxAsync } from '../../lib/sketchmax';
import type { Info, IsaName } from '../../lib/sketchmax';
import { bestIsa, describeNative, hasNative, quietSetIsa, restoreBestIsa } from '../helpers/backends';
import { checkLogSoftmax, checkSameBits, checkSoftmax } from '../helpers/compare';
import { Rng, seedOf, uniformArray } from '../helpers/prng';
import { reference } from '../helpers/reference';

const DIST = path.resolve(__dirname, '../../dist/sketchmax.js');

const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const s = require(workerData.dist);
const effective = workerData.isa === null ? null : s.setIsa(workerData.isa);
parentPort.postMessage({ stage: 'ready', effective, info: s.info() });
parentPort.once('message', async () => {
  try {
    const { x32, x64 } = workerData;
    const y32 = s.softmax(x32, { algorithm: 'three-pass-recompute' });
    const y64 = s.softmax(x64);
    const log32 = s.logSoftmax(x32);
    const async32 = await s.softmaxAsync(x32, { rows: 4 });
    parentPort.postMessage({ stage: 'done', info: s.info(), y32, y64, log32, async32 });
  } catch (e) {
    parentPort.postMessage({ stage: 'error', message: String(e && e.stack || e) });
  }
});
`;

interface Ready {
  stage: 'ready';
  effective: IsaName | null;
  info: Info;
}
interface Done {
  stage: 'done';
  info: Info;
  y32: Float32Array;
  y64: Float64Array;
  log32: Float32Array;
  async32: Float32Array;
}

const rng = new Rng(seedOf('worker'));
const x32 = uniformArray('f32', 4 * 1000, -10, 10, rng) as Float32Array;
const x64 = uniformArray('f64', 777, -300, 300, rng) as Float64Array;

function start(isa: IsaName | null): { worker: Worker; messages: Array<Ready | Done | { stage: 'error'; message: string }>; next: () => Promise<unknown>; exit: Promise<number> } {
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { dist: DIST, isa, x32, x64 }, env: { ...process.env } });
  const messages: Array<Ready | Done | { stage: 'error'; message: string }> = [];
  const waiting: Array<(m: unknown) => void> = [];
  worker.on('message', (m: Ready | Done) => {
    const w = waiting.shift();
    if (w) w(m);
    else messages.push(m);
  });
  const exit = new Promise<number>((resolve, reject) => {
    worker.once('exit', resolve);
    worker.once('error', reject);
  });
  const next = (): Promise<unknown> =>
    messages.length > 0
      ? Promise.resolve(messages.shift())
      : Promise.race([new Promise((resolve) => waiting.push(resolve)), exit.then((code) => Promise.reject(new Error(`worker exited (${code}) before replying`)))]);
  return { worker, messages, next, exit };
}

describe('worker_threads', () => {
  beforeAll(() => {
    if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npx tsc -p tsconfig.build.json\` first`);
  });
  afterAll(restoreBestIsa);

  test(`two workers with different ISAs (${hasNative ? `'scalar' and '${bestIsa}'` : 'js mode'}) each keep their own and compute the right values`, async () => {
    const mainBefore = info();
    const isas: Array<IsaName | null> = hasNative ? ['scalar', bestIsa] : ['scalar', 'avx2'];
    const workers = isas.map((isa) => start(isa));
    // Both select their ISA before either computes.
    const ready = (await Promise.all(workers.map((w) => w.next()))) as Ready[];
    workers.forEach((w) => w.worker.postMessage('go'));
    const done = (await Promise.all(workers.map((w) => w.next()))) as Array<Done | { stage: 'error'; message: string }>;
    const codes = await Promise.all(workers.map((w) => w.exit));
    expect(codes).toEqual([0, 0]);
    for (const d of done) expect(d.stage === 'error' ? d.message : d.stage).toBe('done');

    // This thread's ISA is not affected by the workers' setIsa.
    expect(info()).toEqual(mainBefore);

    const ref32 = reference(x32, 1, 'f32');
    const ref32rows = reference(x32, 4, 'f32', { log: false });
    const ref64 = reference(x64, 1, 'f64', { log: false });
    for (let k = 0; k < workers.length; k++) {
      const r = ready[k];
      const d = done[k] as Done;
      const want = hasNative ? isas[k] : null;
      expect(r.effective).toBe(want);
      expect(r.info).toMatchObject({ backend: hasNative ? 'native' : 'js', isa: want });
      expect(d.info).toMatchObject({ backend: hasNative ? 'native' : 'js', isa: want, requestedIsa: isas[k] });
      if (!hasNative) expect(d.info.loadError).toBe(mainBefore.loadError);
      const label = `worker ${k} (${want ?? 'js'})`;
      expect(checkSoftmax({ label: `${label} softmax f32`, x: x32, got: d.y32, ref: ref32.soft!, rows: 1, dtype: 'f32' })).toEqual([]);
      expect(checkLogSoftmax({ label: `${label} logSoftmax f32`, x: x32, got: d.log32, ref: ref32.log!, rows: 1, dtype: 'f32' })).toEqual([]);
      expect(checkSoftmax({ label: `${label} softmax f64`, x: x64, got: d.y64, ref: ref64.soft!, rows: 1, dtype: 'f64' })).toEqual([]);
      expect(checkSoftmax({ label: `${label} softmaxAsync f32 4 rows`, x: x32, got: d.async32, ref: ref32rows.soft!, rows: 4, dtype: 'f32' })).toEqual([]);
      // The same kernels on this thread give the same bits.
      if (want !== null) expect(quietSetIsa(want)).toBe(want);
      expect(checkSameBits(`${label} vs main softmax f32`, d.y32, softmax(x32, { algorithm: 'three-pass-recompute' }))).toEqual([]);
      expect(checkSameBits(`${label} vs main softmax f64`, d.y64, softmax(x64))).toEqual([]);
      expect(checkSameBits(`${label} vs main logSoftmax f32`, d.log32, logSoftmax(x32))).toEqual([]);
      expect(checkSameBits(`${label} vs main softmaxAsync f32`, d.async32, await softmaxAsync(x32, { rows: 4 }))).toEqual([]);
      restoreBestIsa();
    }
  });

  describeNative('terminating a worker', () => {
    test('while its native softmaxAsync runs on the pool: the worker ends, this thread keeps working', async () => {
      const code = `
        const { parentPort, workerData } = require('node:worker_threads');
        const s = require(workerData.dist);
        const x = new Float32Array(1 << 24).fill(1);
        for (let k = 0; k < 4; k++) s.softmaxAsync(x).then(() => parentPort.postMessage('resolved'));
        parentPort.postMessage('started');
      `;
      const worker = new Worker(code, { eval: true, workerData: { dist: DIST }, env: { ...process.env } });
      const exit = new Promise<number>((resolve, reject) => {
        worker.once('exit', resolve);
        worker.once('error', reject);
      });
      await new Promise<void>((resolve) => worker.once('message', () => resolve()));
      await worker.terminate();
      expect(typeof (await exit)).toBe('number');
      // The pool and this thread's addon state are fine afterwards.
      const x = uniformArray('f32', 1 << 16, -10, 10, new Rng(5)) as Float32Array;
      const ref = reference(x, 1, 'f32', { log: false }).soft!;
      expect(checkSoftmax({ label: 'after terminate, async', x, got: await softmaxAsync(x), ref, rows: 1, dtype: 'f32' })).toEqual([]);
      expect(checkSoftmax({ label: 'after terminate, sync', x, got: softmax(x), ref, rows: 1, dtype: 'f32' })).toEqual([]);
    });

    test('workers started and ended one after another load the addon each time', async () => {
      for (let k = 0; k < 3; k++) {
        const w = start(k % 2 === 0 ? 'scalar' : bestIsa);
        const r = (await w.next()) as Ready;
        expect(r.info.backend).toBe('native');
        w.worker.postMessage('go');
        const d = (await w.next()) as Done;
        expect(d.stage).toBe('done');
        expect(await w.exit).toBe(0);
      }
    });
  });
});
