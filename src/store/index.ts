/** Public API of the store module: claim-check blobs and the managed-mode ownership ledger. */
export { DEFAULT_DATA_DIR, openBlobStore } from './blob-store';
export type { BlobPutResult, BlobStore, StoreEnv } from './blob-store';
export { LocalBlobStore } from './local-blob-store';
export type { LocalBlobStoreOptions } from './local-blob-store';
export { DEFAULT_BLOB_TABLE, PostgresBlobStore } from './postgres-blob-store';
export type { PostgresBlobStoreOptions } from './postgres-blob-store';
export { BlobIntegrityError, BlobNotFoundError } from './errors';
export { openOwnershipLedger } from './ownership-ledger';
export type { OwnershipLedger } from './ownership-ledger';
export { LocalOwnershipLedger } from './local-ownership-ledger';
export type { LocalOwnershipLedgerOptions } from './local-ownership-ledger';
export { DEFAULT_LEDGER_TABLE, PostgresOwnershipLedger } from './postgres-ownership-ledger';
export type { PostgresOwnershipLedgerOptions } from './postgres-ownership-ledger';
export type { PgConnection } from './pg';
