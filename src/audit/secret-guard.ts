/**
 * Defence in depth for the rule that secrets never reach the audit log: even if a caller spreads an options object or
 * an HTTP error into an event, anything that looks like a credential is refused rather than persisted forever in a
 * tamper-evident (hence un-editable) log.
 */

/** Key names that suggest a credential. Deliberately broad: a false positive costs a rename, a miss costs a leak. */
const SECRET_KEY =
  /secret|token|passw(?:or)?d|passphrase|authori[sz]ation|api[-_]?key|credential|cookie|private[-_]?key/i;

/** Values that are credentials whatever their key is called (an Authorization header echoed in an error message). */
const SECRET_VALUE = [/\bBearer\s+[A-Za-z0-9._~+/-]{8,}/i, /\bBasic\s+[A-Za-z0-9+/]{8,}={0,2}/, /client_secret=/i];

/**
 * Returns a description of every secret-looking key or value in `value` (walked recursively), e.g.
 * `events[0].scimToken: key looks like a secret`; empty when clean.
 */
export function findSecretLookingFields(value: unknown, path = '$'): string[] {
  const found: string[] = [];
  walk(value, path, found, new Set());
  return found;
}

function walk(value: unknown, path: string, found: string[], seen: Set<object>): void {
  if (typeof value === 'string') {
    if (SECRET_VALUE.some((re) => re.test(value))) found.push(`${path}: value looks like a credential`);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => walk(item, `${path}[${i}]`, found, seen));
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) found.push(`${path}.${key}: key looks like a secret`);
    walk(child, `${path}.${key}`, found, seen);
  }
}
