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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Credential-looking text and what replaces it: the scheme stays, so a reader still sees what was there. */
const REDACTIONS: Array<[RegExp, string]> = [
  [/\bBearer\s+[A-Za-z0-9._~+/-]{8,}/gi, 'Bearer [redacted]'],
  [/\bBasic\s+[A-Za-z0-9+/]{8,}={0,2}/g, 'Basic [redacted]'],
  [/client_secret=[^&\s]*/gi, 'client_secret:[redacted]'],
];

/**
 * Makes one string safe to store as audit data: credential-looking parts are replaced (`Bearer [redacted]`), NUL
 * characters become the six characters `\u0000` (PostgreSQL `jsonb` cannot hold NUL) and unpaired UTF-16
 * surrogates become U+FFFD. Deterministic, so a retried activity stores the same text under the same id.
 */
export function neutralizeAuditText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REDACTIONS) out = out.replace(pattern, replacement);
  return out.replace(/\0/g, '\\u0000').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Names, messages and error texts are data: a Genesys group called `Bearer AAAA…` or one with a NUL in its name
 * must not make the audit refuse an event (and a run retry it forever). Returns a copy of `event` in which every
 * string value has gone through {@link neutralizeAuditText}; keys are left alone, so a secret-looking key (a caller
 * spreading an options object) is still refused by the sink: that is a bug to fix, not data.
 */
export function neutralizeAuditEvent<T>(event: T): T {
  return neutralize(event, 0) as T;
}

// Audit events are shallow (a few levels); the cap only stops a pathological value from exhausting the stack.
const MAX_DEPTH = 32;

function neutralize(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return neutralizeAuditText(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => neutralize(item, depth + 1));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // not JSON data; the sink's checks decide
  // fromEntries defines own properties, so a key named __proto__ stays a key and never becomes a prototype.
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, neutralize(child, depth + 1)]));
}
