/**
 * The "next build" of the workflows for deploy and replay tests: today's `workflows/` plus the test-only interceptors
 * of `./interceptors.ts`, which change a run only when its memo names a variant.
 */
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../../src/worker/worker';

// The bundler logs every module at info level; only problems matter here.
const quiet = (): void => undefined;
const bundlerLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error };

/** Bundles the workflows with the replay-variant interceptors (a few seconds: call once per test file). */
export function bundleReplayVariants(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: [require.resolve('./interceptors')],
    logger: bundlerLogger,
  });
}
