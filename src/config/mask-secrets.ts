/** What a masked value is replaced with; deliberately says nothing about length or prefix. */
export const MASK = '***';

// Keys whose values are secrets. `clientId` and `tokenLifetimeSeconds`-style names stay readable, and so do
// `...File` / `...Path` keys (`GENESYS_CLIENT_SECRET_FILE` holds where the secret is, which operators need to see).
const SECRET_KEY =
  /(secret|passw(or)?d|passphrase|credential|authorization|(access|refresh|api|auth|bearer|id)[-_]?token|^token$|(api|private|access|signing)[-_]?key|^key$|cookie)/i;

/**
 * Returns a deep copy of `value` that is safe to print: values under secret-looking keys (`clientSecret`,
 * `password`, `apiKey`, `token`, `authorization`, ...) become `"***"`, and any string that is a URL with a
 * password has the password masked (`postgres://app:***@db/gcsync`). Unset values (undefined, null, '') are kept
 * so the output still shows what is missing.
 */
export function maskSecrets<T>(value: T): T {
  return mask(value, new WeakMap()) as T;
}

function mask(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return maskUrlPassword(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime());
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(mask(item, seen));
    return copy;
  }
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretKey(key) && !isUnset(item) ? MASK : mask(item, seen);
  }
  return copy;
}

function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !/(file|path)$/i.test(key);
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function maskUrlPassword(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s]*:[^/\s]*@/i.test(text)) return text;
  try {
    const url = new URL(text);
    if (!url.password) return text;
    url.password = MASK;
    return url.toString();
  } catch {
    return text;
  }
}
