/**
 * Command-line flags of `npm run bench:reconcile`. Parsed by hand (no dependency) and validated strictly: a typo
 * in a benchmark flag would otherwise silently measure the wrong thing.
 */

/** What one benchmark run measures. */
export interface BenchArgs {
  /** Active users in the org. */
  users: number;
  /** Target groups (one `mode: exact` rule each). */
  groups: number;
  /** Requests per minute per token the emulator allows; 0 = unthrottled. */
  rate: number;
  /** Delay the emulator adds to every API and token request, in ms. */
  latencyMs: number;
  /** Groups each user belongs to (skills per user), 1..groups. */
  membershipsPerUser: number;
  /** Share of each group's wanted members that are missing, and (as many again) outsiders present. */
  drift: number;
  /** OAuth clients to give the worker (token pool); 1 = the plain single-client configuration. */
  clients: number;
  /** Skip the naive baseline run. */
  skipNaive: boolean;
  /** Label in the result file names. */
  label: string;
  /** Seed of the emulator and of the drift picks. */
  seed: number;
  /** The whole benchmark gives up (and still cleans up) after this many minutes. */
  timeoutMin: number;
}

export const USAGE =
  'usage: npm run bench:reconcile -- --users N --groups M [--rate R] [--latency-ms L] ' +
  '[--memberships-per-user K] [--drift D] [--clients C] [--skip-naive] [--label NAME] [--seed S] [--timeout-min T]';

const DEFAULTS: BenchArgs = {
  users: 2_000,
  groups: 20,
  rate: 0,
  latencyMs: 0,
  membershipsPerUser: 1,
  drift: 0.05,
  clients: 1,
  skipNaive: false,
  label: '',
  seed: 11,
  timeoutMin: 180,
};

type NumericKey =
  'users' | 'groups' | 'rate' | 'latencyMs' | 'membershipsPerUser' | 'drift' | 'clients' | 'seed' | 'timeoutMin';

const NUMERIC_FLAGS: Record<string, NumericKey> = {
  '--users': 'users',
  '--groups': 'groups',
  '--rate': 'rate',
  '--latency-ms': 'latencyMs',
  '--memberships-per-user': 'membershipsPerUser',
  '--drift': 'drift',
  '--clients': 'clients',
  '--seed': 'seed',
  '--timeout-min': 'timeoutMin',
};

/** Parses `argv` (without `node script`); throws an Error with {@link USAGE} on anything it does not understand. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--skip-naive') {
      args.skipNaive = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    i++;
    if (flag === '--label') {
      if (!/^[A-Za-z0-9_.-]+$/.test(value)) throw new Error(`--label must match [A-Za-z0-9_.-]+, got ${value}`);
      args.label = value;
      continue;
    }
    const key = NUMERIC_FLAGS[flag];
    if (!key) throw new Error(`unknown flag ${flag}\n${USAGE}`);
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`${flag} must be a number, got ${value}`);
    args[key] = n;
  }
  const whole = (k: NumericKey, min: number) => {
    if (!Number.isInteger(args[k]) || args[k] < min) throw new Error(`--${k} must be an integer >= ${min}`);
  };
  whole('users', 1);
  whole('groups', 1);
  whole('rate', 0);
  whole('latencyMs', 0);
  whole('membershipsPerUser', 1);
  whole('clients', 1);
  whole('seed', 1);
  if (args.membershipsPerUser > args.groups) throw new Error('--memberships-per-user must be <= --groups');
  if (!(args.timeoutMin > 0)) throw new Error('--timeout-min must be > 0');
  if (args.drift < 0 || args.drift > 0.5) throw new Error('--drift must be between 0 and 0.5');
  if (args.groups > 10_000) throw new Error('--groups is capped at 10,000 (the workflow limit the issue asks for)');
  if (!args.label) args.label = defaultLabel(args);
  return args;
}

/** `5000u-50g-r3000-l100` style label from the sizes. */
export function defaultLabel(a: Pick<BenchArgs, 'users' | 'groups' | 'rate' | 'latencyMs' | 'clients'>): string {
  const parts = [`${a.users}u`, `${a.groups}g`, a.rate ? `r${a.rate}` : 'unthrottled'];
  if (a.latencyMs) parts.push(`l${a.latencyMs}`);
  if (a.clients > 1) parts.push(`c${a.clients}`);
  return parts.join('-');
}
