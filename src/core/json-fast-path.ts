/**
 * A fast path for large rules documents written as JSON. The YAML parser (which also reads JSON, and reports
 * duplicate keys and line numbers) takes seconds on a few hundred KiB; `JSON.parse` takes milliseconds but keeps
 * the last of duplicate keys silently, so a linear scan for duplicates comes with it.
 */

/** Documents at least this long that parse as JSON skip the YAML parser (their issues carry no line numbers). */
export const JSON_FAST_PATH_MIN_LENGTH = 64 * 1024;

/** A duplicate key found by {@link findDuplicateJsonKey}. */
export interface DuplicateKey {
  key: string;
  /** 1-based line of the second occurrence. */
  line: number;
}

/**
 * The decoded value of `text` when it is valid JSON without duplicate keys; `{duplicate}` when a key repeats
 * inside one object; `undefined` when it is not JSON (the caller then parses it as YAML).
 */
export function parseJsonStrictly(text: string): { value: unknown } | { duplicate: DuplicateKey } | undefined {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const duplicate = findDuplicateJsonKey(text);
  return duplicate ? { duplicate } : { value };
}

/**
 * The first key that appears twice in one object of `text`, which must be valid JSON. Iterative and linear: it
 * tracks one key set per open object, reading string tokens exactly (escapes included).
 */
export function findDuplicateJsonKey(text: string): DuplicateKey | undefined {
  const scopes: Array<Set<string> | undefined> = []; // a Set per open object, undefined per open array
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    else if (ch === '{') scopes.push(new Set());
    else if (ch === '[') scopes.push(undefined);
    else if (ch === '}' || ch === ']') scopes.pop();
    else if (ch === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const token = text.slice(i, end + 1);
      i = end;
      let next = end + 1;
      while (next < text.length && /\s/.test(text[next])) next++;
      const keys = scopes[scopes.length - 1];
      if (text[next] !== ':' || keys === undefined) continue;
      const key = JSON.parse(token) as string;
      if (keys.has(key)) return { key, line };
      keys.add(key);
    }
  }
  return undefined;
}
