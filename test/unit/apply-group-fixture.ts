/**
 * Fixture for `applyGroup` tests: one in-memory Genesys group whose version moves on every change, real local blob
 * store and ownership ledger in a temporary folder, an in-memory audit sink, and a stored group plan computed by
 * `src/core` from what was observed and what is desired.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivityDeps } from '../../activities/deps';
import type { GenesysDirectory } from '../../activities/directory';
import type { StoredGroupPlan } from '../../activities/plan';
import type { ApplyGroupInput } from '../../activities/types';
import { MemoryAuditSink } from '../../src/audit/memory-sink';
import { planGroup } from '../../src/core/diff';
import { LocalBlobStore } from '../../src/store/local-blob-store';
import { LocalOwnershipLedger } from '../../src/store/local-ownership-ledger';

export const ctx = { workflowId: 'wf', runId: 'run-1' };

/** One group with a version that moves on every change, and a call log (`DELETE`, `POST v<expected>`, `GET ...`). */
export class OneGroup implements GenesysDirectory {
  version = 5;
  members = new Set<string>();
  calls: string[] = [];
  /** Called at the start of every write, before it takes effect (lets a test cancel or fail mid-apply). */
  beforeWrite: (op: 'add' | 'remove', ids: readonly string[]) => void = () => undefined;
  listUsersPage = async () => ({ users: [], pageNumber: 1, pageCount: 0, total: 0 });
  getUsersByIds = async () => [];
  listAllGroups = async () => [];
  async getGroup(id: string) {
    this.calls.push('GET group');
    return { id, name: 'G', version: this.version };
  }
  async getIndividuals() {
    this.calls.push('GET individuals');
    return [...this.members];
  }
  async addMembers(_id: string, ids: readonly string[], version: number) {
    this.calls.push(`POST v${version}`);
    this.beforeWrite('add', ids);
    if (version !== this.version) throw { status: 409, code: 'general.conflict', message: 'Unexpected version' };
    ids.forEach((u) => this.members.add(u));
    this.version += 1;
    return 202;
  }
  async removeMembers(_id: string, ids: readonly string[]) {
    this.calls.push('DELETE');
    this.beforeWrite('remove', ids);
    ids.forEach((u) => this.members.delete(u));
    this.version += 1;
    return 202;
  }
}

/** A temporary folder per test; call in the test file's top level. */
export function useTempDir(): () => string {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gcsync-apply-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** What {@link setUpGroup} returns. */
export interface ApplyGroupFixture {
  directory: OneGroup;
  audit: MemoryAuditSink;
  ledger: LocalOwnershipLedger;
  deps: ActivityDeps;
  input: ApplyGroupInput;
}

/**
 * Group `g1` observed with `observed` members at version 5, planned towards `desired` in `mode`; the plan is stored
 * in `dir` and `input` points at it. In managed mode the observed members the rules drop are owned by the tool.
 */
export async function setUpGroup(
  dir: string,
  mode: 'exact' | 'managed',
  observed: string[],
  desired: string[],
): Promise<ApplyGroupFixture> {
  const directory = new OneGroup();
  observed.forEach((u) => directory.members.add(u));
  const audit = new MemoryAuditSink();
  const ledger = new LocalOwnershipLedger({ dir });
  const deps: ActivityDeps = { directory, blobs: new LocalBlobStore({ dir, gzip: false }), audit, ledger };
  if (mode === 'managed')
    await ledger.recordAdded(
      'g1',
      observed.filter((u) => !desired.includes(u)),
    );
  const approved = planGroup({
    groupId: 'g1',
    groupName: 'G',
    mode,
    desired,
    current: observed,
    ownedByTool: await ledger.ownedBy('g1'),
  });
  const stored: StoredGroupPlan = {
    planId: 'p',
    planDigest: 'd',
    approved,
    target: { key: 'G', groupId: 'g1', groupName: 'G', mode, idpGroupId: 'g1', version: 5 },
    observedVersion: 5,
    desired,
    observed,
    members: { add: [], remove: [] },
  };
  const groupPlanRef = (await deps.blobs.put('plan-g1', stored)).ref;
  const input = { ctx, groupPlanRef, groupId: 'g1', approvalRef: 'policy' };
  return { directory, audit, ledger, deps, input };
}

/** `n` user ids `u000`, `u001`, … (sortable). */
export const ids = (n: number, prefix = 'u') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
