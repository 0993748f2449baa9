/** SCIM outbox as one JSON file per IdP group, safe across processes on one machine. */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { lock } from 'proper-lockfile';
import { clearDelivered, mergeDelta, pendingDelta, type PendingOp } from '../scim/outbox-delta';
import { writeFileAtomic } from './atomic-file';
import { assertOutboxId, isoTime, SCIM_OUTBOX_KEY_RETENTION_MS } from './scim-outbox-common';
import type { ScimOutbox, ScimOutboxDelta, ScimOutboxEntry, ScimOutboxSummary } from './scim-outbox';

/** Options for {@link LocalScimOutbox}. */
export interface LocalScimOutboxOptions {
  /** Data folder; files go to `<dir>/scim-outbox/<percent-encoded IdP group id>.json`. */
  dir: string;
}

interface OutboxFile {
  idpGroupId: string;
  groupId: string;
  groupName: string;
  /** Set while ops are pending. */
  since?: string;
  attempts: number;
  lastError?: string;
  lastAttemptAt?: string;
  /** Pending op per member id. */
  ops: Record<string, PendingOp>;
  /** Delta keys recorded, with their time; kept after the ops are delivered so a late retry stays a no-op. */
  keys: Record<string, string>;
  /** Delivery lease: who holds it, until when (ISO). */
  leaseHolder?: string;
  leaseUntil?: string;
}

/**
 * File-based {@link ScimOutbox}. Each update is a read-modify-write of the group's file under a cross-process lock
 * (proper-lockfile), written atomically (temp file + rename). A delivered group keeps its (small) file for the delta
 * keys it remembers.
 */
export class LocalScimOutbox implements ScimOutbox {
  /** Absolute folder holding the outbox files. */
  readonly root: string;

  constructor(options: LocalScimOutboxOptions) {
    this.root = resolve(options.dir, 'scim-outbox');
  }

  /** See {@link ScimOutbox.record}. */
  async record(delta: ScimOutboxDelta): Promise<boolean> {
    assertOutboxId(delta.key, 'delta key');
    assertOutboxId(delta.groupId, 'groupId');
    const at = isoTime(delta.at);
    let recorded = false;
    await this.update(delta.idpGroupId, (file) => {
      if (Object.prototype.hasOwnProperty.call(file.keys, delta.key)) return;
      recorded = true;
      file.keys[delta.key] = at;
      const merged = mergeDelta(toMap(file.ops), delta);
      file.groupId = delta.groupId;
      file.groupName = delta.groupName;
      if (merged.size > 0) file.since ??= at;
      file.ops = Object.fromEntries(merged);
    });
    return recorded;
  }

  /** See {@link ScimOutbox.get}. Lock-free: files are only ever replaced whole. */
  async get(idpGroupId: string): Promise<ScimOutboxEntry | undefined> {
    const file = await this.read(idpGroupId);
    if (!file || Object.keys(file.ops).length === 0) return undefined;
    return { ...summaryOf(file), ...pendingDelta(toMap(file.ops)) };
  }

  /** See {@link ScimOutbox.clear}. */
  async clear(idpGroupId: string, delivered: { add: readonly string[]; remove: readonly string[] }): Promise<number> {
    let left = 0;
    await this.update(idpGroupId, (file) => {
      const remaining = clearDelivered(toMap(file.ops), delivered);
      file.ops = Object.fromEntries(remaining);
      left = remaining.size;
      if (left === 0) resetFailures(file);
    });
    return left;
  }

  /** See {@link ScimOutbox.claim}. */
  async claim(idpGroupId: string, holder: string, ttlMs: number): Promise<boolean> {
    assertOutboxId(holder, 'lease holder');
    let held = true;
    await this.update(idpGroupId, (file) => {
      if (Object.keys(file.ops).length === 0) return;
      const now = Date.now();
      const taken = file.leaseHolder !== undefined && file.leaseHolder !== holder;
      if (taken && Date.parse(file.leaseUntil ?? '') > now) {
        held = false;
        return;
      }
      file.leaseHolder = holder;
      file.leaseUntil = new Date(now + ttlMs).toISOString();
    });
    return held;
  }

  /** See {@link ScimOutbox.release}. */
  async release(idpGroupId: string, holder: string): Promise<void> {
    await this.update(idpGroupId, (file) => {
      if (file.leaseHolder !== holder) return;
      delete file.leaseHolder;
      delete file.leaseUntil;
    });
  }

  /** See {@link ScimOutbox.markFailed}. */
  async markFailed(idpGroupId: string, error: string, at?: string): Promise<void> {
    const when = isoTime(at);
    await this.update(idpGroupId, (file) => {
      if (Object.keys(file.ops).length === 0) return;
      file.attempts += 1;
      file.lastError = error;
      file.lastAttemptAt = when;
    });
  }

  /** See {@link ScimOutbox.list}. */
  async list(): Promise<ScimOutboxSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const summaries: ScimOutboxSummary[] = [];
    for (const name of names) {
      // Skips lock folders and temp files left by a crash (`.<name>.<pid>.<random>.tmp`).
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const file = await this.read(decodeURIComponent(name.slice(0, -'.json'.length)));
      if (file && Object.keys(file.ops).length > 0) summaries.push(summaryOf(file));
    }
    return summaries.sort(
      (a, b) =>
        a.since.localeCompare(b.since) || (a.idpGroupId < b.idpGroupId ? -1 : a.idpGroupId > b.idpGroupId ? 1 : 0),
    );
  }

  /** Nothing to release. */
  async close(): Promise<void> {}

  private async update(idpGroupId: string, change: (file: OutboxFile) => void): Promise<void> {
    assertIdpGroupId(idpGroupId);
    await mkdir(this.root, { recursive: true });
    const path = this.pathOf(idpGroupId);
    let compromised: Error | undefined;
    const release = await lock(path, {
      realpath: false,
      lockfilePath: `${path}.lock`,
      retries: { retries: 100, factor: 1.3, minTimeout: 5, maxTimeout: 250, randomize: true },
      // The default handler throws from a timer and would crash the worker; fail this call instead (it is retried).
      onCompromised: (err) => {
        compromised = err;
      },
    });
    try {
      const before = await this.read(idpGroupId);
      const file: OutboxFile = before ?? { idpGroupId, groupId: '', groupName: '', attempts: 0, ops: {}, keys: {} };
      const original = JSON.stringify(file);
      change(file);
      pruneKeys(file);
      const content = JSON.stringify(file);
      // A retried call usually changes nothing: skip the write (and its fsyncs).
      if (content === original) return;
      if (before === undefined && Object.keys(file.keys).length === 0) return;
      await writeFileAtomic(path, `${content}\n`);
      if (compromised) throw new Error(`outbox lock for ${idpGroupId} was lost mid-update: ${compromised.message}`);
    } finally {
      await release().catch(() => undefined);
    }
  }

  private async read(idpGroupId: string): Promise<OutboxFile | undefined> {
    assertIdpGroupId(idpGroupId);
    try {
      return JSON.parse(await readFile(this.pathOf(idpGroupId), 'utf8')) as OutboxFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private pathOf(idpGroupId: string): string {
    return join(this.root, `${encodeURIComponent(idpGroupId)}.json`);
  }
}

function toMap(ops: Record<string, PendingOp>): Map<string, PendingOp> {
  return new Map(Object.entries(ops));
}

function summaryOf(file: OutboxFile): ScimOutboxSummary {
  return {
    idpGroupId: file.idpGroupId,
    groupId: file.groupId,
    groupName: file.groupName,
    since: file.since ?? new Date(0).toISOString(),
    ops: Object.keys(file.ops).length,
    attempts: file.attempts,
    ...(file.lastError !== undefined ? { lastError: file.lastError } : {}),
    ...(file.lastAttemptAt !== undefined ? { lastAttemptAt: file.lastAttemptAt } : {}),
  };
}

function resetFailures(file: OutboxFile): void {
  delete file.since;
  delete file.leaseHolder;
  delete file.leaseUntil;
  delete file.lastError;
  delete file.lastAttemptAt;
  file.attempts = 0;
}

function pruneKeys(file: OutboxFile): void {
  const cutoff = Date.now() - SCIM_OUTBOX_KEY_RETENTION_MS;
  for (const [key, at] of Object.entries(file.keys)) if (Date.parse(at) < cutoff) delete file.keys[key];
}

function assertIdpGroupId(idpGroupId: string): void {
  assertOutboxId(idpGroupId, 'idpGroupId');
  if (encodeURIComponent(idpGroupId).length > 200) {
    throw new TypeError(`idpGroupId ${JSON.stringify(idpGroupId)} is too long for a file name`);
  }
}
