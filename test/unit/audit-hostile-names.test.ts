/**
 * Hostile names never block the audit: group names, messages and errors are data, redacted or escaped before the
 * sink sees them; the sink's guard still refuses secret-looking keys, and such a refusal is non-retryable.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from '../../activities/deps';
import { makeRecordAudit } from '../../activities/record-audit';
import { FAILURE_TYPES } from '../../src/core/failure-types';
import type { AuditEventInput } from '../../activities/types';
import type { AuditEvent } from '../../src/audit/entry';
import { validateAuditEvents } from '../../src/audit/event-schema';
import { MemoryAuditSink } from '../../src/audit/memory-sink';
import { findSecretLookingFields, neutralizeAuditEvent, neutralizeAuditText } from '../../src/audit/secret-guard';
import { verifyChain } from '../../src/audit/verify';

const BEARER_NAME = `Bearer ${'A'.repeat(40)}`;
const base = { at: '2026-01-01T00:00:00Z', runId: 'r', workflowId: 'w' };

function failed(groupName: string, n = 1): AuditEvent {
  return {
    ...base,
    id: `w/r/group-failed/g${n}`,
    type: 'group.failed',
    groupId: `g${n}`,
    groupName,
    reason: `reading group ${groupName}: Genesys API 404`,
  };
}

describe('neutralizeAuditText', () => {
  it('redacts credential-looking parts and keeps the rest', () => {
    expect(neutralizeAuditText(`group ${BEARER_NAME} (x)`)).toBe('group Bearer [redacted] (x)');
    expect(neutralizeAuditText('Basic dXNlcjpwYXNzd29yZA== here')).toBe('Basic [redacted] here');
    expect(neutralizeAuditText('a=1&client_secret=abc&b=2')).toBe('a=1&client_secret:[redacted]&b=2');
    expect(neutralizeAuditText('Bearer of news')).toBe('Bearer of news');
  });

  it('escapes NUL and unpaired surrogates', () => {
    expect(neutralizeAuditText('a\u0000b')).toBe('a\\u0000b');
    expect(neutralizeAuditText('x\uD800y\uDC00z😀')).toBe('x\uFFFDy\uFFFDz😀');
  });

  it('leaves the result clean for the guard, whatever the input', () => {
    for (const name of [BEARER_NAME, `\u0000${BEARER_NAME}\u0000`, 'client_secret=1 Basic QUJDREVGR0hJSg==']) {
      const event = neutralizeAuditEvent(failed(name));
      expect(findSecretLookingFields(event)).toEqual([]);
      expect(() => validateAuditEvents([event])).not.toThrow();
    }
  });

  it('copies without turning a __proto__ key into a prototype, and keeps keys', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "Bearer AAAAAAAAAAAA"}, "password": "p"}') as object;
    const out = neutralizeAuditEvent(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'password']);
    expect(findSecretLookingFields(out)).toEqual(['$.password: key looks like a secret']);
  });
});

describe('recordAudit', () => {
  it('stores events about a group named like a credential or holding a NUL, redacted, in a verifiable chain', async () => {
    const audit = new MemoryAuditSink();
    const record = makeRecordAudit({ audit } as unknown as ActivityDeps);
    const events = [failed(BEARER_NAME, 1), failed('Sales\u0000Team', 2)] as unknown as AuditEventInput[];
    expect(await record(events)).toEqual({ appended: 2, skipped: 0 });
    // A retry of the same events stores nothing twice (same ids, same neutralised content).
    expect(await record(events)).toEqual({ appended: 0, skipped: 2 });
    const stored = audit.entries.map((e) => (e as unknown as { groupName: string }).groupName);
    expect(stored).toEqual(['Bearer [redacted]', 'Sales\\u0000Team']);
    expect(JSON.stringify(audit.entries)).not.toContain('AAAAAAAA');
    const report = await verifyChain(audit.read());
    expect(report).toMatchObject({ ok: true });
  });

  it('turns a deterministic refusal (a secret-looking key) into a non-retryable failure', async () => {
    const audit = new MemoryAuditSink();
    const record = makeRecordAudit({ audit } as unknown as ActivityDeps);
    const bad = { ...failed('x'), apiToken: 'abc' } as unknown as AuditEventInput;
    const error = await record([bad]).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: FAILURE_TYPES.auditRejected, nonRetryable: true });
    expect((error as Error).message).toContain('apiToken: key looks like a secret');
    expect((error as Error).message).not.toContain('abc');
    expect(audit.entries).toEqual([]);
  });

  it('lets a transient sink error through unchanged (retryable)', async () => {
    const down = new Error('connection refused');
    const audit = { append: () => Promise.reject(down) };
    const record = makeRecordAudit({ audit } as unknown as ActivityDeps);
    await expect(record([failed('x') as unknown as AuditEventInput])).rejects.toBe(down);
  });
});
