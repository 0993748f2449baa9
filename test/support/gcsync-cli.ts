/**
 * Runs the real `gcsync` binary (`bin/gcsync.js`) as a child process, as an operator would, and collects what it
 * printed. Integration tests of the CLI share it instead of each spawning the binary by hand.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ReconcileStack } from './operator-stack';

/** Repository root (the binary runs from here unless told otherwise). */
export const REPO_ROOT = join(__dirname, '..', '..');

/** What one `gcsync` invocation printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `gcsync ...args` with the test's environment plus `env`; resolves when the process closes. */
export function runGcsync(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'gcsync.js'), ...args], {
      ...(cwd ? { cwd } : {}),
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment that points the CLI at an operator stack's Temporal server, namespace, task queue and stores. */
export function stackCliEnv(stack: ReconcileStack): NodeJS.ProcessEnv {
  return {
    ...stack.env,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_NAMESPACE: stack.temporal.namespace,
    GCSYNC_TASK_QUEUE: stack.taskQueue,
  };
}
