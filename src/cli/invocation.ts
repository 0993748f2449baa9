/**
 * How the commands gcsync prints (approve, reject, signal, start a dev server) are invoked so that they work pasted
 * verbatim into another shell: `gcsync` and `temporal` only when they are on PATH; otherwise `npx gcsync` from the
 * clone's folder and the Temporal CLI by its absolute path.
 */
import { delimiter, resolve } from 'node:path';
import { DEFAULT_TEMPORAL_ADDRESS } from '../config/temporal-config';
import { isExecutableFile } from '../config/executable';
import { temporalCliCachePath } from '../config/temporal-cli-cache';
import { shellQuote } from './output/shell-quote';
import { packageRoot } from './version';

/**
 * The approver in printed commands: the shell's user name (a `<you>` placeholder would be a redirection in a shell).
 * The CLI records the OS user beside it anyway; operators usually put their email there.
 */
export const APPROVER_WORD = '"$' + '{USER:-operator}"';

/** The first executable called `name` on `PATH`, if any. */
export async function onPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = resolve(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The shell prefix that runs gcsync with `vars` set: `TEMPORAL_ADDRESS=… gcsync` when gcsync is on PATH, else
 * `cd '<clone>' && TEMPORAL_ADDRESS=… npx gcsync` (npx finds the clone's own bin only inside the clone).
 */
export async function gcsyncInvocation(
  vars: Record<string, string> = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const assignments = Object.entries(vars).map(([name, value]) => `${name}=${shellQuote(value)} `);
  // Under npx or npm run, PATH holds npm's own bin folders, which the operator's next shell will not have.
  if (!env.npm_command && (await onPath('gcsync', env))) return `${assignments.join('')}gcsync`;
  return `cd ${shellQuote(packageRoot())} && ${assignments.join('')}npx gcsync`;
}

/** The Temporal CLI as a shell word: `temporal` when that is what PATH finds, else the binary's absolute path. */
export function temporalInvocation(cli: { path: string; source: string }): string {
  return cli.source === 'path' ? 'temporal' : shellQuote(cli.path);
}

/**
 * The command that starts a local Temporal dev server here: `temporal server start-dev` when on PATH, else the cached
 * build, else `npx gcsync demo --interactive` (which builds the CLI and starts everything).
 */
export async function devServerHint(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (await onPath('temporal', env)) return 'temporal server start-dev';
  const cached = temporalCliCachePath(env);
  if (await isExecutableFile(cached)) return `${shellQuote(cached)} server start-dev`;
  return `npm run temporal:ensure, then ${shellQuote(cached)} server start-dev (or npx gcsync demo --interactive)`;
}

/**
 * The Temporal CLI as this machine can run it without a search: `temporal` when on PATH, else the cached build's
 * absolute path when present, else `temporal` (the operator installs it).
 */
export async function temporalCommand(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (await onPath('temporal', env)) return 'temporal';
  const cached = temporalCliCachePath(env);
  return (await isExecutableFile(cached)) ? shellQuote(cached) : 'temporal';
}

/** The approve/reject/signal commands for a run started by this CLI with `config`'s connection settings. */
export async function approvalCommandsFor(config: {
  address: string;
  namespace: string;
}): Promise<{ gcsync: string; temporal: string; temporalAddress?: string; by: string }> {
  // Only what differs from the defaults: the operator's own shell already has anything else they exported.
  const custom = config.address !== DEFAULT_TEMPORAL_ADDRESS;
  return {
    gcsync: await gcsyncInvocation({
      ...(custom ? { TEMPORAL_ADDRESS: config.address } : {}),
      ...(config.namespace === 'default' ? {} : { TEMPORAL_NAMESPACE: config.namespace }),
    }),
    temporal: await temporalCommand(),
    ...(custom ? { temporalAddress: config.address } : {}),
    by: APPROVER_WORD,
  };
}
