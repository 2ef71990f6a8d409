#!/usr/bin/env node
// `npm test`: build dist/ (worker and child-process tests load it), type-check lib and tests, build
// the C API consumer addon (scripts/build-consumer.js), then run every jest suite twice: with the native backend, and with SKETCHMAX_BACKEND=js (the TypeScript
// fallback). Prints one closing line `N passed, N failed` summed over both runs and writes it to
// test-results/jest-summary.json. `--js-only` runs only the second pass.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const results = path.join(root, 'test-results');
const jsOnly = process.argv.includes('--js-only');
fs.mkdirSync(results, { recursive: true });

function run(label, command, args, env) {
  console.log(`\n> ${label}`);
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

const tsc = require.resolve('typescript/bin/tsc');
const jest = require.resolve('jest/bin/jest');
let ok = run('build dist/', process.execPath, [tsc, '-p', 'tsconfig.build.json']);
ok = run('type-check lib/ and test/', process.execPath, [tsc, '-p', 'tsconfig.json']) && ok;
// The consumer addon (test/consumer, C API from C++) from the packed tarball; its jest suite fails
// when this build did (unless no compiler exists at all: then neither addon is built and it skips).
const consumerBuilt = run('build test/consumer against the packed tarball', process.execPath, [path.join(__dirname, 'build-consumer.js')]);
if (!consumerBuilt) console.log('the consumer build failed: test/consumer/consumer.test.ts will report it');

const passes = jsOnly ? [['js', { SKETCHMAX_BACKEND: 'js' }]] : [['native', {}], ['js', { SKETCHMAX_BACKEND: 'js' }]];
let passed = 0;
let failed = 0;
for (const [name, env] of passes) {
  const out = path.join(results, `jest-${name}.json`);
  fs.rmSync(out, { force: true });
  const label = name === 'js' ? 'jest with SKETCHMAX_BACKEND=js' : 'jest';
  ok = run(label, process.execPath, [jest, '--json', `--outputFile=${out}`], env) && ok;
  if (!fs.existsSync(out)) {
    failed += 1; // jest crashed before writing results: count the run itself as a failure
    continue;
  }
  const r = JSON.parse(fs.readFileSync(out, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  console.log(`${name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
}
if (!ok && failed === 0) failed = 1; // a build or type-check failure must not read as green
fs.writeFileSync(path.join(results, 'jest-summary.json'), JSON.stringify({ passed, failed }));
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
