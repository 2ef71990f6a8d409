#!/usr/bin/env node
// `npm install` hook: build the addon with node-gyp. A failed build must not fail the install: it
// warns, and every function runs on the TypeScript backend (info().loadError says why).
'use strict';
const { spawnSync } = require('node:child_process');

if (process.env.SKETCHMAX_SKIP_BUILD === '1') {
  console.warn('sketchmax: SKETCHMAX_SKIP_BUILD=1, not building the native addon (TypeScript backend only).');
  process.exit(0);
}

// npm passes the path of its bundled node-gyp; fall back to one on PATH.
const bundled = process.env.npm_config_node_gyp;
const [command, args] = bundled
  ? [process.execPath, [bundled, 'rebuild', '--jobs=max']]
  : ['node-gyp', ['rebuild', '--jobs=max']];
const result = spawnSync(command, args, { stdio: 'inherit', shell: !bundled && process.platform === 'win32' });

if (result.status !== 0) {
  const why = result.error ? result.error.message : `node-gyp exited with ${result.status ?? result.signal}`;
  console.warn(
    `\nsketchmax: the native addon was not built (${why}).\n` +
      'sketchmax still works: every function runs on its TypeScript backend, which is slower.\n' +
      'To build the addon install python3, make and a C++17 compiler, then run `npm rebuild sketchmax`.\n',
  );
}
process.exit(0);
