#!/usr/bin/env node
// Run in a production install (the image's build stage, after `npm prune --omit=dev`): @temporalio/core-bridge
// ships its native core prebuilt for five platforms (about 137 MB); only this machine's is ever loaded, so the
// others are deleted. The target name comes from the SDK's own lookup (common.js), so what stays is what it loads.
import { readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));
const common = require('@temporalio/core-bridge/common');
const keep = common.getPrebuiltTargetName();
common.getPrebuiltPath(); // throws when this platform's binary is missing: never delete the one that is needed
const releases = join(dirname(require.resolve('@temporalio/core-bridge/package.json')), 'releases');
for (const target of readdirSync(releases)) {
  if (target === keep) continue;
  rmSync(join(releases, target), { recursive: true, force: true });
  console.log(`removed ${join(releases, target)}`);
}
console.log(`kept ${join(releases, keep)}`);
