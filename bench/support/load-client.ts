/**
 * Child process of the throughput benchmark: a minimal HTTP/1.1 keep-alive load generator on raw sockets (one
 * request in flight per connection, no pipelining). Node's `http` client costs several times more CPU per request
 * than the emulator's server side, so with it the benchmark would measure the client, not the emulator.
 *
 * Usage: node --import tsx bench/support/load-client.ts '<LoadSpec JSON>'  → prints `{"phase":"measure"}` when the
 * measured run starts (after warm-up), then one JSON LoadResult line.
 */
import { connect } from 'node:net';

/** What to send. */
export interface LoadSpec {
  host: string;
  port: number;
  token: string;
  /** Request paths, used round-robin. */
  paths: string[];
  requests: number;
  connections: number;
  /** Requests sent (and not measured) before the measured run, to warm up both sides' JIT. */
  warmup: number;
}

/** What happened. */
export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  bytes: number;
  /** CPU seconds (user + system) this client used during the measured run. */
  clientCpuSeconds: number;
  statuses: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Runs `total` requests over `connections` sockets; resolves with per-request latencies and statuses. */
function run(
  spec: LoadSpec,
  total: number,
): Promise<{ latencies: Float64Array; statuses: Map<number, number>; bytes: number }> {
  const latencies = new Float64Array(total);
  const statuses = new Map<number, number>();
  let sent = 0;
  let done = 0;
  let bytes = 0;
  const requestFor = (i: number): string =>
    `GET ${spec.paths[i % spec.paths.length]} HTTP/1.1\r\nHost: ${spec.host}:${spec.port}\r\n` +
    `Authorization: Bearer ${spec.token}\r\nAccept: application/json\r\nConnection: keep-alive\r\n\r\n`;

  return new Promise((resolve, reject) => {
    const sockets = Math.min(spec.connections, total);
    let open = sockets;
    for (let c = 0; c < sockets; c++) {
      const socket = connect(spec.port, spec.host);
      socket.setNoDelay(true);
      let chunks: Buffer[] = [];
      let buffered = 0;
      let needed = -1;
      let status = 0;
      let startedAt = 0n;
      let index = 0;
      const sendNext = (): void => {
        if (sent >= total) {
          socket.end();
          return;
        }
        index = sent++;
        startedAt = process.hrtime.bigint();
        socket.write(requestFor(index));
      };
      socket.on('connect', sendNext);
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        buffered += chunk.length;
        for (;;) {
          let buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, buffered);
          chunks = [buf];
          if (needed < 0) {
            const end = buf.indexOf(HEADER_END);
            if (end < 0) return;
            const head = buf.toString('latin1', 0, end);
            status = Number(head.slice(9, 12));
            const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
            needed = end + 4 + (m ? Number(m[1]) : 0);
          }
          if (buffered < needed) return;
          latencies[index] = Number(process.hrtime.bigint() - startedAt) / 1e6;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          bytes += needed;
          buf = buf.subarray(needed);
          chunks = buf.length > 0 ? [buf] : [];
          buffered = buf.length;
          needed = -1;
          done++;
          sendNext();
          if (buffered === 0) return;
        }
      });
      socket.on('error', reject);
      socket.on('close', () => {
        if (--open === 0) {
          if (done === total) resolve({ latencies, statuses, bytes });
          else reject(new Error(`connections closed after ${done} of ${total} responses`));
        }
      });
    }
  });
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Warms up, then runs the measured load. */
export async function runLoad(spec: LoadSpec, onMeasureStart: () => void = () => undefined): Promise<LoadResult> {
  if (spec.warmup > 0) await run(spec, spec.warmup);
  onMeasureStart();
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const { latencies, statuses, bytes } = await run(spec, spec.requests);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const sorted = latencies.slice().sort();
  const round = (n: number): number => Math.round(n * 100) / 100;
  return {
    requests: spec.requests,
    seconds: round(seconds),
    requestsPerSecond: Math.round(spec.requests / seconds),
    bytes,
    clientCpuSeconds: round((cpu.user + cpu.system) / 1e6),
    statuses: Object.fromEntries([...statuses].map(([s, n]) => [String(s), n])),
    latencyMs: {
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1]),
    },
  };
}

if (require.main === module) {
  // The parent samples the emulator's CPU time when this line appears and again when the result arrives.
  const announce = (): void => void process.stdout.write(JSON.stringify({ phase: 'measure' }) + '\n');
  runLoad(JSON.parse(process.argv[2] ?? '{}') as LoadSpec, announce).then(
    (result) => process.stdout.write(JSON.stringify(result) + '\n'),
    (err: unknown) => {
      process.stderr.write(`load-client: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
