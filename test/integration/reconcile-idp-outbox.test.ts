/**
 * Issue 7 item 6 at the workflow level: an IdP that refuses a run's SCIM notification leaves that run completed in
 * Genesys but reported "IdP out of sync" (result and status), and the next run — with nothing left to change in
 * Genesys — delivers the pending notification and reports the IdP in sync again. A rejection (400) is not retried,
 * so the outage outlasts every retry at once; `scim-outbox-activities.test.ts` covers outages that exhaust them.
 */
import { expectedMembers, ruledGroups, rulesFor } from '../support/org-rules';
import type { Reconciler } from '../support/reconciler';
import { useReconcilerStack } from '../support/reconciler-stack';

const IDP_GROUP = 'idp-support';
let rec: Reconciler;

const stack = useReconcilerStack({ emulator: { users: 300, groups: 2, seed: 5 }, scim: true });
beforeAll(() => ({ rec } = stack()));

it('reports the IdP out of sync after a refused notification, and the next run with no Genesys change delivers it', async () => {
  const [group] = ruledGroups(rec.emulator);
  const rules = `${rulesFor(rec.emulator)}scim:\n  groupMap: { ${JSON.stringify(group.name)}: ${IDP_GROUP} }\n`;
  const scim = rec.scim!;
  // The IdP starts in line with Genesys; notifications carry changes, not whole memberships.
  const before = rec.emulator.state.groupMembers(group.id).slice().sort();
  scim.createGroup(IDP_GROUP, group.name, before);
  const want = expectedMembers(rec.emulator).get(group.id)!;

  // The IdP refuses every notification of the first run (a 400 is final: not retried).
  scim.failNext(400, 1_000);
  const first = await rec.run({ mode: 'apply', rules, targetGroups: [group.name] });
  expect(first.status).toBe('completed');
  expect(rec.emulator.state.groupMembers(group.id).slice().sort()).toEqual(want);
  expect(first.idpOutOfSync).toEqual([expect.objectContaining({ groupId: group.id, idpGroupId: IDP_GROUP })]);
  expect(scim.members(IDP_GROUP)!.slice().sort()).toEqual(before);
  expect(before).not.toEqual(want);

  // The IdP is back; Genesys already matches the rules, so only the outbox has work.
  scim.clearFailures();
  const patchesBefore = scim.requests.filter((r) => r.method === 'PATCH').length;
  const second = await rec.run({ mode: 'apply', rules, targetGroups: [group.name] });
  expect(second.status).toBe('no-changes');
  expect(second.idpOutOfSync ?? []).toEqual([]);
  expect(scim.requests.filter((r) => r.method === 'PATCH').length).toBeGreaterThan(patchesBefore);
  expect(scim.members(IDP_GROUP)!.slice().sort()).toEqual(want);
  const scimEntries = (await rec.auditEntries()).filter((e) => e.type === 'scim.notify');
  expect(scimEntries.some((e) => e.outcome === 'failed')).toBe(true);
  expect(scimEntries.at(-1)).toMatchObject({ outcome: expect.not.stringMatching(/failed/) });
});
