/**
 * Locates (or, as a last resort, builds) the Temporal CLI binary that runs `temporal server start-dev` for tests,
 * the demo and local development.
 *
 * Our machines cannot download release binaries, which is what the SDK's `TestWorkflowEnvironment.createLocal()`
 * would otherwise do, so the order is: an explicit path, the PATH, a cached build, a fresh `go install` build, and
 * only then the SDK's own download (which works on machines with internet access only).
 */
import path from 'node:path';
import { buildTemporalCli } from './cli-build';
import { TemporalCliError } from './cli-error';
import { isExecutableFile } from '../config/executable';
import { TEMPORAL_CLI_VERSION, temporalCliCachePath } from '../config/temporal-cli-cache';

export { TemporalCliError } from './cli-error';

export {
  TEMPORAL_CLI_VERSION,
  gcsyncCacheDir,
  temporalCliCacheDir,
  temporalCliCachePath,
} from '../config/temporal-cli-cache';

/** Where the binary came from; `sdk-download` means "no binary here: let the Temporal SDK download one". */
export type TemporalCliSource = 'env' | 'path' | 'cache' | 'built' | 'sdk-download';

/** Result of {@link findTemporalCli}. */
export interface TemporalCliLocation {
  /** Absolute path of the executable; the empty string when `source` is `sdk-download`. */
  path: string;
  source: TemporalCliSource;
}

/** Options for {@link findTemporalCli}; all optional, mainly so tests can isolate themselves. */
export interface FindTemporalCliOptions {
  /**
   * Environment to read `TEMPORAL_CLI_PATH`, `PATH`, `GCSYNC_CACHE_DIR` and `HOME` from; also passed to `go`.
   * @default process.env
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Whether a missing binary may be built with Go (takes several minutes on 2 cores).
   * @default true
   */
  allowBuild?: boolean;
  /**
   * Places to look for `go` when it is not on PATH.
   * @default ['/usr/local/go/bin/go']
   */
  goFallbacks?: readonly string[];
  /**
   * Stream for the one-line "which binary" notice and for build progress.
   * @default process.stderr
   */
  output?: NodeJS.WritableStream;
  /**
   * How long to wait for another process that is already building the same version.
   * @default 1_800_000 (30 minutes)
   */
  lockWaitMs?: number;
}

/**
 * Finds a Temporal CLI binary, trying in order: `TEMPORAL_CLI_PATH`, `temporal` on PATH, the cached build under
 * {@link temporalCliCacheDir}, a fresh `go install` into that cache, and finally `sdk-download`.
 *
 * Always writes one line to stderr (or `opts.output`) saying which binary is used, so CI logs show it.
 *
 * @throws TemporalCliError if `TEMPORAL_CLI_PATH` points at something that is not an executable file (an explicit
 * setting that is wrong should fail loudly rather than silently fall through), or if a Go build fails.
 */
export async function findTemporalCli(opts: FindTemporalCliOptions = {}): Promise<TemporalCliLocation> {
  const env = opts.env ?? process.env;
  const output = opts.output ?? process.stderr;
  const found = await locate(env, opts, output);
  const where = found.source === 'sdk-download' ? 'no local binary; the Temporal SDK will download one' : found.path;
  output.write(`[temporal-cli] using ${where} (source: ${found.source})\n`);
  return found;
}

async function locate(
  env: NodeJS.ProcessEnv,
  opts: FindTemporalCliOptions,
  output: NodeJS.WritableStream,
): Promise<TemporalCliLocation> {
  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    const resolved = path.resolve(explicit);
    if (!(await isExecutableFile(resolved))) {
      throw new TemporalCliError(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    }
    return { path: resolved, source: 'env' };
  }

  const onPath = await findOnPath('temporal', env.PATH);
  if (onPath) return { path: onPath, source: 'path' };

  const cached = temporalCliCachePath(env);
  if (await isExecutableFile(cached)) return { path: cached, source: 'cache' };

  if (opts.allowBuild !== false) {
    const go =
      (await findOnPath('go', env.PATH)) ?? (await firstExecutable(opts.goFallbacks ?? ['/usr/local/go/bin/go']));
    if (go) {
      await buildTemporalCli({
        go,
        version: TEMPORAL_CLI_VERSION,
        target: cached,
        env,
        output,
        lockWaitMs: opts.lockWaitMs ?? 30 * 60_000,
      });
      return { path: cached, source: 'built' };
    }
  }
  return { path: '', source: 'sdk-download' };
}

async function findOnPath(name: string, searchPath: string | undefined): Promise<string | undefined> {
  const dirs = (searchPath ?? '').split(path.delimiter).filter((d) => d.length > 0);
  return firstExecutable(dirs.map((d) => path.resolve(d, name)));
}

async function firstExecutable(candidates: readonly string[]): Promise<string | undefined> {
  for (const candidate of candidates) {
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
