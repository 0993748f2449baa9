/**
 * Child processes of the benchmark (the `gcsync worker` and the naive script): started with their output in a log
 * file, peak memory read from `/proc/<pid>/status` (VmHWM, the kernel's resident-set high-water mark, sampled
 * so the last value survives the process), stopped with SIGTERM and, if that does not end them, SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';

/** Characters of a child's output kept in memory. */
const OUTPUT_KEPT_CHARS = 1 << 20;

/** A running child. */
export interface BenchChild {
  pid: number;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** Resolves with the exit code (or the signal name) when it ends. */
  exited: Promise<number | string>;
  /** Largest VmHWM seen so far, in bytes (0 if /proc is not readable). */
  peakRssBytes(): number;
  /** Reads VmHWM now (call before reading {@link peakRssBytes} when the child is still running). */
  sample(): void;
  /** Output so far (its first MiB). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `node <args>` with `env`, logging to `logFile`. */
export function startChild(args: string[], env: NodeJS.ProcessEnv, logFile: string): BenchChild {
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start node ${args.join(' ')}`);
  const pid = child.pid;
  let out = '';
  const collect = (d: Buffer) => {
    // Only the start is kept in memory (readiness lines, the naive script's result); the file has everything.
    if (out.length < OUTPUT_KEPT_CHARS) out += d.toString();
    log.write(d);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let alive = true;
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      alive = false;
      log.end();
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  let peak = 0;
  const sample = () => {
    if (!alive) return;
    peak = Math.max(peak, readVmHwm(pid));
  };
  const timer = setInterval(sample, 500);
  timer.unref();
  void exited.then(() => clearInterval(timer));
  let stopping: Promise<void> | undefined;
  return {
    pid,
    logFile,
    exited,
    peakRssBytes: () => peak,
    sample,
    output: () => out,
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        sample();
        if (!alive) return;
        child.kill('SIGTERM');
        const killer = setTimeout(() => alive && child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}

/** VmHWM of `pid` in bytes; 0 when unreadable (process gone, no /proc). */
export function readVmHwm(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resolves when `predicate(child.output())` holds; rejects when the child exits first or after `timeoutMs`. */
export async function waitForOutput(
  child: BenchChild,
  predicate: (out: string) => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | undefined;
  void child.exited.then((code) => (exited = code));
  while (!predicate(child.output())) {
    if (exited !== undefined) throw new Error(`child ${child.pid} exited (${exited}); see ${child.logFile}`);
    if (Date.now() > deadline)
      throw new Error(`child ${child.pid} not ready after ${timeoutMs} ms; see ${child.logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
