/**
 * Canonical JSON: the one serialisation that hashes (plan digests, audit hash chain) are computed over.
 * Object keys are sorted by UTF-16 code unit and there is no whitespace, so equal values always give equal
 * text regardless of how they were built or which store they came back from. Strings and numbers are written
 * exactly as `JSON.stringify` writes them, which matches RFC 8785 (JCS) for the values this project hashes.
 */

/**
 * Serialises `value` canonically.
 *
 * Follows `JSON.stringify` where that is lossless (`toJSON()` is honoured, so a `Date` becomes its ISO string;
 * object properties whose value is `undefined` are omitted) and throws `TypeError` where it would silently lose
 * or invent data: `undefined` at top level or inside arrays, functions, symbols, bigints, non-finite numbers,
 * cycles, and class instances such as `Map` or `Set` (which would become `{}`). A digest over lossy text would
 * not protect anything.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, new Set(), '$');
  return out.join('');
}

function write(value: unknown, out: string[], ancestors: Set<object>, path: string): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${path}`);
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot serialise ${typeof value} at ${path}`);
  }

  const obj = value as object;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    write((obj as { toJSON: () => unknown }).toJSON(), out, ancestors, path);
    return;
  }
  if (ancestors.has(obj)) throw new TypeError(`canonicalJson: cycle at ${path}`);
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      out.push('[');
      obj.forEach((item: unknown, i) => {
        if (i > 0) out.push(',');
        write(item, out, ancestors, `${path}[${i}]`);
      });
      out.push(']');
      return;
    }
    if (!isPlainObject(obj)) {
      const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? 'class';
      throw new TypeError(`canonicalJson: cannot serialise a ${name} instance at ${path}`);
    }
    const record = obj as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    out.push('{');
    keys.forEach((key, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(key), ':');
      write(record[key], out, ancestors, `${path}.${key}`);
    });
    out.push('}');
  } finally {
    ancestors.delete(obj);
  }
}

// Plain objects from any realm: workflow code runs in its own V8 context, whose Object.prototype differs from
// the worker's, so comparing against this realm's Object.prototype would reject legitimate values.
function isPlainObject(obj: object): boolean {
  const proto = Object.getPrototypeOf(obj) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}
