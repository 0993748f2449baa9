/**
 * `gcsync emulator`: runs the Genesys Cloud API emulator in the foreground until SIGINT/SIGTERM. Prints the URL
 * (and the client id, never the secret) so a developer can point the SDK or the reconciler at it.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  EMULATOR_DEFAULTS,
  type EmulatorClient,
  type MissingVersionPolicy,
  type RuleMemberDeletePolicy,
  startEmulator,
} from '../../emulator';
import { plural } from '../output/plural';

/** Parsed options of `gcsync emulator`. */
interface EmulatorCliOptions {
  port: number;
  host: string;
  seed: number;
  users: number;
  groups: number;
  inactiveUsers: number;
  clientId: string;
  clientSecret: string;
  rateLimit: number;
  tokenLifetime: number;
  missingVersion: MissingVersionPolicy;
  membershipsPerUser: number;
  drift?: number;
  activeResultWindow: number;
  inactiveResultWindow: number;
  ruleMemberDelete: RuleMemberDeletePolicy;
  groupRolesInUserAuthorization?: boolean;
  userViewDivisions?: string;
  extraClients: number;
  quiet?: boolean;
}

/**
 * `--extra-clients N` accepts N more local OAuth clients `<client-id>-2` … `<client-id>-(N+1)` with secrets
 * `<client-secret>-2` …, for token-pool runs against a local emulator (each token has its own bucket).
 */
export function extraLocalClients(clientId: string, clientSecret: string, count: number): EmulatorClient[] {
  return Array.from({ length: count }, (_, i) => ({
    clientId: `${clientId}-${i + 2}`,
    clientSecret: `${clientSecret}-${i + 2}`,
  }));
}

function ratioArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError('Must be a number between 0 and 1.');
  }
  return n;
}

function intArg(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('Not an integer.');
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`Must be between ${min} and ${max}.`);
    return n;
  };
}

const EXAMPLES = `
Examples:
  $ gcsync emulator
      local org of ${EMULATOR_DEFAULTS.users} users and ${EMULATOR_DEFAULTS.groups} groups on http://127.0.0.1:${EMULATOR_DEFAULTS.port}
  $ gcsync emulator --users 200000 --groups 50 --seed 7 --rate-limit 0
      large unthrottled org, e.g. for benchmarks
  $ GCSYNC_EMULATOR_CLIENT_SECRET=s3cret gcsync emulator --client-id my-client --port 0
      custom credentials (the secret from the environment keeps it out of shell history) on a free port

Point the official SDK at it before logging in:
  client.config.live_reload_config = false;
  client.setGateway({ host: '127.0.0.1', protocol: 'http', port: ${EMULATOR_DEFAULTS.port} });

Test control API (loopback only): GET /__emulator/state, GET /__emulator/calls, POST /__emulator/faults,
POST /__emulator/reset ... see src/emulator/README.md.`;

/** Registers `gcsync emulator` on `program`. */
export function registerEmulatorCommand(program: Command): void {
  const d = EMULATOR_DEFAULTS;
  program
    .command('emulator')
    .description('Run a local Genesys Cloud API emulator (OAuth, users, groups, members) for development and tests.')
    .addOption(
      new Option('-p, --port <port>', 'TCP port to listen on (0 = any free port)')
        .default(d.port)
        .argParser(intArg(0, 65535)),
    )
    .addOption(new Option('--host <host>', 'interface to bind').default(d.host))
    .addOption(
      new Option('--seed <n>', 'seed of the generated org (same seed, same org)')
        .default(d.seed)
        .argParser(intArg(-(2 ** 31), 2 ** 32)),
    )
    .addOption(new Option('--users <n>', 'active users to generate').default(d.users).argParser(intArg(0)))
    .addOption(new Option('--groups <n>', 'groups to generate').default(d.groups).argParser(intArg(0)))
    .addOption(
      new Option('--inactive-users <n>', 'extra inactive users (listed only with state=inactive|any)')
        .default(d.inactiveUsers)
        .argParser(intArg(0)),
    )
    .addOption(
      new Option('--client-id <id>', 'OAuth client id to accept').default(d.clientId).env('GCSYNC_EMULATOR_CLIENT_ID'),
    )
    .addOption(
      new Option('--client-secret <secret>', 'OAuth client secret to accept (prefer the environment variable)')
        .default(d.clientSecret, 'the local development secret, see src/emulator/README.md')
        .env('GCSYNC_EMULATOR_CLIENT_SECRET'),
    )
    .addOption(
      new Option('--rate-limit <perMinute>', 'requests per token per minute; 0 = unthrottled')
        .default(d.rateLimitPerMinute)
        .argParser(intArg(0)),
    )
    .addOption(
      new Option('--token-lifetime <seconds>', 'expires_in of issued tokens')
        .default(d.tokenLifetimeSeconds)
        .argParser(intArg(1)),
    )
    .addOption(
      new Option('--missing-version <policy>', 'member POST without version: reject (400) or current')
        .choices(['reject', 'current'])
        .default(d.missingVersion),
    )
    .addOption(
      new Option('--memberships-per-user <n>', 'generator: groups each user matches (0 = historical attribute rules)')
        .default(d.membershipsPerUser)
        .argParser(intArg(0)),
    )
    .addOption(
      new Option('--drift <ratio>', 'generator: share of wanted members missing and of outsiders present (0..1)')
        .default(undefined, '10 % missing, 2 % outsiders')
        .argParser(ratioArg),
    )
    .addOption(
      new Option('--active-result-window <n>', 'GET /users state=active: 400 past pageNumber*pageSize > n (0 = none)')
        .default(d.activeResultWindow)
        .argParser(intArg(0)),
    )
    .addOption(
      new Option(
        '--inactive-result-window <n>',
        'GET /users state=inactive: 400 past pageNumber*pageSize > n (0 = none)',
      )
        .default(d.inactiveResultWindow)
        .argParser(intArg(0)),
    )
    .addOption(
      new Option('--rule-member-delete <policy>', 'DELETE of a rule-added member: ignore (202) or reject (400)')
        .choices(['ignore', 'reject'])
        .default(d.ruleMemberDelete),
    )
    .option('--group-roles-in-user-authorization', 'expand=authorization includes roles granted through groups')
    .option(
      '--user-view-divisions <names>',
      'comma-separated divisions whose users the clients may view (users reads are division-filtered); default all',
    )
    .addOption(
      new Option('--extra-clients <n>', 'accept n more OAuth clients <client-id>-2.. with secrets <client-secret>-2..')
        .default(0)
        .argParser(intArg(0, 100)),
    )
    .option('-q, --quiet', 'no log output besides the URL line')
    .addHelpText('after', EXAMPLES)
    .action(async (opts: EmulatorCliOptions) => {
      const emulator = await startEmulator({
        port: opts.port,
        host: opts.host,
        seed: opts.seed,
        users: opts.users,
        groups: opts.groups,
        inactiveUsers: opts.inactiveUsers,
        clientId: opts.clientId,
        clientSecret: opts.clientSecret,
        rateLimitPerMinute: opts.rateLimit,
        tokenLifetimeSeconds: opts.tokenLifetime,
        missingVersion: opts.missingVersion,
        membershipsPerUser: opts.membershipsPerUser,
        drift: opts.drift,
        activeResultWindow: opts.activeResultWindow,
        inactiveResultWindow: opts.inactiveResultWindow,
        ruleMemberDelete: opts.ruleMemberDelete,
        groupRolesInUserAuthorization: opts.groupRolesInUserAuthorization ?? false,
        userViewDivisions: (opts.userViewDivisions ?? '')
          .split(',')
          .map((d) => d.trim())
          .filter((d) => d !== ''),
        extraClients: extraLocalClients(opts.clientId, opts.clientSecret, opts.extraClients),
        quiet: opts.quiet,
      });
      const limit = opts.rateLimit === 0 ? 'unthrottled' : `${opts.rateLimit} requests/token/min`;
      process.stdout.write(
        `Genesys Cloud emulator listening on ${emulator.url}\n` +
          `  client id: ${opts.clientId}  (secret not shown)` +
          (opts.extraClients > 0 ? `, plus ${opts.extraClients} extra client(s) ${opts.clientId}-2..` : '') +
          '\n' +
          `  org: seed ${opts.seed}, ${plural(opts.users, 'user')}, ${plural(opts.groups, 'group')}; rate limit: ${limit}\n` +
          `  control API: ${emulator.url}/__emulator/state   (Ctrl+C to stop)\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals): void => {
          process.stdout.write(`Received ${signal}, stopping emulator\n`);
          emulator.close().then(resolve, (err: unknown) => {
            process.stderr.write(`emulator: error while stopping: ${String(err)}\n`);
            resolve();
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
