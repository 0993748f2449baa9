/** Blob keys and refs: validation, the ref format, and the mapping of keys to relative file paths. */

/** A ref split into its key and, when present, the digest it pins. */
export interface ParsedRef {
  key: string;
  digest?: string;
}

const REF = /^(.+)#sha256:([0-9a-f]{64})$/;
const MAX_KEY_BYTES = 1024;
const MAX_SEGMENT_BYTES = 200;

/**
 * Checks a key: `/`-separated segments, none empty, `.` or `..`; no backslash, `#` (the ref separator) or control
 * characters; at most 1024 bytes. Anything else (spaces, `:`, `@`, unicode) is allowed, since keys embed workflow ids.
 */
export function assertValidKey(key: string): void {
  const problem =
    key === '' || Buffer.byteLength(key) > MAX_KEY_BYTES
      ? `must be 1..${MAX_KEY_BYTES} bytes`
      : // eslint-disable-next-line no-control-regex
        /[\\#\u0000-\u001f\u007f]/.test(key)
        ? 'must not contain a backslash, # or control characters'
        : key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
          ? 'must not have empty, "." or ".." segments (no leading, trailing or double slashes)'
          : undefined;
  if (problem) throw new Error(`invalid blob key ${JSON.stringify(key)}: ${problem}`);
}

/** The ref returned by `put`: the key pinned to the content digest, `<key>#sha256:<hex>`. */
export function formatRef(key: string, digest: string): string {
  return `${key}#sha256:${digest}`;
}

/** Parses a ref from `put`, or a bare key (which then resolves to whatever is stored under it). */
export function parseRef(ref: string): ParsedRef {
  const match = REF.exec(ref);
  const parsed: ParsedRef = match ? { key: match[1], digest: match[2] } : { key: ref };
  assertValidKey(parsed.key);
  return parsed;
}

/**
 * Maps a key to a relative path with one folder per segment, percent-encoding each segment so any allowed key is a
 * safe, portable file name (no `:` or `*` reaching a Windows file system, no case-folding surprises from `%`).
 */
export function keyToRelativePath(key: string): string[] {
  return key.split('/').map((segment) => {
    const encoded = encodeURIComponent(segment).replace(/\*/g, '%2A');
    if (encoded.length > MAX_SEGMENT_BYTES) {
      throw new Error(`blob key segment too long for a file name (${encoded.length} > ${MAX_SEGMENT_BYTES} bytes)`);
    }
    return encoded;
  });
}
