#!/usr/bin/env node
// `npm run test:native`: build the kernels and their C++ unit tests with CMake, twice: Release, and
// RelWithDebInfo with AddressSanitizer + UndefinedBehaviorSanitizer; run both with ctest. Writes
// test-results/native-summary.json and prints `N passed, N failed`.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
const jobs = String(Math.max(1, os.cpus().length));

const configs = [
  { name: 'release', flags: ['-DCMAKE_BUILD_TYPE=Release'] },
  { name: 'asan', flags: ['-DCMAKE_BUILD_TYPE=RelWithDebInfo', '-DSKETCHMAX_SANITIZE=ON'] },
];

function sh(command, args) {
  console.log(`> ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status === 0;
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const c of configs) {
  const dir = path.join('build-native', c.name);
  const junit = path.join(results, `ctest-${c.name}.xml`);
  fs.rmSync(junit, { force: true });
  const built = sh('cmake', ['-S', '.', '-B', dir, ...c.flags]) && sh('cmake', ['--build', dir, '-j', jobs]);
  if (!built) {
    failed += 1;
    continue;
  }
  sh('ctest', ['--test-dir', dir, '--output-on-failure', '--output-junit', junit]);
  if (!fs.existsSync(junit)) {
    failed += 1;
    continue;
  }
  const xml = fs.readFileSync(junit, 'utf8');
  for (const m of xml.matchAll(/<testcase [^>]*status="(\w+)"/g)) {
    if (m[1] === 'run') passed += 1;
    else if (m[1] === 'notrun' || m[1] === 'disabled') skipped += 1;
    else failed += 1;
  }
}
fs.writeFileSync(path.join(results, 'native-summary.json'), JSON.stringify({ passed, failed, skipped }));
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
