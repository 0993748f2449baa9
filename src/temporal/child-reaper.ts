/**
 * Last-resort cleanup for child processes (dev servers) when the parent goes away without calling `stop()`, so a
 * crashed or killed test run does not leave `temporal` processes holding ports and memory.
 *
 * Two layers: an 'exit' hook for normal exits (including `process.exit()`), and a tiny `sh` watchdog per child for
 * deaths that skip 'exit' (SIGTERM/SIGKILL of the parent, e.g. a CI runner's timeout). We deliberately install no
 * signal listeners: a listener changes the process's default reaction to that signal and, next to other polite
 * listeners (tsx, Temporal's worker runtime), can leave a process that never exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';

interface Tracked {
  child: ChildProcess;
  watchdog?: ChildProcess;
}

const tracked = new Map<ChildProcess, Tracked>();
let exitHookInstalled = false;

// Polls once a second; exits as soon as either process is gone, and only kills the child if the parent died.
const WATCHDOG_SCRIPT =
  'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; ' +
  'kill -0 "$1" 2>/dev/null || kill -KILL "$2" 2>/dev/null';

/** Arranges for `child` to be SIGKILLed if this process exits or dies while the child is still running. */
export function killOnParentExit(child: ChildProcess): void {
  installExitHook();
  const entry: Tracked = { child, watchdog: startWatchdog(child) };
  tracked.set(child, entry);
  child.once('exit', () => forgetChild(child));
}

/** Stops watching `child` (after it exited or was stopped normally). */
export function forgetChild(child: ChildProcess): void {
  const entry = tracked.get(child);
  tracked.delete(child);
  if (entry?.watchdog && entry.watchdog.exitCode === null) entry.watchdog.kill('SIGKILL');
}

function startWatchdog(child: ChildProcess): ChildProcess | undefined {
  if (child.pid === undefined || process.platform === 'win32') return undefined;
  try {
    const watchdog = spawn(
      '/bin/sh',
      ['-c', WATCHDOG_SCRIPT, 'gcsync-watchdog', String(process.pid), String(child.pid)],
      {
        // Own process group, so a Ctrl-C to the terminal does not kill the watchdog before it can act.
        detached: true,
        stdio: 'ignore',
      },
    );
    watchdog.on('error', () => undefined); // no /bin/sh: the 'exit' hook still covers normal exits
    watchdog.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    // SIGKILL because nothing asynchronous can run after 'exit'; the dev server's SQLite store survives a kill.
    for (const { child, watchdog } of tracked.values()) {
      for (const proc of [child, watchdog]) {
        try {
          proc?.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    tracked.clear();
  });
}
