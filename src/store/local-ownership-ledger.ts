/** Ownership ledger as one JSON file per group, safe across processes on one machine. */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { lock } from 'proper-lockfile';
import { writeFileAtomic } from './atomic-file';
import type { OwnershipLedger } from './ownership-ledger';

/** Options for {@link LocalOwnershipLedger}. */
export interface LocalOwnershipLedgerOptions {
  /** Data folder; files go to `<dir>/ledger/<percent-encoded group id>.json`. */
  dir: string;
}

interface LedgerFile {
  groupId: string;
  owned: string[];
}

/**
 * File-based {@link OwnershipLedger}. Each update is a read-modify-write of the group's file under a cross-process
 * lock (proper-lockfile), written atomically (temp file + rename), so concurrent workers never lose each other's
 * updates and a crash never leaves a half-written file.
 */
export class LocalOwnershipLedger implements OwnershipLedger {
  /** Absolute folder holding the ledger files. */
  readonly root: string;

  constructor(options: LocalOwnershipLedgerOptions) {
    this.root = resolve(options.dir, 'ledger');
  }

  /** See {@link OwnershipLedger.recordAdded}. */
  recordAdded(groupId: string, userIds: readonly string[]): Promise<void> {
    return this.update(groupId, (owned) => userIds.forEach((id) => owned.add(id)));
  }

  /** See {@link OwnershipLedger.recordRemoved}. */
  recordRemoved(groupId: string, userIds: readonly string[]): Promise<void> {
    return this.update(groupId, (owned) => userIds.forEach((id) => owned.delete(id)));
  }

  /** See {@link OwnershipLedger.ownedBy}. Lock-free: files are only ever replaced whole. */
  async ownedBy(groupId: string): Promise<string[]> {
    return [...(await this.read(groupId))].sort();
  }

  /** Nothing to release. */
  async close(): Promise<void> {}

  private async update(groupId: string, change: (owned: Set<string>) => void): Promise<void> {
    assertGroupId(groupId);
    await mkdir(this.root, { recursive: true });
    const file = this.pathOf(groupId);
    let compromised: Error | undefined;
    const release = await lock(file, {
      realpath: false,
      lockfilePath: `${file}.lock`,
      retries: { retries: 100, factor: 1.3, minTimeout: 5, maxTimeout: 250, randomize: true },
      // The default handler throws from a timer and would crash the worker; fail this call instead, so its retry
      // re-applies the (idempotent) change after whatever the other writer did.
      onCompromised: (err) => {
        compromised = err;
      },
    });
    try {
      const owned = await this.read(groupId);
      const before = [...owned].sort();
      change(owned);
      const after = [...owned].sort();
      // A retried call usually changes nothing: skip the write (and its fsyncs).
      if (after.length === before.length && after.every((id, i) => id === before[i])) return;
      const content: LedgerFile = { groupId, owned: after };
      await writeFileAtomic(file, `${JSON.stringify(content)}\n`);
      if (compromised) throw new Error(`ledger lock for group ${groupId} was lost mid-update: ${compromised.message}`);
    } finally {
      await release().catch(() => undefined);
    }
  }

  private async read(groupId: string): Promise<Set<string>> {
    assertGroupId(groupId);
    try {
      const content = JSON.parse(await readFile(this.pathOf(groupId), 'utf8')) as LedgerFile;
      return new Set(content.owned);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
      throw err;
    }
  }

  private pathOf(groupId: string): string {
    return join(this.root, `${encodeURIComponent(groupId)}.json`);
  }
}

function assertGroupId(groupId: string): void {
  if (groupId === '' || encodeURIComponent(groupId).length > 200) {
    throw new Error(`invalid group id ${JSON.stringify(groupId)} (empty, or too long for a file name)`);
  }
}
