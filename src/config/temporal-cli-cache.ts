/**
 * Where development tooling caches the Temporal CLI (`npm run temporal:ensure`). Production code reads these paths
 * only to print commands that work on this machine; finding and building the CLI lives in `src/temporal/`, which
 * production builds leave out.
 */
import os from 'node:os';
import path from 'node:path';

/** The Temporal CLI release we build and cache. v1.6+ carries a go.mod `replace`, which `go install pkg@v` refuses. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** Root of this project's cache: `GCSYNC_CACHE_DIR`, else `~/.cache/genesys-group-sync`. */
export function gcsyncCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.GCSYNC_CACHE_DIR?.trim();
  if (configured) return path.resolve(configured);
  return path.join(env.HOME?.trim() || os.homedir(), '.cache', 'genesys-group-sync');
}

/** Folder holding the cached build of {@link TEMPORAL_CLI_VERSION}. */
export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(gcsyncCacheDir(env), 'temporal-cli', TEMPORAL_CLI_VERSION);
}

/** Full path of the cached `temporal` binary (it may not exist yet). */
export function temporalCliCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(temporalCliCacheDir(env), 'temporal');
}
