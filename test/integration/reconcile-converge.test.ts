/**
 * Issue 3, convergence: a seeded org with drift converges to an independently computed rule result, a second
 * run plans nothing and writes nothing, the SCIM peer receives exactly the applied deltas, and the audit log has
 * exactly one entry per change with a verifiable hash chain — on JSONL files and on PostgreSQL.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { JsonlAuditSink } from '../../src/audit/jsonl-sink';
import { verifyChain } from '../../src/audit/verify';
import type { AuditEntry } from '../../src/audit/entry';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { expectedMembers, rulesFor } from '../support/org-rules';
import { startReconciler, type Reconciler } from '../support/reconciler';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const NESTED = 'All Sales And Agents';
let temporal: TestTemporal;

beforeAll(async () => {
  temporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
});
afterAll(() => temporal?.stop());

describe.each([
  { storage: 'JSONL files', postgres: false },
  { storage: 'PostgreSQL', postgres: true },
])('convergence with $storage', ({ postgres }) => {
  let rec: Reconciler;
  let scimBefore: Map<string, string[]>;

  beforeAll(async () => {
    rec = await startReconciler(temporal, { emulator: { users: 400, groups: 6, seed: 11 }, scim: true, postgres });
    rec.emulator.state.createGroup({
      name: NESTED,
      memberIds: rec.emulator.state
        .listUsers()
        .slice(0, 5)
        .map((u) => u.id),
    });
    // The IdP mirrors each Genesys group under the same id, starting from today's (drifted) membership.
    scimBefore = new Map();
    for (const g of rec.emulator.state.listGroups()) {
      const members = rec.emulator.state.groupMembers(g.id);
      rec.scim!.createGroup(g.id, g.name, members);
      scimBefore.set(g.id, members);
    }
  });
  afterAll(() => rec?.stop());

  it('converges every target group to the rule result and tells the IdP only the deltas', async () => {
    const expected = expectedMembers(rec.emulator, { nested: NESTED });
    const drifted = [...expected].filter(([id, want]) => !sameSet(rec.emulator.state.groupMembers(id), want));
    expect(drifted.length).toBeGreaterThan(0); // the seeded org really starts out of line

    const result = await rec.run({
      mode: 'apply',
      rules: rulesFor(rec.emulator, { nested: NESTED }),
      requestedBy: 'jest',
    });

    expect(result.status).toBe('completed');
    expect(result.totals.failedGroups).toBe(0);
    for (const [groupId, want] of expected) {
      expect(rec.emulator.state.groupMembers(groupId).slice().sort()).toEqual(want);
    }
    // SCIM: members at the IdP = before + adds − removes = Genesys members now; and only PatchOp deltas were sent.
    for (const [groupId, want] of expected) {
      expect(rec.scim!.members(groupId)!.slice().sort()).toEqual(want);
    }
    const patches = rec.scim!.requests.filter((r) => r.method === 'PATCH');
    // One PATCH per chunk of ≤ 100 member changes (SCIM_CHUNK_SIZE default), per changed group.
    expect(patches.length).toBe(result.groups.reduce((n, g) => n + Math.ceil((g.added + g.removed) / 100), 0));
    for (const p of patches) {
      expect(p.headers.contentType).toMatch(/^application\/scim\+json/);
      const ops = (p.body as { Operations: { op: string; path?: string }[] }).Operations;
      for (const op of ops) {
        expect(op.op).not.toBe('replace');
        if (op.op === 'remove') expect(op.path).toMatch(/^members\[value eq ".+"\]$/);
      }
    }
    expect(JSON.stringify(rec.scim!.requests)).not.toContain(rec.env.GENESYS_CLIENT_SECRET);
  });

  it('records exactly one audit entry per change, in a chain that verifies', async () => {
    const entries = await rec.auditEntries();
    const changes = entries.filter((e) => e.type === 'membership.change');
    const applied = changes.filter((e) => e.outcome === 'applied');
    const ids = changes.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const expectedChanges = [...expectedMembers(rec.emulator, { nested: NESTED })].reduce((n, [id, want]) => {
      const before = new Set(rec.scim ? scimBefore.get(id) : []);
      const after = new Set(want);
      return n + [...after].filter((u) => !before.has(u)).length + [...before].filter((u) => !after.has(u)).length;
    }, 0);
    expect(applied.length).toBe(expectedChanges);
    for (const e of applied) {
      expect(e).toMatchObject({ approvalRef: 'policy:no-approval-required', httpStatus: 202 });
      expect(typeof e.groupVersion).toBe('number');
    }
    const types = entries.map((e) => e.type);
    expect(types[0]).toBe('run.started');
    expect(types).toContain('plan.created');
    expect(types.filter((t) => t === 'scim.notify').length).toBeGreaterThan(0);
    expect(types.at(-1)).toBe('run.finished');
    const verdict = await verifyChain(entries);
    expect(verdict).toMatchObject({ ok: true, count: entries.length });
    // No secret ever reaches the audit log.
    expect(JSON.stringify(entries)).not.toContain(rec.env.GENESYS_CLIENT_SECRET);
    expect(JSON.stringify(entries)).not.toContain(rec.env.SCIM_TOKEN);
  });

  it('detects a tampered audit log', async () => {
    const entries = await rec.auditEntries();
    const victim = entries.find((e) => e.type === 'membership.change') as AuditEntry;
    if (postgres) {
      await rec.schema!.pool.query(
        `update ${rec.schema!.table('gcsync_audit')} set entry = jsonb_set(entry, '{userId}', '"someone-else"') where id = $1`,
        [victim.id],
      );
    } else {
      const copy = `${rec.env.AUDIT_FILE}.tampered`;
      copyFileSync(rec.env.AUDIT_FILE, copy);
      const lines = readFileSync(copy, 'utf8').split('\n');
      const i = lines.findIndex((l) => l.includes(JSON.stringify(victim.id)));
      lines[i] = lines[i].replace(JSON.stringify(victim.userId), '"someone-else"');
      writeFileSync(copy, lines.join('\n'));
      const sink = new JsonlAuditSink({ path: copy });
      const tampered: AuditEntry[] = [];
      for await (const e of sink.read()) tampered.push(e);
      await sink.close();
      const verdict = await verifyChain(tampered);
      expect(verdict).toMatchObject({ ok: false, firstBad: { seq: victim.seq, problem: 'modified' } });
      return;
    }
    const verdict = await verifyChain(await rec.auditEntries());
    expect(verdict).toMatchObject({ ok: false, firstBad: { seq: victim.seq, problem: 'modified' } });
  });

  it('plans zero changes and writes nothing on a second run', async () => {
    rec.emulator.state.resetCalls();
    const result = await rec.run({ mode: 'apply', rules: rulesFor(rec.emulator, { nested: NESTED }) });
    expect(result.status).toBe('no-changes');
    expect(result.totals).toMatchObject({ added: 0, removed: 0, failedGroups: 0 });
    const calls = rec.emulator.state.callsReport();
    expect(calls.counts['POST /api/v2/groups/{id}/members'] ?? 0).toBe(0);
    expect(calls.counts['DELETE /api/v2/groups/{id}/members'] ?? 0).toBe(0);
    expect(calls.counts['GET /api/v2/users']).toBeGreaterThan(0); // it did look
  });
});

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
