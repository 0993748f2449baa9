#!/usr/bin/env node
// Runs the TypeScript sources through tsx so a fresh clone works right after `npm ci`;
// the container image runs the compiled `dist/src/cli/main.js` instead.
require('tsx/cjs');
require('../src/cli/main.ts').main(process.argv);
