/**
 * Issue 7 on the real stack: the emulator plays the real service's misbehaviour and the reconciler never removes a
 * rightful member. An empty page or a directory that changes mid-listing is read again and converges; users returned
 * without their expansions are re-read by id (and the run stops, writing nothing, if they stay incomplete); a listing cut
 * short by a result window is read by cursor instead (and stops with nothing written if that route is refused too);
 * a group that grants roles, and an org that shrank since the last completed run, wait for a human even under
 * `requireApproval: never`.
 */
import type { AuditEntry } from '../../src/audit/entry';
import { resultOf } from '../../src/client/reconciliation-client';
import { approveUpdate, planQuery, statusQuery } from '../../workflows/messages';
import { expectedMembers, rulesFor } from '../support/org-rules';
import { waitFor, type Reconciler } from '../support/reconciler';
import { useReconcilerStack } from '../support/reconciler-stack';

const PAGE = 100;
let rec: Reconciler;

const stack = useReconcilerStack({
  emulator: { users: 1_000, groups: 4, seed: 21 },
  env: { GCSYNC_USERS_PAGE_SIZE: String(PAGE) },
});
beforeAll(() => ({ rec } = stack()));

const state = () => rec.emulator.state;
const writes = (): number => {
  const counts = state().callsReport().counts;
  return (counts['POST /api/v2/groups/{id}/members'] ?? 0) + (counts['DELETE /api/v2/groups/{id}/members'] ?? 0);
};
const entriesOf = async (workflowId: string): Promise<AuditEntry[]> =>
  (await rec.auditEntries()).filter((e) => e.workflowId === workflowId);

/** Every removal the run made hit a user who is not an active, rule-matching member (computed independently). */
function expectNoWrongfulRemoval(before: Map<string, string[]>): void {
  const want = expectedMembers(rec.emulator);
  for (const [groupId, members] of before) {
    const now = new Set(state().groupMembers(groupId));
    const wanted = new Set(want.get(groupId) ?? []);
    const lost = members.filter((u) => !now.has(u));
    expect({ groupId, wrongful: lost.filter((u) => wanted.has(u)) }).toEqual({ groupId, wrongful: [] });
  }
}

const membership = () =>
  new Map(
    state()
      .listGroups()
      .map((g) => [g.id, state().groupMembers(g.id)]),
  );

it('reads the listing again after an empty page in mid-listing, and converges without a wrongful removal', async () => {
  const before = membership();
  state().resetCalls();
  state().applyFaults({ usersPage: { pageNumber: 4, variant: 'empty' } });
  const result = await rec.run({ mode: 'apply', rules: rulesFor(rec.emulator) });
  expect(result.status).toBe('completed');
  expectNoWrongfulRemoval(before);
  for (const [groupId, want] of expectedMembers(rec.emulator)) {
    expect(state().groupMembers(groupId).slice().sort()).toEqual(want);
  }
  // Two listing rounds: the first did not add up.
  expect(state().callsReport().counts['GET /api/v2/users']).toBe(2 * (1_000 / PAGE));
});

it('survives users deleted and created while it pages, removing nobody who is still an active match', async () => {
  // Put the org out of line again, then let the directory change under the listing.
  const [groupId, want] = [...expectedMembers(rec.emulator)][0];
  state().applyFaults({ concurrentEdit: { groupId, removeUserIds: want.slice(0, 5) } });
  const before = membership();
  state().applyFaults({ usersDrift: { afterPage: 3, deleteCount: 2, createCount: 1 } });
  const result = await rec.run({ mode: 'apply', rules: rulesFor(rec.emulator) });
  expect(result.status).toBe('completed');
  expectNoWrongfulRemoval(before);
  for (const [id, members] of expectedMembers(rec.emulator)) {
    expect(state().groupMembers(id).slice().sort()).toEqual(members);
  }
});

it('re-reads by id the users Genesys returned without their expansions (best effort), and converges', async () => {
  const [groupId, want] = [...expectedMembers(rec.emulator)][0];
  state().applyFaults({ concurrentEdit: { groupId, removeUserIds: want.slice(0, 4) } });
  const before = membership();
  state().resetCalls();
  // One in ten users in every user answer lacks the roles, skills and locations asked for.
  state().applyFaults({ expandDrop: { ratio: 0.1 } });
  try {
    const result = await rec.run({ mode: 'apply', rules: rulesFor(rec.emulator) });
    expect(result).toMatchObject({ status: 'completed' });
    expectNoWrongfulRemoval(before);
    for (const [id, members] of expectedMembers(rec.emulator)) {
      expect(state().groupMembers(id).slice().sort()).toEqual(members);
    }
    // One listing (it added up) and the re-reads by id of the incomplete users, round after round.
    expect(state().callsReport().counts['GET /api/v2/users']).toBeGreaterThan(1_000 / PAGE + 1);
  } finally {
    state().applyFaults({ expandDrop: null });
  }
});

it('stops with nothing written when every answer lacks the expansions the rules need', async () => {
  const [groupId, want] = [...expectedMembers(rec.emulator)][0];
  state().applyFaults({ concurrentEdit: { groupId, removeUserIds: want.slice(0, 4) } });
  state().resetCalls();
  state().applyFaults({ expandDrop: { ratio: 1 } });
  try {
    const handle = await rec.start({ mode: 'apply', rules: rulesFor(rec.emulator) });
    const result = await resultOf(handle);
    expect(result.status).toBe('aborted');
    expect(result.error).toMatch(
      /user\(s\) still came back without .+ \(or not at all\) after 8 re-reads by id .*not planning from incomplete data/,
    );
    expect(writes()).toBe(0);
    const aborted = (await entriesOf(handle.workflowId)).find((e) => e.type === 'run.aborted');
    expect(aborted).toMatchObject({ reason: 'SnapshotInconsistent' });
  } finally {
    state().applyFaults({ expandDrop: null });
  }
});

it('never removes members it cannot see: users of divisions its OAuth client may not view are kept, with a warning', async () => {
  const divisions = [
    ...new Set(
      state()
        .listUsers()
        .map((u) => u.division.name),
    ),
  ].sort();
  const visible = divisions.slice(0, Math.ceil(divisions.length / 2));
  const hidden = new Set(
    state()
      .listUsers()
      .filter((u) => !visible.includes(u.division.name))
      .map((u) => u.id),
  );
  const before = membership();
  const hiddenMembers = [...before].flatMap(([groupId, members]) =>
    members.filter((u) => hidden.has(u)).map((u) => ({ groupId, u })),
  );
  expect(hiddenMembers.length).toBeGreaterThan(0);
  state().configure({ userViewDivisions: visible });
  try {
    const handle = await rec.start({ mode: 'apply', rules: rulesFor(rec.emulator) });
    // After an earlier completed run, half the org vanishing from the listing trips the shrink guard: a human
    // decides. Approving changes nothing for the unseen members: they are not in the plan.
    const status = await waitFor(
      () => handle.query(statusQuery),
      (st) => st.awaitingApproval || st.phase === 'completed',
    );
    if (status.awaitingApproval) {
      expect(status.failsafesTripped?.join('\n')).toMatch(/maxActiveUsersDropRatio|approveUnmatchedSelectorRemovals/);
      await handle.executeUpdate(approveUpdate, { args: [{ by: 'ops', planDigest: status.planDigest! }] });
    }
    const result = await resultOf(handle);
    expect(result.status).toBe('completed');
    // Every member the client could not see is still a member.
    const lost = hiddenMembers.filter(({ groupId, u }) => !state().groupMembers(groupId).includes(u));
    expect(lost).toEqual([]);
    const created = (await entriesOf(handle.workflowId)).find((e) => e.type === 'plan.created');
    expect(created?.warnings).toContainEqual(
      expect.stringMatching(/member\(s\) that this OAuth client cannot read by id .* kept/),
    );
  } finally {
    state().configure({ userViewDivisions: [] });
  }
});

it('lists by cursor when Genesys refuses offset pages past a result window, and converges', async () => {
  const [groupId, want] = [...expectedMembers(rec.emulator)][1];
  state().applyFaults({ concurrentEdit: { groupId, removeUserIds: want.slice(0, 3) } });
  const before = membership();
  state().configure({ activeResultWindow: 500 });
  state().resetCalls();
  try {
    const result = await rec.run({ mode: 'apply', rules: rulesFor(rec.emulator) });
    expect(result.status).toBe('completed');
    expectNoWrongfulRemoval(before);
    for (const [id, members] of expectedMembers(rec.emulator)) {
      expect(state().groupMembers(id).slice().sort()).toEqual(members);
    }
    const counts = state().callsReport().counts;
    // Offset pages up to the window (the sixth is refused), then every user by cursor.
    expect(counts['GET /api/v2/users/query']).toBe(1_000 / PAGE);
  } finally {
    state().configure({ activeResultWindow: 0 });
  }
});

it('stops with nothing written when offset pages are refused past a window and the cursor route is refused too', async () => {
  const [groupId, want] = [...expectedMembers(rec.emulator)][1];
  state().applyFaults({ concurrentEdit: { groupId, removeUserIds: want.slice(0, 3) } });
  state().configure({ activeResultWindow: 500 });
  state().applyFaults({ serverErrorBurst: { count: 1, status: 403, pathPrefix: '/api/v2/users/query' } });
  state().resetCalls();
  try {
    const handle = await rec.start({ mode: 'apply', rules: rulesFor(rec.emulator) });
    const result = await resultOf(handle);
    expect(result.status).toBe('aborted');
    expect(result.error).toMatch(/refused users page 6 \(HTTP 400\) after 500 users/);
    expect(result.error).toContain('the cursor listing (GET /api/v2/users/query) failed too');
    expect(writes()).toBe(0);
    const aborted = (await entriesOf(handle.workflowId)).find((e) => e.type === 'run.aborted');
    expect(aborted).toMatchObject({ reason: 'SnapshotInconsistent' });
  } finally {
    state().configure({ activeResultWindow: 0 });
  }
});

it("stops with nothing written when a group's individuals come back as one page of more (a capped /individuals)", async () => {
  const [groupId, want] = [...expectedMembers(rec.emulator)][1];
  state().applyFaults({ concurrentEdit: { groupId, removeUserIds: want.slice(0, 3) } });
  const largest = Math.max(
    ...state()
      .listGroups()
      .map((g) => state().groupMembers(g.id).length),
  );
  state().configure({ individualsPageSize: largest - 1 });
  state().resetCalls();
  try {
    const handle = await rec.start({ mode: 'apply', rules: rulesFor(rec.emulator) });
    const result = await resultOf(handle);
    expect(result.status).toBe('aborted');
    expect(result.error).toMatch(
      /reading the members of group .*: GET \/api\/v2\/groups\/.*\/individuals: Genesys returned \d+ of \d+ entries on one page .*not planning from a partial member list/,
    );
    expect(writes()).toBe(0);
    const aborted = (await entriesOf(handle.workflowId)).find((e) => e.type === 'run.aborted');
    expect(aborted).toMatchObject({ reason: 'SnapshotInconsistent' });
  } finally {
    state().configure({ individualsPageSize: 0 });
  }
});

it('waits for a human when a group that grants roles would change, even with requireApproval: never', async () => {
  const [groupId] = [...expectedMembers(rec.emulator)][1];
  state().grantGroupRole(groupId, 'Supervisor');
  state().resetCalls();
  const handle = await rec.start({ mode: 'apply', rules: rulesFor(rec.emulator) });
  const status = await waitFor(
    () => handle.query(statusQuery),
    (s) => s.awaitingApproval,
  );
  expect(status.approvalReasons.join('\n')).toMatch(/grants roles.*Supervisor/);
  expect(writes()).toBe(0);
  const plan = (await entriesOf(handle.workflowId)).find((e) => e.type === 'plan.created');
  expect(String(plan?.failsafesTripped)).toMatch(/Supervisor/);
  await handle.terminate('test done');
});

it('waits for a human when active users fell by more than the shrink guard since the last completed run', async () => {
  const users = state()
    .listUsers()
    .filter((u) => u.state === 'active');
  for (const u of users.slice(0, 150)) state().deleteUser(u.id); // 15 % > the default 10 %
  const handle = await rec.start({ mode: 'apply', rules: rulesFor(rec.emulator) });
  const status = await waitFor(
    () => handle.query(statusQuery),
    (s) => s.awaitingApproval,
  );
  expect(status.approvalReasons.join('\n')).toMatch(/active users/i);
  expect(status.failsafesTripped?.join('\n')).toMatch(/maxActiveUsersDropRatio/);
  await handle.terminate('test done');
});

it('waits for a human, writing nothing, when a group would lose members behind a role no user holds (renamed?)', async () => {
  const [groupId] = [...expectedMembers(rec.emulator)][0];
  const name = state().getGroup(groupId)!.name;
  expect(state().groupMembers(groupId).length).toBeGreaterThan(0);
  state().resetCalls();
  const rules = [
    'version: 1',
    'policy: { requireApproval: never }',
    'groups:',
    `  - group: ${JSON.stringify(name)}`,
    '    include: { role: Support Agent (renamed) }',
    '',
  ].join('\n');
  const handle = await rec.start({ mode: 'apply', rules });
  const status = await waitFor(
    () => handle.query(statusQuery),
    (s) => s.awaitingApproval,
  );
  expect(status.approvalReasons.join('\n')).toMatch(
    new RegExp(`group ${name} would lose \\d+ members while the selector role: Support Agent \\(renamed\\)`),
  );
  expect(status.warnings?.join('\n')).toMatch(/matches no active user/);
  expect(writes()).toBe(0);
  const plan = (await entriesOf(handle.workflowId)).find((e) => e.type === 'plan.created');
  expect(String(plan?.failsafesTripped)).toMatch(/approveUnmatchedSelectorRemovals/);
  await handle.terminate('test done');
});

it('refuses a rule whose role selector names a role its own group grants (a feedback loop), before writing', async () => {
  const [groupId] = [...expectedMembers(rec.emulator)][1]; // granted Supervisor above
  const name = state().getGroup(groupId)!.name;
  state().resetCalls();
  const rules = [
    'version: 1',
    'groups:',
    `  - group: ${JSON.stringify(name)}`,
    '    include: { role: Supervisor }',
    '',
  ];
  const result = await rec.run({ mode: 'apply', rules: rules.join('\n') });
  expect(result.status).toBe('aborted');
  expect(result.error).toMatch(/role feedback loop/);
  expect(result.error).toContain('Supervisor');
  expect(writes()).toBe(0);
});

it('reports members Genesys adds by its own rules or as owners as not managed by gcsync, and never removes them', async () => {
  const [groupId, want] = [...expectedMembers(rec.emulator)][2];
  const group = state().getGroup(groupId)!;
  const wanted = new Set(want);
  const [ruleA, ruleB, owner] = state()
    .listUsers()
    .filter((u) => u.state === 'active' && !wanted.has(u.id) && !state().groupMembers(groupId).includes(u.id))
    .slice(0, 3)
    .map((u) => u.id);
  state().setNativeMembership(groupId, { ruleMemberIds: [ruleA, ruleB], ownerIds: [owner], includeOwners: true });
  state().configure({ memberCount: 'members' });
  state().resetCalls();
  try {
    // A dry run: whatever earlier tests left for a human to approve, the plan and its warnings are what matter.
    const handle = await rec.start({ mode: 'plan', rules: rulesFor(rec.emulator) });
    const result = await resultOf(handle);
    expect(['planned', 'no-changes']).toContain(result.status);
    const created = (await entriesOf(handle.workflowId)).find((e) => e.type === 'plan.created');
    expect(created?.warnings).toContainEqual(
      expect.stringMatching(new RegExp(`^group '${group.name}': 3 member\\(s\\) beyond its \\d+ individual member`)),
    );
    // Genesys's own members are not individuals, so no plan line (and no write) can name them.
    const planned = await handle.query(planQuery, { page: 1, pageSize: 500 });
    const named = planned.groups.flatMap((g) =>
      [...(g.members?.add ?? []), ...(g.members?.remove ?? [])].map((m) => m.id),
    );
    expect(named.filter((id) => [ruleA, ruleB, owner].includes(id))).toEqual([]);
    expect(writes()).toBe(0);
    expect(state().getGroup(groupId)!.ruleMembers).toEqual(new Set([ruleA, ruleB]));
  } finally {
    state().configure({ memberCount: 'individuals' });
    state().setNativeMembership(groupId, { ruleMemberIds: [], ownerIds: [], includeOwners: false });
  }
});
