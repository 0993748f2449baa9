/** Blob store on the local file system: one file per key, replaced atomically. */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from './atomic-file';
import { assertValidKey, formatRef, keyToRelativePath, parseRef } from './blob-key';
import { compress, encodeValue, sha256Hex, toJsonBytes } from './blob-codec';
import type { BlobPutResult, BlobStore } from './blob-store';
import { BlobIntegrityError, BlobNotFoundError } from './errors';

/** Options for {@link LocalBlobStore}. */
export interface LocalBlobStoreOptions {
  /** Data folder; blobs go to `<dir>/blobs/<key segments, percent-encoded>`. */
  dir: string;
  /** Gzip stored files. Default true. Reading handles both, so this can change at any time. */
  gzip?: boolean;
}

/**
 * File-system {@link BlobStore} for a single machine (demo, tests, one worker host). Every write goes to a temporary
 * file that is fsynced and renamed over the target, so a crash never leaves a truncated blob.
 */
export class LocalBlobStore implements BlobStore {
  /** Absolute folder holding the blobs. */
  readonly root: string;
  private readonly gzip: boolean;

  constructor(options: LocalBlobStoreOptions) {
    this.root = resolve(options.dir, 'blobs');
    this.gzip = options.gzip ?? true;
  }

  /** See {@link BlobStore.put}. */
  async put(key: string, value: unknown): Promise<BlobPutResult> {
    assertValidKey(key);
    const { json, digest } = encodeValue(value);
    await writeFileAtomic(this.pathOf(key), this.gzip ? await compress(json) : json);
    return { ref: formatRef(key, digest), bytes: json.length, digest };
  }

  /** See {@link BlobStore.get}. */
  async get<T>(ref: string): Promise<T> {
    const json = await this.load(ref);
    if (!json) throw new BlobNotFoundError(ref);
    return JSON.parse(json.toString('utf8')) as T;
  }

  /**
   * See {@link BlobStore.has}. A bare key is an existence check; a ref with a digest reads and hashes the blob, so
   * that `has` is true exactly when `get` would succeed.
   */
  async has(ref: string): Promise<boolean> {
    const { key, digest } = parseRef(ref);
    if (digest === undefined) {
      try {
        await stat(this.pathOf(key));
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
    }
    try {
      return (await this.load(ref)) !== undefined;
    } catch (err) {
      if (err instanceof BlobIntegrityError) return false;
      throw err;
    }
  }

  /** Nothing to release. */
  async close(): Promise<void> {}

  private async load(ref: string): Promise<Buffer | undefined> {
    const { key, digest } = parseRef(ref);
    let stored: Buffer;
    try {
      stored = await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const json = await toJsonBytes(stored);
    if (digest !== undefined) {
      const actual = sha256Hex(json);
      if (actual !== digest) throw new BlobIntegrityError(ref, actual);
    }
    return json;
  }

  private pathOf(key: string): string {
    return join(this.root, ...keyToRelativePath(key));
  }
}
