/**
 * Builds the Temporal CLI from source with `go install`, safely under concurrency: one builder per cache folder
 * (file lock), and the binary appears at its final path only once complete (build elsewhere, then rename).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import lockfile from 'proper-lockfile';
import { TemporalCliError } from './cli-error';
import { isExecutableFile } from '../config/executable';

const execFileAsync = promisify(execFile);

const CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
const VERSION_VARIABLE = 'github.com/temporalio/cli/temporalcli.Version';

/** Inputs of {@link buildTemporalCli}. */
export interface BuildTemporalCliOptions {
  /** Path of the `go` executable. */
  go: string;
  /** Release tag to build, e.g. `v1.5.1`. */
  version: string;
  /** Final path of the binary; its folder is created and also holds the lock file. */
  target: string;
  /** Environment passed to `go` (GOBIN is overridden). */
  env: NodeJS.ProcessEnv;
  /** Where build progress is streamed. */
  output: NodeJS.WritableStream;
  /** How long to wait for a concurrent builder before giving up. */
  lockWaitMs: number;
}

/**
 * Ensures `opts.target` exists, building it with `go install <cli>@<version>` unless another process finishes the
 * same build first. Safe to call from several processes at once: only the lock holder builds, the others wait.
 */
export async function buildTemporalCli(opts: BuildTemporalCliOptions): Promise<void> {
  const dir = path.dirname(opts.target);
  await mkdir(dir, { recursive: true });
  const release = await acquireBuildLock(dir, opts);
  if (!release) return; // another process built it while we waited
  try {
    // Re-check under the lock: a builder may have finished between our cache check and taking the lock.
    if (await isExecutableFile(opts.target)) return;
    await buildInto(dir, opts);
  } finally {
    await release().catch(() => undefined);
  }
}

/** Returns a release function, or undefined when the binary appeared while waiting for someone else's build. */
async function acquireBuildLock(
  dir: string,
  opts: BuildTemporalCliOptions,
): Promise<(() => Promise<void>) | undefined> {
  const deadline = Date.now() + opts.lockWaitMs;
  let announced = false;
  for (;;) {
    try {
      return await lockfile.lock(dir, {
        lockfilePath: path.join(dir, '.build.lock'),
        realpath: false,
        // The holder refreshes the lock's mtime every `update` ms, so a long build stays locked while a crashed
        // builder's lock goes stale after `stale` ms and can be taken over.
        stale: 30_000,
        update: 10_000,
        onCompromised: (err) => opts.output.write(`[temporal-cli] warning: build lock compromised: ${err.message}\n`),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    }
    if (await isExecutableFile(opts.target)) return undefined;
    if (Date.now() > deadline) {
      throw new TemporalCliError(`timed out waiting for another process to build ${opts.target}`);
    }
    if (!announced) {
      opts.output.write(`[temporal-cli] another process is building ${opts.target}; waiting for it\n`);
      announced = true;
    }
    await sleep(1_000);
  }
}

async function buildInto(dir: string, opts: BuildTemporalCliOptions): Promise<void> {
  // Same folder as the target, so the final rename is atomic (same filesystem) and never exposes a partial binary.
  const workDir = await mkdtemp(path.join(dir, '.build-'));
  const started = Date.now();
  try {
    opts.output.write(
      `[temporal-cli] building Temporal CLI ${opts.version} with ${opts.go} (several minutes on 2 cores)...\n`,
    );
    await runGoInstall(workDir, opts);
    const built = path.join(workDir, 'temporal');
    await verifyRuns(built);
    await rename(built, opts.target);
    const seconds = Math.round((Date.now() - started) / 1000);
    opts.output.write(`[temporal-cli] built ${opts.target} in ${seconds}s\n`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function runGoInstall(gobin: string, opts: BuildTemporalCliOptions): Promise<void> {
  const ldflags = `-s -w -X ${VERSION_VARIABLE}=${opts.version.replace(/^v/, '')}`;
  const args = ['install', '-v', `-ldflags=${ldflags}`, `${CLI_PACKAGE}@${opts.version}`];
  return new Promise((resolve, reject) => {
    // cwd = the scratch folder so no surrounding go.mod / go.work can influence a `pkg@version` install.
    const child = spawn(opts.go, args, {
      cwd: gobin,
      env: { ...opts.env, GOBIN: gobin },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const forward = (chunk: Buffer): void => {
      opts.output.write(chunk);
      tail = (tail + chunk.toString()).slice(-4_000);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.once('error', (err) => reject(new TemporalCliError(`could not run ${opts.go}: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new TemporalCliError(`go install failed (${signal ?? `exit ${code}`}):\n${tail.trim()}`));
    });
  });
}

async function verifyRuns(binary: string): Promise<void> {
  try {
    await execFileAsync(binary, ['--version'], { timeout: 30_000 });
  } catch (err) {
    throw new TemporalCliError(`built binary ${binary} does not run: ${(err as Error).message}`);
  }
}
