import { canonicalJson } from '../../src/core/canonical-json';
import { sealBatch } from '../../src/audit/chain';
import { computeEntryHash, EMPTY_HEAD, type AuditEntry, type AuditEvent } from '../../src/audit/entry';
import { AuditCorruptionError } from '../../src/audit/errors';
import { verifyChain } from '../../src/audit/verify';

function events(count: number): AuditEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'run.started',
    id: `e${i + 1}`,
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    workflowId: 'wf',
    runId: 'run',
  }));
}

/** A valid chain of `count` entries (seq 1..count); tests tamper with copies of it. */
function chain(count = 6): AuditEntry[] {
  return sealBatch(events(count), EMPTY_HEAD, () => false).entries;
}

const at = (entries: AuditEntry[], seq: number): AuditEntry => entries.find((e) => e.seq === seq)!;

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', async () => {
    const entries = chain();
    expect(await verifyChain(entries)).toEqual({
      ok: true,
      count: 6,
      head: { seq: 6, hash: entries[5].hash },
    });
  });

  it('accepts an empty log', async () => {
    expect(await verifyChain([])).toMatchObject({ ok: true, count: 0 });
  });

  it('reads async iterables (sinks) as well as arrays', async () => {
    async function* stream(): AsyncGenerator<AuditEntry> {
      yield* chain(3);
    }
    expect(await verifyChain(stream())).toMatchObject({ ok: true, count: 3 });
  });

  it('survives a JSON round trip (what the sinks store)', async () => {
    const copy = chain().map((e) => JSON.parse(canonicalJson(e)) as AuditEntry);
    expect(await verifyChain(copy)).toMatchObject({ ok: true, count: 6 });
  });

  it.each([
    ['a changed field', (e: AuditEntry) => ({ ...e, actor: 'mallory' })],
    ['a removed field', ({ runId: _runId, ...e }: AuditEntry) => e],
    ['an added field', (e: AuditEntry) => ({ ...e, note: 'x' })],
    ['a changed hash', (e: AuditEntry) => ({ ...e, hash: 'f'.repeat(64) })],
    ['a missing hash', ({ hash: _hash, ...e }: AuditEntry) => e],
    ['a string seq', (e: AuditEntry) => ({ ...e, seq: '4' })],
  ])('reports %s as modified, at its seq', async (_, tamper) => {
    const entries = chain();
    entries[3] = tamper(entries[3]) as unknown as AuditEntry;
    expect(await verifyChain(entries)).toMatchObject({
      ok: false,
      count: 3,
      firstBad: { seq: 4, problem: 'modified' },
    });
  });

  it('names the id of a modified entry', async () => {
    const entries = chain();
    entries[1] = { ...entries[1], workflowId: 'other' };
    const result = await verifyChain(entries);
    expect(result).toMatchObject({ ok: false, firstBad: { seq: 2, id: 'e2', problem: 'modified' } });
    expect(result.ok || result.message).toMatch(/entry 2 \(e2\) does not match its hash/);
  });

  it.each([
    [1, 0],
    [3, 2],
    [6, 5],
  ])('reports a deleted entry %i as removed (no id), after %i good entries', async (seq, count) => {
    const entries = chain().filter((e) => e.seq !== seq);
    const result = await verifyChain(entries);
    if (seq === 6) {
      // Cutting the tail is invisible without an anchor: the head tells you what to compare against.
      expect(result).toEqual({ ok: true, count: 5, head: { seq: 5, hash: at(chain(), 5).hash } });
      return;
    }
    expect(result).toEqual({
      ok: false,
      count,
      firstBad: { seq, problem: 'removed' },
      message: expect.stringMatching(new RegExp(`entry ${seq} is missing`)),
    });
  });

  it('reports several consecutive deletions at the first missing seq', async () => {
    const entries = chain().filter((e) => e.seq < 2 || e.seq > 4);
    expect(await verifyChain(entries)).toMatchObject({ ok: false, count: 1, firstBad: { seq: 2, problem: 'removed' } });
  });

  it.each([
    ['adjacent entries swapped', [1, 3, 2, 4, 5, 6], 2],
    ['distant entries swapped', [1, 2, 6, 4, 5, 3], 3],
    ['an entry moved later', [1, 3, 4, 5, 2, 6], 2],
    ['an entry moved earlier', [1, 5, 2, 3, 4, 6], 2],
    ['the first two swapped', [2, 1, 3, 4, 5, 6], 1],
  ])('reports %s as reordered at the first out-of-place seq', async (_, order, seq) => {
    const original = chain();
    const result = await verifyChain(order.map((s) => at(original, s)));
    expect(result).toMatchObject({
      ok: false,
      count: seq - 1,
      firstBad: { seq, id: `e${seq}`, problem: 'reordered' },
    });
  });

  it('reports an entry repeated verbatim as duplicate', async () => {
    const entries = chain();
    entries.splice(3, 0, entries[2]);
    expect(await verifyChain(entries)).toMatchObject({
      ok: false,
      count: 3,
      firstBad: { seq: 3, id: 'e3', problem: 'duplicate' },
    });
  });

  it('reports a second entry with an already used seq (a forked chain) as reordered', async () => {
    const entries = chain(3);
    const fork = sealBatch(events(4).slice(3), { seq: 2, hash: entries[1].hash }, () => false).entries[0];
    expect(await verifyChain([...entries, fork])).toMatchObject({
      ok: false,
      count: 3,
      firstBad: { seq: 3, id: 'e4', problem: 'reordered' },
    });
  });

  it('reports a broken link between self-consistent entries (removed and re-hashed) at the entry after', async () => {
    // An attacker deletes entry 3, renumbers 4..6 and recomputes each hash but cannot fix the links.
    const entries = chain().filter((e) => e.seq !== 3);
    const renumbered = entries.map((e) => {
      if (e.seq < 3) return e;
      const moved = { ...e, seq: e.seq - 1 };
      return { ...moved, hash: computeEntryHash(moved) };
    });
    expect(await verifyChain(renumbered)).toMatchObject({
      ok: false,
      count: 2,
      firstBad: { seq: 3, id: 'e4', problem: 'removed' },
    });
  });

  it('reports a re-hashed first entry that does not start from genesis', async () => {
    const entries = chain();
    const first = { ...entries[0], prevHash: 'a'.repeat(64) };
    entries[0] = { ...first, hash: computeEntryHash(first) };
    expect(await verifyChain(entries)).toMatchObject({
      ok: false,
      count: 0,
      firstBad: { seq: 1, id: 'e1', problem: 'removed' },
      message: expect.stringMatching(/genesis/),
    });
  });

  it('reports unreadable stored data as modified at the next seq, and closes the source', async () => {
    let closed = false;
    async function* broken(): AsyncGenerator<AuditEntry> {
      try {
        yield* chain(2);
        throw new AuditCorruptionError('line 3 is not valid JSON', { line: 3 });
      } finally {
        closed = true;
      }
    }
    expect(await verifyChain(broken())).toMatchObject({
      ok: false,
      count: 2,
      firstBad: { seq: 3, problem: 'modified' },
      message: expect.stringMatching(/line 3/),
    });
    expect(closed).toBe(true);
  });

  it('stops reading at the first problem and releases the source', async () => {
    let read = 0;
    let closed = false;
    const entries = chain();
    entries[1] = { ...entries[1], actor: 'x' };
    async function* source(): AsyncGenerator<AuditEntry> {
      try {
        for (const e of entries) {
          read += 1;
          yield e;
        }
      } finally {
        closed = true;
      }
    }
    await verifyChain(source());
    expect(read).toBe(2);
    expect(closed).toBe(true);
  });

  it('passes through errors that are not about stored data', async () => {
    async function* failing(): AsyncGenerator<AuditEntry> {
      yield* [];
      throw new Error('connection refused');
    }
    await expect(verifyChain(failing())).rejects.toThrow('connection refused');
  });
});
