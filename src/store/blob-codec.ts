/** Serialisation of blob values: canonical JSON bytes, their SHA-256 digest, optional gzip. */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { canonicalJson } from '../core/canonical-json';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

/** A value serialised for storage. */
export interface EncodedValue {
  /** Canonical JSON, UTF-8: the same value always yields the same bytes and digest, on every backend. */
  json: Buffer;
  /** Lower-case hex SHA-256 of `json`. */
  digest: string;
}

/** Serialises a JSON-compatible value; throws `TypeError` for values JSON cannot represent faithfully. */
export function encodeValue(value: unknown): EncodedValue {
  const json = Buffer.from(canonicalJson(value), 'utf8');
  return { json, digest: sha256Hex(json) };
}

/** Lower-case hex SHA-256. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Compresses for storage. */
export function compress(json: Buffer): Promise<Buffer> {
  return gzip(json);
}

/**
 * Returns the JSON bytes of stored content, gunzipping when it starts with the gzip magic number. JSON text never
 * starts with byte 0x1f, so stored objects need no separate flag and compression can be switched at any time.
 */
export async function toJsonBytes(stored: Buffer): Promise<Buffer> {
  return stored.length >= 2 && stored[0] === 0x1f && stored[1] === 0x8b ? gunzip(stored) : stored;
}
