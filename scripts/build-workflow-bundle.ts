/**
 * Second step of `npm run build`: bundles the compiled workflows (dist/workflows) into dist/workflow-bundle.js,
 * which the production worker loads instead of running webpack at every start (src/worker/workflow-bundle.ts).
 * Bundling the compiled JavaScript, not the sources, keeps the bundle equal to the code the image ships.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { PREBUILT_BUNDLE_FILE } from '../src/worker/workflow-bundle';

async function main(): Promise<void> {
  const dist = resolve(__dirname, '..', 'dist');
  const { code } = await bundleWorkflowCode({
    workflowsPath: resolve(dist, 'workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const out = resolve(dist, PREBUILT_BUNDLE_FILE);
  await writeFile(out, code);
  console.log(`workflow bundle: ${out} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(`workflow bundle: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
