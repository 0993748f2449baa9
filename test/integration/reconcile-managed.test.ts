/**
 * `mode: managed` on the real stack: the reconciler adds what the rules want and removes only members it added
 * itself (the ownership ledger), never people added by hand; a converged rerun spends only the listing reads.
 */
import { formatPlanMembers } from '../../src/cli/output/plan-diff';
import { planQuery } from '../../workflows/messages';
import type { Reconciler } from '../support/reconciler';
import { useReconcilerStack } from '../support/reconciler-stack';

let rec: Reconciler;
const ids: Record<string, string> = {};
let groupId: string;

/**
 * `include: { department: Nowhere }` below stands for "the rules stop wanting anyone". A selector that matches no
 * active user while its group loses members trips the `approveUnmatchedSelectorRemovals` failsafe (a renamed
 * department would look the same), so these rules switch it off: the operator says the emptying is meant.
 */
const rules = (include: string) =>
  [
    'version: 1',
    'policy:',
    '  requireApproval: never',
    '  approveUnmatchedSelectorRemovals: false',
    'groups:',
    '  - group: Managed Team',
    '    mode: managed',
    `    include: ${include}`,
    '',
  ].join('\n');

const members = () => rec.emulator.state.groupMembers(groupId).slice().sort();
const named = (...names: string[]) => names.map((n) => ids[n]).sort();

const stack = useReconcilerStack({ emulator: { users: 0, groups: 0 } });
beforeAll(() => {
  ({ rec } = stack());
  for (const [name, department] of [
    ['a1', 'A'],
    ['a2', 'A'],
    ['a3', 'A'],
    ['b1', 'B'],
    ['b2', 'B'],
    ['c1', 'C'],
    ['c2', 'C'],
  ]) {
    ids[name] = rec.emulator.state.createUser({ name, department }).id;
  }
  // Added by hand before gcsync ever ran: c1 and c2 (outside the rules) and a1 (inside them).
  groupId = rec.emulator.state.createGroup({ name: 'Managed Team', memberIds: named('a1', 'c1', 'c2') }).id;
});

it('adds what the rules want and leaves hand-added members alone', async () => {
  const result = await rec.run({ mode: 'apply', rules: rules('[{ department: A }, { department: B }]') });
  expect(result.status).toBe('completed');
  expect(result.totals).toMatchObject({ added: 4, removed: 0, failedGroups: 0 });
  expect(members()).toEqual(named('a1', 'a2', 'a3', 'b1', 'b2', 'c1', 'c2'));
});

it('removes members it added once the rules stop wanting them, never hand-added ones', async () => {
  const result = await rec.run({ mode: 'apply', rules: rules('{ department: A }') });
  expect(result.totals).toMatchObject({ added: 0, removed: 2 });
  expect(members()).toEqual(named('a1', 'a2', 'a3', 'c1', 'c2'));

  const emptied = await rec.run({ mode: 'apply', rules: rules('{ department: Nowhere }') });
  expect(emptied.totals).toMatchObject({ added: 0, removed: 2 });
  // a1 was a member before gcsync: the rules never owned them, so they stay, like c1 and c2.
  expect(members()).toEqual(named('a1', 'c1', 'c2'));
});

it('spends only the listing reads on a converged rerun', async () => {
  rec.emulator.state.resetCalls();
  const result = await rec.run({ mode: 'apply', rules: rules('{ department: Nowhere }') });
  expect(result.status).toBe('no-changes');
  const counts = rec.emulator.state.callsReport().counts;
  const reads = Object.fromEntries(Object.entries(counts).filter(([route]) => !route.startsWith('POST /oauth')));
  expect(reads).toEqual({
    'GET /api/v2/users': 1,
    'GET /api/v2/groups': 1,
    'GET /api/v2/groups/{id}/individuals': 1,
  });
});

it('shows the approver who is added and removed, and why, in the plan', async () => {
  const handle = await rec.start({ mode: 'plan', rules: rules('{ department: B }') });
  const result = await handle.result();
  expect(result.status).toBe('planned');
  const page = await handle.query(planQuery, { page: 1 });
  const [group] = page.groups;
  expect(group).toMatchObject({ groupName: 'Managed Team', adds: 2, removes: 0 });
  expect(group.members!.add.map((m) => [m.name, m.clause, m.reason]).sort()).toEqual([
    ['b1', 'include', 'include: department = B'],
    ['b2', 'include', 'include: department = B'],
  ]);
  const text = formatPlanMembers(page.groups);
  expect(text).toContain('~ Managed Team: +2');
  expect(text).toMatch(/\+ b1 <.+@example.com> {2}include: department = B/);
});
