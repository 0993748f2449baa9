/**
 * `--clients C`: the worker environment for a token pool of C OAuth clients (issue 9 item 6). The emulator is told
 * to accept C − 1 more clients (each gets its own token and so its own rate budget, as at Genesys); they are listed
 * in `GENESYS_CLIENTS_FILE` (a JSON list of `{ clientId, clientSecretFile }`), and the worker's `GENESYS_CLIENT_ID`
 * stays the first token of the pool.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningEmulator } from '../../src/emulator';

/** Extra worker environment for `clients` > 1 (empty for 1); files are written under `dir`. */
export function tokenPoolEnv(emulator: RunningEmulator, clients: number, dir: string): Record<string, string> {
  if (clients <= 1) return {};
  const base = emulator.state.options;
  const entries = Array.from({ length: clients - 1 }, (_, i) => {
    const clientId = `${base.clientId}-pool-${i + 2}`;
    const secret = `${base.clientSecret}-pool-${i + 2}`;
    emulator.state.addClient({ clientId, clientSecret: secret });
    const clientSecretFile = join(dir, `genesys-secret-${i + 2}`);
    writeFileSync(clientSecretFile, secret, { mode: 0o600 });
    return { clientId, clientSecretFile };
  });
  const file = join(dir, 'genesys-clients.json');
  writeFileSync(file, JSON.stringify(entries, null, 2), { mode: 0o600 });
  return { GENESYS_CLIENTS_FILE: file };
}
