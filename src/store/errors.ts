/** Error types raised by the claim-check store. */

/** No object is stored under the ref's key. */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(readonly ref: string) {
    super(`no blob stored for ${ref}`);
  }
}

/**
 * The stored object is not the one the ref names: its digest differs (the key was overwritten with other content, or
 * the bytes were damaged). Retrying will not help.
 */
export class BlobIntegrityError extends Error {
  override readonly name = 'BlobIntegrityError';
  constructor(
    readonly ref: string,
    readonly actualDigest: string,
  ) {
    super(`blob ${ref} does not match its digest (stored content has sha256 ${actualDigest})`);
  }
}
