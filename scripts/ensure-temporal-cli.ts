/**
 * `npm run temporal:ensure`: makes sure a Temporal CLI binary is available (building and caching it if needed) and
 * prints where it is. CI runs this once before the integration tests so the build cost is paid up front.
 *
 * Output (stdout): `<path>\t<source>`; exit code 1 if none could be found or built.
 */
import { findTemporalCli } from '../src/temporal/cli-binary';

async function run(): Promise<void> {
  const { path, source } = await findTemporalCli();
  process.stdout.write(`${path || '(none)'}\t${source}\n`);
}

run().catch((err: unknown) => {
  console.error(`temporal:ensure: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
