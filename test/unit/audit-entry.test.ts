import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/core/canonical-json';
import { sealBatch } from '../../src/audit/chain';
import {
  computeEntryHash,
  EMPTY_HEAD,
  GENESIS_HASH,
  sealEvent,
  type AuditEvent,
  type MembershipChangeEvent,
} from '../../src/audit/entry';
import { AuditValidationError } from '../../src/audit/errors';
import { validateAuditEvents } from '../../src/audit/event-schema';
import { findSecretLookingFields } from '../../src/audit/secret-guard';

const change: MembershipChangeEvent = {
  type: 'membership.change',
  id: 'wf/run/membership/g1/add/u1',
  at: '2025-03-01T10:00:00.000Z',
  workflowId: 'wf',
  runId: 'run',
  groupId: 'g1',
  groupName: 'Sales',
  userId: 'u1',
  op: 'add',
  batchIndex: 0,
  groupVersion: 4,
  outcome: 'applied',
  httpStatus: 200,
};

describe('audit entry hashing', () => {
  it('hashes sha256(canonicalJson(entry without hash) + prevHash), from a genesis of 64 zeros', () => {
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
    const entry = sealEvent(change, EMPTY_HEAD);
    const { hash, ...rest } = entry;
    expect(rest).toEqual({ ...change, seq: 1, prevHash: GENESIS_HASH });
    expect(hash).toBe(
      createHash('sha256')
        .update(canonicalJson(rest) + GENESIS_HASH)
        .digest('hex'),
    );
    expect(computeEntryHash(entry)).toBe(hash);
  });

  it('chains each entry to the previous hash', () => {
    const first = sealEvent(change, EMPTY_HEAD);
    const second = sealEvent({ ...change, id: 'other' }, { seq: first.seq, hash: first.hash });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(second.hash).not.toBe(first.hash);
  });

  it('changes the hash when any field, seq or prevHash changes, including unknown fields', () => {
    const entry = sealEvent(change, EMPTY_HEAD);
    for (const altered of [
      { ...entry, op: 'remove' },
      { ...entry, seq: 2 },
      { ...entry, prevHash: 'f'.repeat(64) },
      { ...entry, note: 'added later' },
    ]) {
      expect(computeEntryHash(altered)).not.toBe(entry.hash);
    }
  });

  it('does not depend on key order or on absent optional fields', () => {
    const reordered = Object.fromEntries(Object.entries(change).reverse()) as unknown as AuditEvent;
    expect(sealEvent(reordered, EMPTY_HEAD).hash).toBe(sealEvent(change, EMPTY_HEAD).hash);
    expect(sealEvent({ ...change, approvalRef: undefined }, EMPTY_HEAD).hash).toBe(sealEvent(change, EMPTY_HEAD).hash);
  });
});

describe('sealBatch', () => {
  it('skips stored ids and repeats within the batch, and links the rest', () => {
    const events = ['a', 'b', 'a', 'c', 'd'].map((id) => ({ ...change, id }));
    const head = { seq: 7, hash: 'e'.repeat(64) };
    const batch = sealBatch(events, head, (id) => id === 'c');
    expect(batch.entries.map((e) => [e.id, e.seq])).toEqual([
      ['a', 8],
      ['b', 9],
      ['d', 10],
    ]);
    expect(batch.skipped).toBe(2);
    expect(batch.entries[0].prevHash).toBe(head.hash);
    expect(batch.head).toEqual({ seq: 10, hash: batch.entries[2].hash });
  });

  it('returns the head unchanged when everything is skipped', () => {
    const head = { seq: 3, hash: 'a'.repeat(64) };
    expect(sealBatch([change], head, () => true)).toEqual({ entries: [], skipped: 1, head });
  });
});

describe('validateAuditEvents', () => {
  const base = { workflowId: 'wf', runId: 'run', at: '2025-03-01T10:00:00+01:00' };

  it('accepts every event type with its required fields, keeping extra fields verbatim', () => {
    const events: AuditEvent[] = [
      { ...base, type: 'run.started', id: '1', mode: 'apply', targetGroups: ['g1'] },
      { ...base, type: 'run.finished', id: '2', status: 'succeeded', totals: { added: 1 } },
      { ...base, type: 'plan.created', id: '3', planDigest: 'd' },
      { ...base, type: 'approval.granted', id: '4', actor: 'alice', planDigest: 'd', comment: '' },
      { ...base, type: 'approval.rejected', id: '5', actor: 'bob', planDigest: 'd', reason: 'too many' },
      { ...base, type: 'approval.refused', id: '6', actor: 'eve', planDigest: 'x', expectedDigest: '' },
      { ...base, type: 'approval.expired', id: '7', planDigest: 'd', deadline: '2025-03-02T10:00:00Z' },
      { ...base, type: 'run.aborted', id: '8', reason: 'cycle', message: 'a → b → a', cycle: ['a', 'b', 'a'] },
      { ...change, id: '9' },
      {
        ...base,
        type: 'scim.notify',
        id: '10',
        groupId: 'g',
        idpGroupId: 'i',
        ops: 2,
        outcome: 'sent',
        httpStatus: 204,
      },
      { ...base, type: 'group.failed', id: '11', groupId: 'g', reason: '403' },
    ];
    expect(validateAuditEvents(events)).toEqual(events);
  });

  it('accepts the conventions for "no batch" (-1) and "no response" (status 0)', () => {
    const alreadyApplied = { ...change, batchIndex: -1, outcome: 'already-applied' as const };
    const networkError = { ...change, outcome: 'failed' as const, httpStatus: 0, error: 'ECONNRESET' };
    expect(validateAuditEvents([alreadyApplied, networkError])).toEqual([alreadyApplied, networkError]);
  });

  it.each([
    ['a missing id', { ...change, id: undefined }, 'events[0].id'],
    ['an empty run id', { ...change, runId: '' }, 'events[0].runId'],
    ['a time without offset', { ...change, at: '2025-03-01T10:00:00' }, 'events[0].at'],
    ['an unknown type', { ...change, type: 'membership.changed' }, 'events[0].type'],
    ['a bad op', { ...change, op: 'upsert' }, 'events[0].op'],
    ['a batch index below -1', { ...change, batchIndex: -2 }, 'events[0].batchIndex'],
    ['a fractional batch index', { ...change, batchIndex: 1.5 }, 'events[0].batchIndex'],
    ['a non-HTTP status', { ...change, httpStatus: 42 }, 'events[0].httpStatus'],
    ['a status above 599', { ...change, httpStatus: 600 }, 'events[0].httpStatus'],
    ['an approval without actor', { ...base, type: 'approval.granted', id: 'x', planDigest: 'd' }, 'events[0].actor'],
    ['an id over 2048 bytes', { ...change, id: 'é'.repeat(1025) }, 'events[0].id'],
    ['a NUL character', { ...change, groupName: 'a\u0000b' }, 'NUL'],
    ['a value JSON cannot hold', { ...change, extra: NaN }, 'non-finite'],
  ])('rejects %s', (_, event, where) => {
    expect(() => validateAuditEvents([event])).toThrow(AuditValidationError);
    expect(() => validateAuditEvents([event])).toThrow(where);
  });

  it('reports every problem in the batch', () => {
    const error = (() => {
      try {
        validateAuditEvents([change, { ...change, op: 'x' }, { ...change, password: 'p' }]);
      } catch (err) {
        return err as AuditValidationError;
      }
    })();
    expect(error?.issues).toEqual([
      expect.stringMatching(/^events\[1\]\.op/),
      'events[2].password: key looks like a secret',
    ]);
    expect(error?.message).toMatch(/^audit events must not contain secrets/);
  });
});

describe('findSecretLookingFields', () => {
  it.each([
    ['clientSecret'],
    ['scim_token'],
    ['accessToken'],
    ['password'],
    ['passwd'],
    ['Authorization'],
    ['apiKey'],
    ['api-key'],
    ['credentials'],
    ['cookie'],
    ['privateKey'],
  ])('flags a key named %s, at any depth', (key) => {
    expect(findSecretLookingFields({ a: [{ b: { [key]: 'x' } }] })).toEqual([
      `$.a[0].b.${key}: key looks like a secret`,
    ]);
  });

  it.each([
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig'],
    ['basic auth: Basic dXNlcjpwYXNzd29yZA=='],
    ['body grant_type=client_credentials&client_secret=abc'],
  ])('flags a credential-looking value: %s', (value) => {
    expect(findSecretLookingFields({ message: value })).toEqual(['$.message: value looks like a credential']);
  });

  it('leaves ordinary audit data alone', () => {
    expect(
      findSecretLookingFields({ ...change, reason: 'token bucket empty, Basic plan', comment: 'Bearer of news' }),
    ).toEqual([]);
  });
});
