/**
 * Runs `temporal server start-dev` as a child process on free loopback ports and waits until it really answers.
 *
 * We spawn the CLI ourselves rather than use `TestWorkflowEnvironment.createLocal()` because the SDK gives the server
 * only ~5 s to come up (too short on a busy 2-core CI machine) and would try to download the binary.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { findTemporalCli } from './cli-binary';
import { forgetChild, killOnParentExit } from './child-reaper';
import { findFreePort } from './free-port';
import { waitForFrontend } from './wait-for-frontend';

/** Search attribute types accepted by `temporal server start-dev --search-attribute Name=Type`. */
export type DevServerSearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** Options for {@link startDevServer}. */
export interface DevServerOptions {
  /**
   * SQLite file for persistent state; a restarted server on the same file resumes every open workflow.
   * @default in-memory (state is lost when the process exits)
   */
  dbFilename?: string;
  /**
   * Serve the Web UI.
   * @default false (`--headless`)
   */
  ui?: boolean;
  /**
   * Web UI port when `ui` is true.
   * @default a free port
   */
  uiPort?: number;
  /**
   * Frontend gRPC port.
   * @default a free port
   */
  port?: number;
  /**
   * Namespace created at start-up (the `default` namespace always exists too).
   * @default 'default'
   */
  namespace?: string;
  /** Custom search attributes registered at start-up, e.g. `{ GcsyncPhase: 'Keyword' }`. */
  searchAttributes?: Record<string, DevServerSearchAttributeType>;
  /**
   * Server log level: debug, info, warn, error, never.
   * @default 'warn'
   */
  logLevel?: string;
  /**
   * Path of the Temporal CLI.
   * @default found (or built) by {@link findTemporalCli}
   */
  cliPath?: string;
  /** Extra dynamic config values (`--dynamic-config-value KEY=JSON`), on top of the ones we always set. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /**
   * How long to wait for the frontend to answer.
   * @default 60_000
   */
  readyTimeoutMs?: number;
  /**
   * How long `stop()` waits after SIGTERM before sending SIGKILL.
   * @default 10_000
   */
  stopGraceMs?: number;
}

/** A dev server started by {@link startDevServer}. */
export interface RunningDevServer {
  /** gRPC frontend address for `Connection.connect` / `NativeConnection.connect`. */
  address: `127.0.0.1:${number}`;
  /** Web UI URL when started with `ui: true`. */
  uiUrl?: string;
  namespace: string;
  cliPath: string;
  pid: number;
  /** The last few KB the server wrote to stdout/stderr (for diagnosing test failures). */
  logs(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Raised when the server exits or fails to answer during start-up; the message carries its output. */
export class DevServerStartError extends Error {
  override readonly name = 'DevServerStartError';
}

// Always on: Update (used by approval flows) is off by default in this server version; the version check phones home.
const BASE_DYNAMIC_CONFIG: Record<string, boolean> = {
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableServerVersionCheck': false,
};

const LOG_TAIL_CHARS = 16_000;
const PORT_CLASH_ATTEMPTS = 3;

/**
 * Starts `temporal server start-dev` bound to 127.0.0.1 and resolves once `namespace` (and any requested search
 * attributes) answer. Ports not given are chosen free; if one is taken between choosing and binding, start-up is
 * retried with fresh ports.
 *
 * @throws DevServerStartError if the process exits early (message includes its stderr) or is not ready in time.
 */
export async function startDevServer(opts: DevServerOptions = {}): Promise<RunningDevServer> {
  const cliPath = opts.cliPath ?? (await resolveCliPath());
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(cliPath, opts);
    } catch (err) {
      const portsWereOurs = opts.port === undefined && (opts.uiPort === undefined || !opts.ui);
      const clash = err instanceof DevServerStartError && /address already in use/i.test(err.message);
      if (!(clash && portsWereOurs && attempt < PORT_CLASH_ATTEMPTS)) throw err;
    }
  }
}

async function resolveCliPath(): Promise<string> {
  const cli = await findTemporalCli();
  if (cli.source === 'sdk-download') {
    throw new DevServerStartError(
      'No Temporal CLI binary available (no Go to build one). Run `npm run temporal:ensure` on a machine with Go, ' +
        'set TEMPORAL_CLI_PATH, or use TestWorkflowEnvironment.createLocal() where the SDK can download it.',
    );
  }
  return cli.path;
}

async function startOnce(cliPath: string, opts: DevServerOptions): Promise<RunningDevServer> {
  const port = opts.port ?? (await findFreePort());
  const uiPort = opts.ui ? (opts.uiPort ?? (await findFreePort())) : undefined;
  const namespace = opts.namespace ?? 'default';
  const address = `127.0.0.1:${port}` as const;

  const child = spawn(cliPath, buildArgs(opts, port, uiPort, namespace), {
    detached: false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnParentExit(child);
  const output = captureOutput(child);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.once('error', (err) => resolve(`spawn error: ${err.message}`));
  });
  const stop = stopper(child, exited, opts.stopGraceMs ?? 10_000);

  try {
    await waitForFrontend({
      address,
      namespace,
      searchAttributes: Object.keys(opts.searchAttributes ?? {}),
      deadline: Date.now() + (opts.readyTimeoutMs ?? 60_000),
      aborted: exited.then(
        (how) => new DevServerStartError(`temporal server start-dev exited early (${how}):\n${output().trim()}`),
      ),
    });
  } catch (err) {
    await stop();
    if (err instanceof DevServerStartError) throw err;
    throw new DevServerStartError(`${(err as Error).message}\nserver output:\n${output().trim()}`);
  }

  return {
    address,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    namespace,
    cliPath,
    pid: child.pid ?? -1,
    logs: output,
    stop,
  };
}

function buildArgs(opts: DevServerOptions, port: number, uiPort: number | undefined, namespace: string): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push(...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]));
  // --http-port and --metrics-port are left out on purpose: the CLI then picks free ports itself, race-free.
  if (opts.dbFilename) args.push('--db-filename', opts.dbFilename);
  for (const [name, type] of Object.entries(opts.searchAttributes ?? {})) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  args.push('--log-level', opts.logLevel ?? 'warn');
  for (const [key, value] of Object.entries({ ...BASE_DYNAMIC_CONFIG, ...opts.dynamicConfig })) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  return args;
}

/** Keeps draining the pipes (a full pipe would block the server) and remembers the tail for error messages. */
function captureOutput(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail;
}

function stopper(child: ChildProcess, exited: Promise<string>, graceMs: number): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stopNow = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const inTime = await Promise.race([
        exited.then(() => true),
        sleep(graceMs, undefined, { ref: false }).then(() => false),
      ]);
      if (!inTime) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    forgetChild(child);
  };
  return () => (stopping ??= stopNow());
}
