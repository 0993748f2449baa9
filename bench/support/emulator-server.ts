/**
 * Child process of the throughput benchmark: runs one unthrottled emulator and prints a single JSON line
 * `{url, port, startupMs, groupIds}` once it is listening. Stops on SIGTERM/SIGINT.
 *
 * Usage: node --import tsx bench/support/emulator-server.ts '<EmulatorOptions JSON>'
 */
import { startEmulator } from '../../src/emulator';

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
  const started = process.hrtime.bigint();
  const emulator = await startEmulator({ quiet: true, rateLimitPerMinute: 0, ...opts });
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  const groupIds = emulator.state.listGroups().map((g) => g.id);
  process.stdout.write(JSON.stringify({ url: emulator.url, port: emulator.port, startupMs, groupIds }) + '\n');
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator-server: ${String(err)}\n`);
  process.exit(1);
});
