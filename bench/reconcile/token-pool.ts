/**
 * `--clients C`: the worker environment for a token pool of C OAuth clients (issue 9 item 6).
 *
 * The emulator accepts one client id, and limits per token, so C logins with the same credentials give C independent
 * budgets, which is what C real clients give. The file format below is this harness's assumption of
 * `GENESYS_CLIENTS_FILE` (a JSON list of `{ clientId, clientSecretFile }`); adapt it here when the token pool lands.
 * A worker that ignores the variable logs in once: the report's "tokens issued" shows it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningEmulator } from '../../src/emulator';

/** Extra worker environment for `clients` > 1 (empty for 1); files are written under `dir`. */
export function tokenPoolEnv(emulator: RunningEmulator, clients: number, dir: string): Record<string, string> {
  if (clients <= 1) return {};
  const secretFile = join(dir, 'genesys-secret');
  writeFileSync(secretFile, emulator.state.options.clientSecret, { mode: 0o600 });
  const entries = Array.from({ length: clients }, () => ({
    clientId: emulator.state.options.clientId,
    clientSecretFile: secretFile,
  }));
  const file = join(dir, 'genesys-clients.json');
  writeFileSync(file, JSON.stringify(entries, null, 2), { mode: 0o600 });
  return { GENESYS_CLIENTS_FILE: file };
}
