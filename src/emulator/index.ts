/**
 * Genesys Cloud Platform API emulator for local development, the demo, integration tests and benchmarks. The
 * official SDK talks to it through `client.setGateway({ host, protocol: 'http', port })`; see README.md in this
 * folder for endpoints, faults and every behaviour chosen where the real service is UNCONFIRMED.
 *
 * @example
 * const emu = await startEmulator({ users: 1000, quiet: true });
 * // ... point the SDK at emu.url, use emu.state for in-process checks ...
 * await emu.close();
 */
import type { AddressInfo } from 'node:net';
import { EMULATOR_DEFAULTS, type EmulatorOptions, resolveOptions } from './options';
import { createEmulatorServer } from './server';
import { EmulatorState } from './state';

export { EMULATOR_DEFAULTS };
export type {
  EmulatorClient,
  EmulatorLogger,
  EmulatorOptions,
  MissingVersionPolicy,
  RuleMemberDeletePolicy,
} from './options';
export { EmulatorState } from './state';
export type {
  CallsReport,
  DriftEvent,
  FaultSpec,
  GrantsSpec,
  NativeMembershipSpec,
  RuntimeConfig,
  UsersDriftFault,
  UsersPageFault,
  FaultsSnapshot,
  GroupFixture,
  GroupSnapshot,
  ResetSpec,
  StateSnapshot,
  UserFixture,
  WriteLogEntry,
} from './control-types';
export type { Catalog, GeneratorRule, GroupRecord, NamedEntity, RoleGrant, UserRecord, UserState } from './model';
export { cohortSkillName, generateOrg, type GenerateOptions } from './generator';
export { ApiError, type ErrorBody } from './errors';

/** A started emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:8089` (serves `/oauth/token`, `/api/v2/*`, `/__emulator/*`). */
  url: string;
  port: number;
  host: string;
  /** In-process access to the org, tokens, faults and call log (same operations as the control API). */
  state: EmulatorState;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  // A wildcard bind is reachable on loopback; an IPv6 literal needs brackets in a URL.
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Generates the org for `opts.seed` and starts serving it. Resolves once the port is bound.
 *
 * @throws RangeError for invalid options; the listen error (e.g. `EADDRINUSE`) if the port is taken.
 */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const options = resolveOptions(opts);
  const state = new EmulatorState(options);
  const server = createEmulatorServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(options.host)}:${port}`;
  options.logger.info(
    { url, clientId: options.clientId, seed: options.seed, users: options.users, groups: options.groups },
    'Genesys Cloud emulator listening',
  );
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    host: options.host,
    state,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * Every OAuth client the emulator accepts, the configured one first (for a token-pool worker's clients file in
 * tests and benchmarks; these are local development credentials).
 */
export function genesysClientsFor(emulator: RunningEmulator): { clientId: string; clientSecret: string }[] {
  return emulator.state.clients();
}

/**
 * The worker environment that points the official SDK at this emulator with the credentials it accepts
 * (`GENESYS_API_URL`, `GENESYS_CLIENT_ID`, `GENESYS_CLIENT_SECRET`), for the demo and tests.
 */
export function genesysEnvFor(emulator: RunningEmulator): Record<string, string> {
  return {
    GENESYS_API_URL: emulator.url,
    GENESYS_CLIENT_ID: emulator.state.options.clientId,
    GENESYS_CLIENT_SECRET: emulator.state.options.clientSecret,
  };
}
