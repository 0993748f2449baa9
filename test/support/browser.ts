/**
 * Headless Debian Chromium for browser tests (driven by playwright-core), confined to loopback and leaving nothing
 * behind: a fresh profile per launch, removed on close, and no Chromium process outliving `close()`.
 *
 * ```ts
 * const browser = await launchBrowser();
 * try {
 *   await withFailureScreenshot(browser.page, 'my-test', () => browser.page.goto(url));
 * } finally {
 *   await browser.close();
 * }
 * ```
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The distribution's Chromium; Playwright's own browser downloads are not available (nor wanted) here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a quiet, sandbox-free headless Chromium: no GPU (none in CI), and none of the background traffic
 * (component updates, sync, QUIC probing, first-run pings) that would leave the loopback interface.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Options for {@link launchBrowser}. */
export interface LaunchBrowserOptions {
  /**
   * Chromium binary.
   * @default {@link CHROMIUM_PATH}
   */
  executablePath?: string;
  /**
   * Page size; wide enough that the Temporal Web UI shows its desktop layout (the mobile one hides the actions).
   * @default 1400 × 900
   */
  viewport?: { width: number; height: number };
  /**
   * How long Chromium may take to start, and the default timeout of every page action and wait.
   * @default 60_000 (a cold start on a busy 2-core machine takes several seconds)
   */
  timeoutMs?: number;
}

/** A running browser from {@link launchBrowser}; call `close()` in `finally` or `afterAll`. */
export interface TestBrowser {
  context: BrowserContext;
  /** The tab Chromium opened at start. */
  page: Page;
  /** The fresh profile directory; removed by `close()`. */
  userDataDir: string;
  /** Non-loopback URLs the pages tried to load; each was aborted. */
  blockedRequests: string[];
  /** Ids of live processes started with this profile (the browser and its helpers); Linux only, else []. */
  processIds(): number[];
  /**
   * Closes the browser, waits for every process of this profile to exit (killing, by id, any that outlive the
   * grace period) and removes the profile. Idempotent. Resolves to the ids it had to kill, [] after a clean exit.
   */
  close(): Promise<number[]>;
}

const CLOSE_GRACE_MS = 10_000;

/**
 * Starts headless Chromium with {@link CHROMIUM_ARGS} and a fresh temporary profile.
 *
 * Playwright refuses `--user-data-dir` in `chromium.launch({ args })`, so the profile is handed to
 * `launchPersistentContext` instead, which passes it to Chromium as `--user-data-dir`. Requests to anything but
 * loopback are aborted and recorded, so a page cannot reach the network even if the flags miss a path.
 */
export async function launchBrowser(opts: LaunchBrowserOptions = {}): Promise<TestBrowser> {
  const executablePath = opts.executablePath ?? CHROMIUM_PATH;
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath} (Debian: apt-get install chromium)`);
  }
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const userDataDir = mkdtempSync(join(tmpdir(), 'gcsync-chromium-'));
  const processIds = () => processesUsing(userDataDir);
  const removeProfile = () => rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });

  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      args: [...CHROMIUM_ARGS],
      headless: true,
      viewport: opts.viewport ?? { width: 1400, height: 900 },
      timeout: timeoutMs,
    });
  } catch (err) {
    killAll(processIds());
    removeProfile();
    throw err;
  }
  context.setDefaultTimeout(timeoutMs);

  const blockedRequests: string[] = [];
  await context.route(
    (url) => !isLoopback(url),
    (route) => {
      blockedRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );

  let closing: Promise<number[]> | undefined;
  const close = async (): Promise<number[]> => {
    await Promise.race([context.close().catch(() => undefined), sleep(CLOSE_GRACE_MS, undefined, { ref: false })]);
    // Helpers (zygote, renderers) exit shortly after the browser process; wait for them rather than assume.
    const deadline = Date.now() + CLOSE_GRACE_MS;
    let left = processIds();
    while (left.length && Date.now() < deadline) {
      await sleep(100);
      left = processIds();
    }
    killAll(left);
    removeProfile();
    return left;
  };

  try {
    const page = context.pages()[0] ?? (await context.newPage());
    return { context, page, userDataDir, blockedRequests, processIds, close: () => (closing ??= close()) };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Runs `fn`; if it throws, saves a full-page screenshot as `<label>-<timestamp>.png` in the OS temp dir and
 * rethrows with the path appended, so a failed run in CI says where to look.
 */
export async function withFailureScreenshot<T>(page: Page, label: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const path = join(tmpdir(), `${label}-${new Date().toISOString().replace(/[:.]/g, '-')}.png`);
    const saved = await page.screenshot({ path, fullPage: true, timeout: 15_000 }).then(
      () => `screenshot: ${path}`,
      (shotErr: unknown) => `no screenshot (${(shotErr as Error).message})`,
    );
    if (err instanceof Error) {
      // Jest prints the stack, which holds its own copy of the message taken when the error was made.
      const original = err.message;
      err.message = `${original}\n${saved}`;
      if (err.stack?.includes(original)) err.stack = err.stack.replace(original, err.message);
      throw err;
    }
    throw new Error(`${String(err)}\n${saved}`, { cause: err });
  }
}

function isLoopback(url: URL): boolean {
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return true; // data:, blob:, about: stay local
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

/**
 * Live processes whose command line names `userDataDir`. The profile path is unique to one launch, so this finds
 * exactly our Chromium and never another test's or a user's browser.
 */
function processesUsing(userDataDir: string): number[] {
  if (process.platform !== 'linux') return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // A zombie's cmdline is empty, so exited-but-unreaped helpers do not count as alive.
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(userDataDir)) pids.push(Number(entry));
    } catch {
      // the process exited while we were looking
    }
  }
  return pids;
}

function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
