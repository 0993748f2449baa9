/**
 * Which workflow code a worker runs: the bundle `npm run build` wrote next to the compiled code (production), or a
 * bundle made from the sources at start-up (development under tsx, where the sources may have changed since any
 * build).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, type WorkerOptions } from '@temporalio/worker';
import { WORKFLOWS_PATH } from './worker';

/** File name of the prebuilt bundle inside the build's output folder (dist/). */
export const PREBUILT_BUNDLE_FILE = 'workflow-bundle.js';

/** The workflow code a worker was given, and a line saying where it came from (printed at start-up). */
export interface WorkflowCode {
  workflowBundle: NonNullable<WorkerOptions['workflowBundle']>;
  source: string;
}

/**
 * The prebuilt bundle's path when this module runs compiled (dist/src/worker → dist/workflow-bundle.js), else
 * undefined: under tsx or jest a bundle from an earlier build could be older than the sources being run.
 */
export function prebuiltBundlePath(moduleFile: string = __filename): string | undefined {
  if (!moduleFile.endsWith('.js')) return undefined;
  return join(moduleFile, '..', '..', '..', PREBUILT_BUNDLE_FILE);
}

/**
 * Loads the prebuilt bundle when the build wrote one, else bundles `workflows/` now (webpack; seconds of CPU).
 *
 * @param bundlePath where to look for a prebuilt bundle; default {@link prebuiltBundlePath}.
 */
export async function workflowCodeForWorker(
  bundlePath: string | undefined = prebuiltBundlePath(),
): Promise<WorkflowCode> {
  if (bundlePath !== undefined && existsSync(bundlePath)) {
    return { workflowBundle: { codePath: bundlePath }, source: `prebuilt bundle ${bundlePath}` };
  }
  // A quiet logger: webpack's module listing at INFO says nothing an operator needs.
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  return { workflowBundle: bundle, source: `bundled at start-up from ${WORKFLOWS_PATH}` };
}
