#!/usr/bin/env node
// The README's test command: unit tests, then integration tests in band (they share one machine's ports and
// CPU with real servers). Both projects always run; the closing line sums them for CI.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const outDir = join('.cache', 'jest');
mkdirSync(outDir, { recursive: true });
const extra = process.argv.slice(2);
const runs = [
  ['unit', ['--selectProjects', 'unit']],
  ['integration', ['--selectProjects', 'integration', '--runInBand']],
];
let passed = 0;
let failed = 0;
let skipped = 0;
let worst = 0;
for (const [name, args] of runs) {
  const outputFile = join(outDir, `${name}.json`);
  rmSync(outputFile, { force: true });
  const res = spawnSync('npx', ['jest', ...args, '--json', `--outputFile=${outputFile}`, ...extra], {
    stdio: 'inherit',
  });
  if (!existsSync(outputFile)) {
    console.error(`jest (${name}) produced no report (exit ${res.status})`);
    failed += 1;
    worst = 1;
    continue;
  }
  const report = JSON.parse(readFileSync(outputFile, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  // A suite that fails to load counts no test but must still fail the run.
  if (report.numFailedTestSuites > 0 && report.numFailedTests === 0) failed += report.numFailedTestSuites;
  if (res.status !== 0) worst = res.status ?? 1;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : worst);
