import {
  PATCH_OP_SCHEMA,
  buildMemberPatches,
  chunkMemberChanges,
  memberValuePath,
  type ScimMemberOperation,
  type ScimPatchBody,
} from '../../src/scim/patch-ops';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Member changes a body carries: one per remove op, one per value of an add op. */
function changesIn(body: ScimPatchBody): number {
  return body.Operations.reduce((sum, op) => sum + (op.op === 'add' ? op.value.length : 1), 0);
}

/** Flattens bodies into the sequence of member changes, in wire order. */
function sequence(bodies: ScimPatchBody[]): string[] {
  return bodies.flatMap((body) =>
    body.Operations.flatMap((op) => (op.op === 'add' ? op.value.map((m) => `+${m.value}`) : [`-${op.path}`])),
  );
}

function allOps(bodies: ScimPatchBody[]): ScimMemberOperation[] {
  return bodies.flatMap((b) => b.Operations);
}

describe('buildMemberPatches', () => {
  it('returns no bodies for an empty delta', () => {
    expect(buildMemberPatches({ add: [], remove: [] })).toEqual([]);
  });

  it('builds RFC 7644 PatchOp bodies with filtered removes and a multi-value add', () => {
    const bodies = buildMemberPatches({ add: ['u3', 'u4'], remove: ['u1', 'u2'] });

    expect(bodies).toEqual([
      {
        schemas: [PATCH_OP_SCHEMA],
        Operations: [
          { op: 'remove', path: 'members[value eq "u1"]' },
          { op: 'remove', path: 'members[value eq "u2"]' },
          { op: 'add', path: 'members', value: [{ value: 'u3' }, { value: 'u4' }] },
        ],
      },
    ]);
    expect(PATCH_OP_SCHEMA).toBe('urn:ietf:params:scim:api:messages:2.0:PatchOp');
  });

  it('puts every remove before every add, across chunks', () => {
    const bodies = buildMemberPatches({ add: ['a1', 'a2', 'a3'], remove: ['r1', 'r2', 'r3'], chunkSize: 2 });

    expect(sequence(bodies)).toEqual([
      '-members[value eq "r1"]',
      '-members[value eq "r2"]',
      '-members[value eq "r3"]',
      '+a1',
      '+a2',
      '+a3',
    ]);
    // The mixed chunk still has its remove first.
    expect(bodies[1].Operations.map((op) => op.op)).toEqual(['remove', 'add']);
  });

  it('counts each member as one change toward the chunk size', () => {
    const bodies = buildMemberPatches({ add: ids('a', 250), remove: ids('r', 30), chunkSize: 100 });

    expect(bodies.map(changesIn)).toEqual([100, 100, 80]);
    // First chunk: 30 removes + one add op carrying 70 values.
    expect(bodies[0].Operations).toHaveLength(31);
    expect(bodies[1].Operations).toEqual([{ op: 'add', path: 'members', value: expect.any(Array) }]);
  });

  it('defaults to 100 changes per chunk', () => {
    const bodies = buildMemberPatches({ add: ids('a', 201), remove: [] });
    expect(bodies.map(changesIn)).toEqual([100, 100, 1]);
  });

  it('handles a chunk size of 1 and exact multiples', () => {
    expect(buildMemberPatches({ add: ['a'], remove: ['r'], chunkSize: 1 }).map(changesIn)).toEqual([1, 1]);
    expect(buildMemberPatches({ add: ids('a', 4), remove: [], chunkSize: 2 }).map(changesIn)).toEqual([2, 2]);
  });

  it('never emits a replace or an unfiltered members remove', () => {
    const ops = allOps(buildMemberPatches({ add: ids('a', 57), remove: ids('r', 43), chunkSize: 7 }));

    expect(ops.length).toBeGreaterThan(0);
    for (const op of ops) {
      expect(['add', 'remove']).toContain(op.op);
      if (op.op === 'remove') expect(op.path).toMatch(/^members\[value eq ".+"\]$/);
      if (op.op === 'add') expect(op.path).toBe('members');
    }
  });

  it('sends one remove operation per id', () => {
    const ops = allOps(buildMemberPatches({ add: [], remove: ['x', 'y', 'z'] }));
    expect(ops).toEqual([
      { op: 'remove', path: 'members[value eq "x"]' },
      { op: 'remove', path: 'members[value eq "y"]' },
      { op: 'remove', path: 'members[value eq "z"]' },
    ]);
  });

  it('adds display names only where known', () => {
    const [body] = buildMemberPatches({
      add: ['u1', 'u2', 'constructor'],
      remove: [],
      displayNames: { u1: 'Ada Lovelace', u2: '' },
    });
    expect(body.Operations).toEqual([
      {
        op: 'add',
        path: 'members',
        value: [{ value: 'u1', display: 'Ada Lovelace' }, { value: 'u2' }, { value: 'constructor' }],
      },
    ]);
  });

  it('collapses duplicate ids within a list', () => {
    const bodies = buildMemberPatches({ add: ['a', 'b', 'a'], remove: ['r', 'r'] });
    expect(sequence(bodies)).toEqual(['-members[value eq "r"]', '+a', '+b']);
  });

  it('keeps an id present in both lists as remove-then-add, like the Genesys apply', () => {
    expect(sequence(buildMemberPatches({ add: ['u1'], remove: ['u1'] }))).toEqual(['-members[value eq "u1"]', '+u1']);
  });

  it('is deterministic, so a chunk index means the same chunk on every attempt', () => {
    const input = { add: ids('a', 33), remove: ids('r', 12), chunkSize: 10 };
    expect(buildMemberPatches(input)).toEqual(buildMemberPatches(input));
  });

  it('does not mutate its inputs', () => {
    const add = Object.freeze(['b', 'a']);
    const remove = Object.freeze(['c']);
    buildMemberPatches({ add, remove });
    expect(add).toEqual(['b', 'a']);
    expect(remove).toEqual(['c']);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects chunk size %p', (chunkSize) => {
    expect(() => buildMemberPatches({ add: ['a'], remove: [], chunkSize })).toThrow(RangeError);
  });

  it('rejects empty member ids', () => {
    expect(() => buildMemberPatches({ add: [''], remove: [] })).toThrow(/add contains an empty/);
    expect(() => buildMemberPatches({ add: [], remove: [''] })).toThrow(/remove contains an empty/);
  });
});

describe('memberValuePath', () => {
  it('quotes the id as a JSON string, escaping quotes and backslashes', () => {
    expect(memberValuePath('2c9a7f0e-1b2c-4d3e-8f90-a1b2c3d4e5f6')).toBe(
      'members[value eq "2c9a7f0e-1b2c-4d3e-8f90-a1b2c3d4e5f6"]',
    );
    expect(memberValuePath('we"ird\\id')).toBe('members[value eq "we\\"ird\\\\id"]');
  });
});

describe('chunkMemberChanges', () => {
  it('names the ids each body of buildMemberPatches carries, index for index', () => {
    const input = { add: ids('a', 5), remove: ids('r', 4), chunkSize: 3 };
    const chunks = chunkMemberChanges(input);
    const bodies = buildMemberPatches(input);
    expect(chunks).toHaveLength(bodies.length);
    expect(chunks).toEqual([
      { remove: ['r0', 'r1', 'r2'], add: [] },
      { remove: ['r3'], add: ['a0', 'a1'] },
      { remove: [], add: ['a2', 'a3', 'a4'] },
    ]);
    chunks.forEach((chunk, i) => {
      expect(sequence([bodies[i]])).toEqual([
        ...chunk.remove.map((id) => `-${memberValuePath(id)}`),
        ...chunk.add.map((id) => `+${id}`),
      ]);
    });
  });

  it('collapses duplicates like buildMemberPatches and rejects the same bad input', () => {
    expect(chunkMemberChanges({ add: ['x', 'x'], remove: ['y', 'y'] })).toEqual([{ remove: ['y'], add: ['x'] }]);
    expect(() => chunkMemberChanges({ add: [], remove: [], chunkSize: 0 })).toThrow(RangeError);
  });
});
