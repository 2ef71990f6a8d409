#!/usr/bin/env node
// Builds test/consumer (a separate addon that calls sketchmax's C API from C++) the way a user's
// package would: `npm pack` this package, then `npm install --offline` in test/consumer, which
// installs the tarball and node-addon-api (from this checkout, no network) and runs the consumer's
// own `node-gyp rebuild` against require('sketchmax/native').gyp. The tarball's own addon build is
// skipped (SKETCHMAX_SKIP_BUILD=1): the consumer compiles the kernels itself. Run by `npm test`
// before jest; test/consumer/consumer.test.ts loads the result. Writes
// test-results/consumer-build.json ({ ok, seconds }).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const dir = path.join(root, 'test', 'consumer');
const pack = path.join(root, 'build-consumer');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const start = Date.now();

function sh(args, cwd, env = {}) {
  console.log(`> (${path.relative(root, cwd) || '.'}) npm ${args.join(' ')}`);
  const r = spawnSync(npm, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' });
  return r.status === 0;
}

fs.rmSync(pack, { recursive: true, force: true });
fs.mkdirSync(pack, { recursive: true });
for (const x of ['node_modules', 'build']) fs.rmSync(path.join(dir, x), { recursive: true, force: true });
let ok = sh(['pack', '--ignore-scripts', '--pack-destination', pack, '--silent'], root);
if (ok) {
  const tgz = fs.readdirSync(pack).find((f) => f.endsWith('.tgz'));
  ok = Boolean(tgz);
  if (ok) fs.renameSync(path.join(pack, tgz), path.join(pack, 'sketchmax.tgz'));
}
ok = ok && sh(['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--foreground-scripts'], dir, { SKETCHMAX_SKIP_BUILD: '1' });
ok = ok && fs.existsSync(path.join(dir, 'build', 'Release', 'consumer.node'));
const seconds = Math.round((Date.now() - start) / 1000);
fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
fs.writeFileSync(path.join(root, 'test-results', 'consumer-build.json'), JSON.stringify({ ok, seconds }));
console.log(ok ? `consumer addon built in ${seconds} s` : 'consumer addon build FAILED');
process.exit(ok ? 0 : 1);
