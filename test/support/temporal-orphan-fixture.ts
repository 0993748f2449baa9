/**
 * Child-process fixture for the "no stray dev servers" test: starts a dev server, prints its pid as JSON on
 * stdout, then either calls `process.exit()` without stopping it (`exit`) or waits to be killed (`wait`).
 */
import { startDevServer } from '../../src/temporal/dev-server';

async function run(mode: string): Promise<void> {
  const server = await startDevServer({ cliPath: process.env.TEMPORAL_CLI_PATH });
  process.stdout.write(`${JSON.stringify({ pid: server.pid })}\n`);
  if (mode === 'exit') process.exit(0);
  setInterval(() => undefined, 60_000);
}

run(process.argv[2] ?? 'wait').catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
