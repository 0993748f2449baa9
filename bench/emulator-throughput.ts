/**
 * Emulator throughput benchmark. Measures (1) generation time of a 200,000-user org and (2) how many small
 * authenticated `GET /api/v2/groups/{id}` requests per second one unthrottled emulator process answers over
 * loopback keep-alive, with the emulator and the load client in separate processes pinned to separate cores.
 * (3) also times a full `GET /api/v2/users?pageSize=500&expand=authorization` listing of the org.
 *
 * Run: npx tsx bench/emulator-throughput.ts [--requests 50000] [--connections 32] [--users 200000]
 * Writes bench/results/emulator-throughput.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EMULATOR_DEFAULTS } from '../src/emulator';
import { generateOrg } from '../src/emulator/generator';
import type { LoadResult, LoadSpec } from './support/load-client';

interface Args {
  requests: number;
  connections: number;
  users: number;
  groups: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { requests: 50_000, connections: 32, users: 200_000, groups: 20 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '') as keyof Args;
    const value = Number(argv[i + 1]);
    if (!(key in args) || !Number.isInteger(value) || value <= 0)
      throw new Error(`bad argument ${argv[i]} ${argv[i + 1]}`);
    args[key] = value;
  }
  // Bounded on purpose: this is a benchmark, not a load test of the machine.
  if (args.requests > 1_000_000) throw new Error('--requests is capped at 1,000,000');
  return args;
}

const ROOT = join(__dirname, '..');
const canPin = cpus().length >= 2 && hasTaskset();

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Spawns `node --import tsx <script> <json>`, pinned to `cpu` when possible. */
function spawnTs(script: string, arg: unknown, cpu: number): ChildProcess {
  const node = [process.execPath, '--import', 'tsx', join(ROOT, script), JSON.stringify(arg)];
  const [cmd, ...rest] = canPin ? ['taskset', '-c', String(cpu), ...node] : node;
  return spawn(cmd, rest, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Resolves with the next stdout line of `child`, keeping the reader open for later lines. */
function lineReader(child: ChildProcess): () => Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else queue.push(line);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before answering`))),
  );
  exited.catch(() => undefined);
  return () => {
    const ready = queue.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return Promise.race([new Promise<string>((resolve) => waiting.push(resolve)), exited]);
  };
}

/** User + system CPU seconds a process has used so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

/** Runs the load client; also returns the emulator's CPU seconds during the measured run (warm-up excluded). */
async function load(spec: LoadSpec, emulatorPid: number): Promise<LoadResult & { emulatorCpuSeconds: number }> {
  const next = lineReader(spawnTs('bench/support/load-client.ts', spec, 1));
  await next(); // {"phase":"measure"}
  const before = cpuSeconds(emulatorPid);
  const result = JSON.parse(await next()) as LoadResult;
  return { ...result, emulatorCpuSeconds: cpuSeconds(emulatorPid) - before };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measureGeneration(users: number, groups: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    const org = generateOrg({ seed: 1 + i, users, groups });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (org.users.length !== users) throw new Error('generator returned the wrong number of users');
  }
  return times;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Other work on the machine skews the figures; record how busy it was when the run started.
  const loadAtStart = loadavg()[0].toFixed(2);
  const fmt = (n: number): string => n.toLocaleString('en-US');

  console.log(`Starting emulator (${fmt(args.users)} users, unthrottled)${canPin ? ' pinned to CPU 0' : ''} ...`);
  const server = spawnTs('bench/support/emulator-server.ts', { users: args.users, groups: args.groups, port: 0 }, 0);
  try {
    const ready = JSON.parse(await lineReader(server)()) as {
      port: number;
      url: string;
      startupMs: number;
      groupIds: string[];
    };
    const tokenRes = await fetch(`${ready.url}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization:
          'Basic ' + Buffer.from(`${EMULATOR_DEFAULTS.clientId}:${EMULATOR_DEFAULTS.clientSecret}`).toString('base64'),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const base = { host: '127.0.0.1', port: ready.port, token };

    console.log(`GET /api/v2/groups/{id} x ${fmt(args.requests)} over ${args.connections} keep-alive connections ...`);
    const groups = await load(
      {
        ...base,
        paths: ready.groupIds.map((id) => `/api/v2/groups/${id}`),
        requests: args.requests,
        connections: args.connections,
        warmup: Math.min(5_000, args.requests),
      },
      server.pid!,
    );

    const pages = Math.ceil(args.users / 500);
    console.log(`GET /api/v2/users?pageSize=500&expand=authorization, all ${pages} pages ...`);
    const users = await load(
      {
        ...base,
        paths: Array.from(
          { length: pages },
          (_, i) => `/api/v2/users?pageSize=500&pageNumber=${i + 1}&expand=authorization`,
        ),
        requests: pages,
        connections: 4,
        warmup: 8,
      },
      server.pid!,
    );

    server.kill('SIGTERM');
    // Generation runs last, in this process, so its garbage cannot compete with the emulator for a core.
    console.log(`Generating ${fmt(args.users)} users x3 in-process ...`);
    const genTimes = measureGeneration(args.users, args.groups);

    const ok = (r: LoadResult, n: number): boolean => r.statuses['200'] === n;
    if (!ok(groups, args.requests) || !ok(users, pages)) {
      throw new Error(`non-200 answers: ${JSON.stringify({ groups: groups.statuses, users: users.statuses })}`);
    }
    const cpuShare = Math.round((groups.emulatorCpuSeconds / groups.seconds) * 100);
    const perCpuSecond = Math.round(args.requests / groups.emulatorCpuSeconds);
    const usersPerSecond = Math.round(args.users / users.seconds);

    const date = new Date().toISOString();
    const machine =
      `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`;
    const command = `npx tsx bench/emulator-throughput.ts --requests ${args.requests} --connections ${args.connections} --users ${args.users}`;
    const report = `# Emulator throughput

Recorded by \`bench/emulator-throughput.ts\` from an actual run; re-running overwrites this file.

- **Date:** ${date}
- **Machine:** ${machine}; 1-minute load average at start: ${loadAtStart}
- **Command:** \`${command}\`
- **Setup:** emulator and load client in separate processes${canPin ? ' pinned with `taskset` to CPU 0 and CPU 1' : ' (not pinned: taskset or a second core unavailable)'};
  loopback 127.0.0.1; HTTP/1.1 keep-alive, one request in flight per connection; emulator unthrottled
  (\`rateLimitPerMinute: 0\`, headers still sent); org of ${fmt(args.users)} users and ${args.groups} groups; one bearer token.
  Warm-up requests (${fmt(Math.min(5_000, args.requests))} for groups, 8 pages for users) are not in the timings.

| Measure | Result |
|---|---|
| Generate ${fmt(args.users)} users + ${args.groups} groups in-process (3 seeds) | median ${fmt(Math.round(median(genTimes)))} ms (runs: ${genTimes.map((t) => fmt(Math.round(t))).join(', ')} ms) |
| Emulator start-up incl. generation (${fmt(args.users)} users) | ${fmt(Math.round(ready.startupMs))} ms |
| \`GET /api/v2/groups/{id}\`, ${fmt(args.requests)} requests, ${args.connections} connections | **${fmt(groups.requestsPerSecond)} req/s** (${groups.seconds} s, all 200) |
| ... latency p50 / p90 / p99 / max | ${groups.latencyMs.p50} / ${groups.latencyMs.p90} / ${groups.latencyMs.p99} / ${groups.latencyMs.max} ms |
| ... emulator CPU (measured run) | ${groups.emulatorCpuSeconds.toFixed(2)} CPU-s, ~${cpuShare}% of its core: ${fmt(perCpuSecond)} requests per emulator CPU-second |
| ... load-client CPU (measured run) | ${groups.clientCpuSeconds} CPU-s, ~${Math.round((groups.clientCpuSeconds / groups.seconds) * 100)}% of one core${groups.clientCpuSeconds / groups.seconds > 0.9 ? ' (the client, not the emulator, is the limit)' : ''} |
| \`GET /api/v2/users?pageSize=500&expand=authorization\`, all ${pages} pages | ${users.seconds} s: ${fmt(Math.round(pages / users.seconds))} pages/s, ${fmt(usersPerSecond)} users/s (${fmt(Math.round(users.bytes / 1024 / 1024))} MiB) |
| ... page latency p50 / p99 | ${users.latencyMs.p50} / ${users.latencyMs.p99} ms |

Target (design brief): at least 5,000 requests/s on one core when unthrottled.
`;
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/emulator-throughput.md'), report);
    console.log(report);
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(`emulator-throughput: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
