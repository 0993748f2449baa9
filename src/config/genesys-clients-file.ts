/**
 * The token pool's OAuth clients, from the file named by `GENESYS_CLIENTS_FILE` (YAML or JSON). Genesys enforces
 * its rate limits per token (reference §4), so several OAuth clients give a worker several budgets. The file holds
 * client ids and where each secret is — never a secret itself:
 *
 * ```yaml
 * clients:
 *   - clientId: 0a1b...            # OAuth client id
 *     clientSecretFile: genesys-b  # a file holding the secret (relative paths: next to this file)
 *   - clientId: 9f8e...
 *     clientSecretEnv: GENESYS_CLIENT_SECRET_C   # or an environment variable holding it
 * ```
 *
 * A bare list (without `clients:`) is accepted too. Every problem is reported in one {@link ConfigError} naming the
 * entry and field; no message contains a secret.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ConfigIssue } from './config-error';

/** One OAuth client's credentials. */
export interface GenesysCredentials {
  clientId: string;
  clientSecret: string;
}

const VARIABLE = 'GENESYS_CLIENTS_FILE';
/** The file lists a handful of ids and paths; anything bigger is not a clients file. */
const MAX_FILE_BYTES = 64 * 1024;
/** More tokens than this is not a pool but a way round the service's limits. */
const MAX_CLIENTS = 20;

const entrySchema = z
  .object({
    clientId: z.string().trim().min(1, 'must not be empty'),
    clientSecretFile: z.string().trim().min(1).optional(),
    clientSecretEnv: z.string().trim().min(1).optional(),
  })
  .strict();

const fileSchema = z.union([z.object({ clients: z.array(z.unknown()) }).strict(), z.array(z.unknown())]);

/**
 * Reads the clients file and every secret it points at.
 *
 * @returns the credentials, or the issues found (file unreadable, malformed, an entry wrong, a secret missing).
 */
export function readGenesysClientsFile(
  file: string,
  env: NodeJS.ProcessEnv,
): { clients: GenesysCredentials[] } | { issues: ConfigIssue[] } {
  const text = readSmallFile(file);
  if (typeof text !== 'string') return { issues: [text] };
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 0, prettyErrors: false });
  } catch (err) {
    return { issues: [{ variable: VARIABLE, problem: `is not valid YAML or JSON: ${firstLine(err)}` }] };
  }
  const shape = fileSchema.safeParse(doc);
  if (!shape.success) {
    return { issues: [{ variable: VARIABLE, problem: 'must hold a list of clients (or `clients:` with a list)' }] };
  }
  const entries = Array.isArray(shape.data) ? shape.data : shape.data.clients;
  if (entries.length === 0) return { issues: [{ variable: VARIABLE, problem: 'lists no clients' }] };
  if (entries.length > MAX_CLIENTS) {
    return { issues: [{ variable: VARIABLE, problem: `lists ${entries.length} clients; at most ${MAX_CLIENTS}` }] };
  }
  const issues: ConfigIssue[] = [];
  const clients: GenesysCredentials[] = [];
  entries.forEach((raw, index) => {
    const where = `${VARIABLE} clients[${index}]`;
    if (typeof raw === 'object' && raw !== null && 'clientSecret' in raw) {
      issues.push({
        variable: where,
        problem:
          'has clientSecret: put the secret in a file (clientSecretFile) or an environment variable (clientSecretEnv), never in this file',
      });
      return;
    }
    const entry = entrySchema.safeParse(raw);
    if (!entry.success) {
      const i = entry.error.issues[0];
      const field = i.path.length ? `.${i.path.join('.')}` : '';
      const problem = i.code === 'unrecognized_keys' ? `has unknown field(s) ${i.keys.join(', ')}` : i.message;
      issues.push({ variable: `${where}${field}`, problem });
      return;
    }
    const e = entry.data;
    if (!!e.clientSecretFile === !!e.clientSecretEnv) {
      issues.push({ variable: where, problem: 'needs exactly one of clientSecretFile or clientSecretEnv' });
      return;
    }
    const secret = e.clientSecretFile
      ? readSecret(resolve(dirname(file), e.clientSecretFile), `${where}.clientSecretFile`)
      : secretFromEnv(env, e.clientSecretEnv as string, `${where}.clientSecretEnv`);
    if (typeof secret !== 'string') issues.push(secret);
    else clients.push({ clientId: e.clientId, clientSecret: secret });
  });
  return issues.length ? { issues } : { clients };
}

function readSmallFile(file: string): string | ConfigIssue {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return { variable: VARIABLE, problem: `is not a regular file: ${file}` };
    if (stat.size > MAX_FILE_BYTES)
      return { variable: VARIABLE, problem: `is larger than ${MAX_FILE_BYTES} bytes: ${file}` };
    return readFileSync(file, 'utf8');
  } catch (err) {
    return {
      variable: VARIABLE,
      problem: `cannot be read: ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    };
  }
}

function readSecret(file: string, variable: string): string | ConfigIssue {
  let content: string;
  try {
    const stat = statSync(file);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES)
      return { variable, problem: `is not a small regular file: ${file}` };
    content = readFileSync(file, 'utf8');
  } catch (err) {
    return { variable, problem: `cannot be read: ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})` };
  }
  const secret = content.trim();
  return secret ? secret : { variable, problem: `points at an empty file: ${file}` };
}

function secretFromEnv(env: NodeJS.ProcessEnv, name: string, variable: string): string | ConfigIssue {
  const secret = env[name]?.trim();
  return secret ? secret : { variable, problem: `names ${name}, which is unset or empty` };
}

/** The parser's first line only: YAML errors can quote the offending source line, which is fine, but keep it short. */
function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].slice(0, 200);
}
