'use strict';
// Least-squares peers: numpy.linalg.lstsq in a persistent python3 child (so its samples interleave
// with sketchmax's, round by round, on the same data) and ml-matrix's QR solve in this process.
// Either is skipped, with the reason, when it is not available.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

// The child: reads one JSON command per line, answers one JSON line. The data arrive as raw
// little-endian float64 files written by Node (numpy.fromfile), so both sides solve the same numbers;
// 'solve' times only the numpy.linalg.lstsq call. numpy keeps its default threads (OpenBLAS: all cores).
const PYTHON = String.raw`
import json, os, sys, time
def say(o):
    sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()
try:
    import numpy as np
except Exception as e:
    say({"skipped": "numpy is not importable: %s" % e}); sys.exit(0)
info = {"python": sys.version.split()[0], "numpy": np.__version__, "cpus": os.cpu_count(),
        "env": {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ}}
try:
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    info["blas"] = "%s %s" % (blas.get("name"), blas.get("version"))
except Exception:
    info["blas"] = None
try:
    from threadpoolctl import threadpool_info
    info["blasThreads"] = [p.get("num_threads") for p in threadpool_info()]
except Exception:
    pass
say({"ready": True, "info": info})
A = b = None
for line in sys.stdin:
    cmd = json.loads(line)
    try:
        op = cmd["op"]
        if op == "load":
            A = b = None
            A = np.fromfile(cmd["A"], dtype="<f8").reshape(cmd["rows"], cmd["cols"])
            b = np.fromfile(cmd["b"], dtype="<f8")
            say({"ok": True})
        elif op == "solve":
            rcond = cmd.get("rcond")
            t0 = time.perf_counter_ns()
            x = np.linalg.lstsq(A, b, rcond=rcond)[0]
            t = time.perf_counter_ns() - t0
            say({"ns": t, "x": x.tolist() if cmd.get("x") else None})
        elif op == "free":
            A = b = None
            say({"ok": True})
        elif op == "quit":
            say({"ok": True}); break
        else:
            say({"error": "unknown op %s" % op})
    except Exception as e:
        say({"error": "%s: %s" % (type(e).__name__, e)})
`;

const tempFiles = new Set();
function removeTemp(file) {
  try {
    fs.unlinkSync(file);
  } catch {
    /* already gone */
  }
  tempFiles.delete(file);
}
process.on('exit', () => {
  for (const f of [...tempFiles]) removeTemp(f);
});

function writeF64(file, arr) {
  tempFiles.add(file);
  fs.writeFileSync(file, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
}

/**
 * Writes A and b to temp files, lets every started numpy child in `nps` load them, and deletes the
 * files. Resolves to one answer per child ({ok} or {error}).
 */
async function loadNumpy(nps, A, b) {
  const tag = `sketchmax-bench-${process.pid}-${Date.now()}`;
  const fa = path.join(os.tmpdir(), `${tag}-A.f64`);
  const fb = path.join(os.tmpdir(), `${tag}-b.f64`);
  try {
    writeF64(fa, A.data);
    writeF64(fb, b);
    const answers = [];
    for (const np of nps) answers.push(np.skipped ? { error: np.skipped } : await np.loadFiles(fa, fb, A.rows, A.cols));
    return answers;
  } finally {
    removeTemp(fa);
    removeTemp(fb);
  }
}

/**
 * Starts a python3 child. Resolves to a handle {info, threads, load(A, b), solve({x, rcond}), free(),
 * close()} or, when python3 or numpy is missing, to {skipped, close()}. threads: null for numpy's
 * default (OpenBLAS: every core), or a count set through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS.
 */
function startNumpy(progress, threads = null) {
  return new Promise((resolve) => {
    let child;
    const env = { ...process.env };
    if (threads) {
      for (const k of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) env[k] = String(threads);
    }
    try {
      child = spawn('python3', ['-c', PYTHON], { stdio: ['pipe', 'pipe', 'pipe'], env });
    } catch (e) {
      resolve({ skipped: `python3 could not be run (${e.message})`, close: async () => {} });
      return;
    }
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-2000);
    });
    const waiting = [];
    let dead = null;
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        msg = { error: `python3 printed: ${line.slice(0, 200)}` };
      }
      const w = waiting.shift();
      if (w) w(msg);
    });
    const onDeath = (why) => {
      if (dead) return;
      dead = why;
      while (waiting.length) waiting.shift()({ error: why });
    };
    child.on('error', (e) => onDeath(`python3 could not be run (${e.code || e.message})`));
    child.on('exit', (code, signal) => onDeath(`python3 exited (${signal || `code ${code}`}): ${stderr.trim().split('\n').pop() || ''}`));
    const request = (cmd) =>
      new Promise((res) => {
        if (dead) return res({ error: dead });
        waiting.push(res);
        if (cmd) child.stdin.write(JSON.stringify(cmd) + '\n');
      });
    const close = async () => {
      if (!dead) {
        await request({ op: 'quit' });
        child.stdin.end();
      }
    };
    request(null).then((hello) => {
      if (!hello.ready) {
        if (!dead) child.kill();
        resolve({ skipped: hello.skipped || hello.error || 'python3 did not start', close: async () => {} });
        return;
      }
      progress(`numpy ${hello.info.numpy} (python ${hello.info.python}, ${hello.info.blas || 'unknown BLAS'}, threads ${threads || 'default'}) ready`);
      const handle = {
        info: { ...hello.info, threads: threads || 'default' },
        threads,
        loadFiles: (fa, fb, rows, cols) => request({ op: 'load', A: fa, b: fb, rows, cols }),
        /** Writes A and b to temp files, has numpy load them, and deletes the files. */
        load: async (A, b) => (await loadNumpy([handle], A, b))[0],
        /** rcond: undefined/null for numpy's default (eps·max(n, d)), -1 for machine precision. */
        solve: (o = {}) => request({ op: 'solve', x: !!o.x, rcond: o.rcond ?? null }),
        free: () => request({ op: 'free' }),
        close,
      };
      resolve(handle);
    });
  });
}

/** ml-matrix, when installed (an optional devDependency). */
function loadMlMatrix() {
  let ml;
  try {
    ml = require('ml-matrix');
  } catch (e) {
    return { skipped: `ml-matrix is not installed (${e.message.split('\n')[0]}); \`npm install --save-dev ml-matrix\`` };
  }
  let version = 'unknown';
  try {
    // Its package.json is not in its "exports": read the file.
    const main = require.resolve('ml-matrix');
    let dir = path.dirname(main);
    while (!fs.existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
    version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    /* keep 'unknown' */
  }
  return { Matrix: ml.Matrix, QrDecomposition: ml.QrDecomposition, version };
}

module.exports = { startNumpy, loadNumpy, loadMlMatrix };
