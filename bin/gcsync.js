#!/usr/bin/env node
// Which code `gcsync` runs:
// - a development checkout (the TypeScript sources and tsx are here): the sources through tsx, so a fresh clone works
//   right after `npm ci` with no build, and an edit takes effect without one;
// - a production install (package.json, lockfile, dist/ and production dependencies; no sources, no tsx): the
//   compiled dist/src/cli/main.js that `npm run build` wrote.
// GCSYNC_RUN_COMPILED=1 runs the compiled code in a development checkout too (after `npm run build`).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const sources = join(root, 'src', 'cli', 'main.ts');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');

function tsxInstalled() {
  try {
    require.resolve('tsx/cjs');
    return true;
  } catch {
    return false;
  }
}

if (process.env.GCSYNC_RUN_COMPILED !== '1' && existsSync(sources) && tsxInstalled()) {
  require('tsx/cjs');
  require(sources).main(process.argv);
} else if (existsSync(compiled)) {
  require(compiled).main(process.argv);
} else {
  console.error(
    'gcsync: no code to run: dist/src/cli/main.js is missing (run `npm run build`) and the TypeScript sources ' +
      'or tsx (a development dependency) are not installed.',
  );
  process.exit(1);
}
