/**
 * Issue 3, faults: concurrent edits (409) and 429 bursts still converge, with retry delays that honour
 * `Retry-After` (asserted from the emulator's write-log timestamps); a group answering 403 fails alone; a nesting
 * cycle or an unknown group aborts with a precise message, an audit entry and zero writes. Every test starts from
 * the seeded org (`resetOrg`) and sets up the drift it needs, so any test can run alone or in any order.
 */
import { resultOf } from '../../src/client/reconciliation-client';
import { convergeOrg, expectedMembers, ruledGroups, rulesFor } from '../support/org-rules';
import type { Reconciler } from '../support/reconciler';
import { resetOrg, useReconcilerStack } from '../support/reconciler-stack';

let rec: Reconciler;
const stack = useReconcilerStack({ emulator: { users: 250, groups: 5, seed: 21 } });
beforeAll(() => ({ rec } = stack()));
beforeEach(() => resetOrg(rec));

function memberWrites(): number {
  const counts = rec.emulator.state.callsReport().counts;
  return (counts['POST /api/v2/groups/{id}/members'] ?? 0) + (counts['DELETE /api/v2/groups/{id}/members'] ?? 0);
}

it('converges through concurrent edits (409) and 429 bursts, waiting as long as Retry-After says', async () => {
  const state = rec.emulator.state;
  const expected = expectedMembers(rec.emulator);
  const [edited, throttled] = ruledGroups(rec.emulator).filter((g) => {
    const want = new Set(expected.get(g.id));
    return [...g.members].some((u) => !want.has(u)) || [...want].some((u) => !g.members.has(u));
  });
  // Someone else edits `edited` just before our first write to it: removes a wanted member, adds an unwanted one.
  const wantedMember = expected.get(edited.id)!.find((u) => edited.members.has(u))!;
  const stranger = state.listUsers().find((u) => u.state === 'active' && !expected.get(edited.id)!.includes(u.id))!;
  state.applyFaults({
    concurrentEdit: { groupId: edited.id, addUserIds: [stranger.id], removeUserIds: [wantedMember], onNextWrite: true },
  });
  // The first member write to `throttled` answers 429 with Retry-After: 2.
  state.applyFaults({
    rateLimitBurst: { count: 1, retryAfterSeconds: 2, pathPrefix: `/api/v2/groups/${throttled.id}/members` },
  });
  state.resetCalls();

  const result = await rec.run({ mode: 'apply', rules: rulesFor(rec.emulator) });

  expect(result.status).toBe('completed');
  expect(result.totals.failedGroups).toBe(0);
  for (const [groupId, want] of expected) expect(state.groupMembers(groupId).slice().sort()).toEqual(want);

  const writes = state.callsReport().writes;
  const editedWrites = writes.filter((w) => w.groupId === edited.id);
  expect(editedWrites.some((w) => w.source === 'external')).toBe(true);
  expect(editedWrites.some((w) => w.status === 409)).toBe(true);
  const throttledWrites = writes.filter((w) => w.groupId === throttled.id && w.source === 'api');
  const limited = throttledWrites.findIndex((w) => w.status === 429);
  expect(limited).toBeGreaterThanOrEqual(0);
  const next = throttledWrites[limited + 1];
  expect(next).toBeDefined();
  expect(Date.parse(next.at) - Date.parse(throttledWrites[limited].at)).toBeGreaterThanOrEqual(2000);
});

it('fails a group that answers 403 alone, audits it, and applies the others', async () => {
  const state = rec.emulator.state;
  // An org with nothing to do but two groups that drifted by one member each; writes to one of them are forbidden.
  convergeOrg(rec.emulator);
  const [forbidden, other] = ruledGroups(rec.emulator);
  const outsiders = state
    .listUsers()
    .filter((u) => u.state === 'active' && !forbidden.members.has(u.id) && !other.members.has(u.id));
  state.applyFaults({ concurrentEdit: { groupId: forbidden.id, addUserIds: [outsiders[0].id] } });
  state.applyFaults({ concurrentEdit: { groupId: other.id, addUserIds: [outsiders[1].id] } });
  state.applyFaults({ groupStatus: { groupId: forbidden.id, status: 403 } });

  const handle = await rec.start({ mode: 'apply', rules: rulesFor(rec.emulator) });
  const result = await handle.result();
  state.applyFaults({ groupStatus: { groupId: forbidden.id, status: null } });

  expect(result.status).toBe('completed');
  const failed = result.groups.filter((g) => g.failed);
  expect(failed.map((g) => g.groupId)).toEqual([forbidden.id]);
  expect(failed[0].error).toMatch(/403/);
  expect(state.groupMembers(other.id).slice().sort()).toEqual(expectedMembers(rec.emulator).get(other.id));
  const entries = (await rec.auditEntries()).filter((e) => e.workflowId === handle.workflowId);
  const groupFailed = entries.filter((e) => e.type === 'group.failed');
  expect(groupFailed).toHaveLength(1);
  expect(groupFailed[0]).toMatchObject({ groupId: forbidden.id, httpStatus: 403 });
  expect(entries.filter((e) => e.type === 'membership.change' && e.outcome === 'failed').map((e) => e.userId)).toEqual([
    outsiders[0].id,
  ]);
});

it('aborts a nesting cycle A → B → A with the path, an audit entry and zero writes', async () => {
  const [a, b] = ruledGroups(rec.emulator);
  const rules = [
    'version: 1',
    'groups:',
    `  - group: ${a.name}`,
    `    includeGroups: [${b.name}]`,
    `  - group: ${b.name}`,
    `    includeGroups: [${a.name}]`,
  ].join('\n');
  rec.emulator.state.resetCalls();
  const handle = await rec.start({ mode: 'apply', rules });
  const result = await resultOf(handle);
  expect(result.status).toBe('aborted');
  expect(result.error).toContain(`nesting cycle: ${a.name} → ${b.name} → ${a.name}`);
  expect(memberWrites()).toBe(0);
  const aborted = (await rec.auditEntries()).find(
    (e) => e.workflowId === handle.workflowId && e.type === 'run.aborted',
  );
  expect(aborted).toMatchObject({ reason: 'cycle' });
  expect(String(aborted!.message)).toContain('→');
});

it('aborts on a group that does not exist, naming it', async () => {
  rec.emulator.state.resetCalls();
  const result = await rec.run({
    mode: 'apply',
    rules: 'version: 1\ngroups:\n  - group: No Such Group\n    include: { department: Sales }\n',
  });
  expect(result.status).toBe('aborted');
  expect(result.error).toContain('No Such Group');
  expect(memberWrites()).toBe(0);
});

it('aborts with a field path on invalid rules', async () => {
  const result = await rec.run({ mode: 'apply', rules: 'version: 1\ngroups:\n  - group: X\n    mode: sometimes\n' });
  expect(result.status).toBe('aborted');
  expect(result.error).toMatch(/groups\[0\]\.mode/);
});

it('aborts with a precise message and an audit entry when the credentials stop working mid-life', async () => {
  const state = rec.emulator.state;
  const original = state.options.clientSecret;
  // An admin rotates the OAuth client's secret: the worker's token is revoked and its stored secret is refused.
  state.rotateClientSecret('rotated-by-an-admin');
  try {
    state.resetCalls();
    const handle = await rec.start({ mode: 'apply', rules: rulesFor(rec.emulator) });
    const result = await resultOf(handle);
    expect(result.status).toBe('aborted');
    expect(result.error).toContain(`Genesys login failed for client ${state.options.clientId}`);
    expect(result.error).not.toContain(original);
    expect(memberWrites()).toBe(0);
    const aborted = (await rec.auditEntries()).find(
      (e) => e.workflowId === handle.workflowId && e.type === 'run.aborted',
    );
    expect(aborted).toMatchObject({ reason: 'GenesysAuthError' });
  } finally {
    state.rotateClientSecret(original);
  }
});
