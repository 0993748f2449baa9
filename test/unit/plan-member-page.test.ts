/**
 * Paging a changed group's member lines: the pure pager (src/core/plan-member-page.ts) and the stored-plan reader
 * over a real local blob store holding a plan laid out as `computePlan` stores it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredGroupPlan, StoredPlanManifest } from '../../activities/plan';
import type { ChangedGroup } from '../../activities/types';
import {
  MAX_MEMBER_PAGE_SIZE,
  memberPage,
  parseMemberPageRequest,
  type PlanMemberRecord,
} from '../../src/core/plan-member-page';
import { LocalBlobStore } from '../../src/store/local-blob-store';
import { PlanGroupNotChangedError, StoredPlanMissingError, StoredPlanReader } from '../../src/store/plan-reader';

const member = (id: string): PlanMemberRecord => ({
  id,
  name: `User ${id}`,
  email: `${id}@example.com`,
  clause: 'include.any[0]',
  reason: `reason of ${id}`,
});
const members = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => member(`${prefix}${i + 1}`));

describe('memberPage', () => {
  const group = { remove: members('r', 3), add: members('a', 4) };

  it('lists removals first, then additions, each line saying which it is', () => {
    const page = memberPage(group, { page: 1, pageSize: 5 });
    expect(page.lines.map((l) => `${l.op}:${l.id}`)).toEqual([
      'remove:r1',
      'remove:r2',
      'remove:r3',
      'add:a1',
      'add:a2',
    ]);
    expect(page).toMatchObject({ page: 1, pageSize: 5, total: 7, pages: 2 });
    expect(page.lines[0]).toEqual({ op: 'remove', ...member('r1') });
  });

  it('pages cover every line exactly once, whatever the page size', () => {
    for (const pageSize of [1, 2, 3, 6, 7, 50]) {
      const seen: string[] = [];
      const { pages } = memberPage(group, { page: 1, pageSize });
      for (let p = 1; p <= pages; p++) seen.push(...memberPage(group, { page: p, pageSize }).lines.map((l) => l.id));
      expect(seen).toEqual(['r1', 'r2', 'r3', 'a1', 'a2', 'a3', 'a4']);
    }
  });

  it('a page past the end is empty but still tells the totals', () => {
    expect(memberPage(group, { page: 3, pageSize: 5 })).toEqual({
      page: 3,
      pageSize: 5,
      total: 7,
      pages: 2,
      lines: [],
    });
    expect(memberPage({ add: [], remove: [] }, { page: 1, pageSize: 5 })).toMatchObject({
      total: 0,
      pages: 0,
      lines: [],
    });
  });
});

describe('parseMemberPageRequest', () => {
  it('takes defaults, numbers and query-string text', () => {
    expect(parseMemberPageRequest()).toEqual({ page: 1, pageSize: 100 });
    expect(parseMemberPageRequest('3', '20')).toEqual({ page: 3, pageSize: 20 });
    expect(parseMemberPageRequest(2, MAX_MEMBER_PAGE_SIZE)).toEqual({ page: 2, pageSize: MAX_MEMBER_PAGE_SIZE });
  });

  it.each([
    ['0', undefined, 'page must be a whole number ≥ 1'],
    ['1.5', undefined, 'page must be a whole number ≥ 1'],
    ['x', undefined, 'page must be a whole number ≥ 1'],
    [undefined, '0', 'pageSize must be a whole number from 1 to 1000'],
    [undefined, '1001', 'pageSize must be a whole number from 1 to 1000'],
    [undefined, '-5', 'pageSize must be a whole number from 1 to 1000'],
  ])('refuses page=%s pageSize=%s', (page, pageSize, message) => {
    expect(parseMemberPageRequest(page, pageSize)).toBe(message);
  });
});

describe('StoredPlanReader', () => {
  let dir: string;
  let blobs: LocalBlobStore;
  let planRef: string;
  const digest = 'd'.repeat(64);

  const storeGroup = async (groupId: string, groupName: string, add: number, remove: number, planDigest = digest) => {
    const stored = {
      planId: 'plan-1',
      planDigest,
      members: { add: members(`${groupId}-a`, add), remove: members(`${groupId}-r`, remove) },
    } as unknown as StoredGroupPlan;
    const { ref } = await blobs.put(`runs/w/r/plan/${groupId}.json`, stored);
    return { key: groupName, groupId, groupName, mode: 'exact', idpGroupId: groupId, version: 1, groupPlanRef: ref };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gcsync-plan-reader-'));
    blobs = new LocalBlobStore({ dir, gzip: true });
    const changed: ChangedGroup[] = [
      (await storeGroup('g1', 'Support', 120, 5)) as ChangedGroup,
      (await storeGroup('g2', 'Sales', 0, 2)) as ChangedGroup,
      (await storeGroup('g3', 'Stale', 1, 0, 'e'.repeat(64))) as ChangedGroup,
    ];
    const changedRef = (await blobs.put('runs/w/r/changed.json', changed)).ref;
    const manifest: Partial<StoredPlanManifest> = { planId: 'plan-1', planDigest: digest, changedRef };
    planRef = (await blobs.put('runs/w/r/plan.json', manifest)).ref;
  });
  afterAll(async () => {
    await blobs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a group by id or by name and pages its member lines', async () => {
    const reader = new StoredPlanReader(blobs);
    const byName = await reader.groupPage(planRef, 'Support', { page: 2, pageSize: 100 });
    expect(byName).toMatchObject({
      planId: 'plan-1',
      planDigest: digest,
      group: { groupId: 'g1', groupName: 'Support', adds: 120, removes: 5 },
      page: 2,
      total: 125,
      pages: 2,
    });
    expect(byName.lines.map((l) => l.id)).toEqual(
      members('g1-a', 120)
        .slice(95)
        .map((m) => m.id),
    );
    const byId = await reader.groupPage(planRef, 'g2', { page: 1, pageSize: 10 });
    expect(byId.lines).toEqual(members('g2-r', 2).map((m) => ({ op: 'remove', ...m })));
  });

  it('says when the plan changes no such group', async () => {
    await expect(new StoredPlanReader(blobs).groupPage(planRef, 'Nobody', { page: 1, pageSize: 10 })).rejects.toThrow(
      new PlanGroupNotChangedError('plan plan-1 changes no group named or with id "Nobody" (it changes 3)'),
    );
  });

  it('refuses a group plan that belongs to another plan', async () => {
    await expect(new StoredPlanReader(blobs).groupPage(planRef, 'Stale', { page: 1, pageSize: 10 })).rejects.toThrow(
      StoredPlanMissingError,
    );
  });

  it('walks every line of every changed group, page by page, in plan order', async () => {
    const seen: string[] = [];
    const reader = new StoredPlanReader(blobs);
    await expect(async () => {
      for await (const page of reader.allMemberPages(planRef, 50)) {
        seen.push(...page.lines.map((l) => `${page.group.groupName}:${l.op}:${l.id}`));
        expect(page.lines.length).toBeLessThanOrEqual(50);
      }
    }).rejects.toThrow(StoredPlanMissingError); // the stale group comes last
    expect(seen).toHaveLength(125 + 2);
    expect(seen[0]).toBe('Support:remove:g1-r1');
    expect(seen.slice(-2)).toEqual(['Sales:remove:g2-r1', 'Sales:remove:g2-r2']);
  });

  it('names the store settings when the plan is not in this store', async () => {
    const empty = new LocalBlobStore({ dir: join(dir, 'elsewhere'), gzip: true });
    await expect(new StoredPlanReader(empty).groupPage(planRef, 'Support', { page: 1, pageSize: 1 })).rejects.toThrow(
      /plan store has no runs\/w\/r\/plan\.json: read plans from the store the workers write to \(the same DATABASE_URL/,
    );
  });
});
