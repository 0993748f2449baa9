import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditSink } from '../../src/audit/factory';
import { JsonlAuditSink } from '../../src/audit/jsonl-sink';
import { PostgresAuditSink } from '../../src/audit/postgres-sink';
import { createTestSchema, type TestSchema } from '../support/postgres';
import { membershipEvents } from './audit-events';

let dir: string;
let schema: TestSchema;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gcsync-audit-factory-'));
  schema = await createTestSchema();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await schema.drop();
});

describe('openAuditSink', () => {
  it('opens the JSONL file at AUDIT_FILE without DATABASE_URL', async () => {
    const path = join(dir, 'nested', 'audit.jsonl');
    const sink = await openAuditSink({ AUDIT_FILE: path, DATABASE_URL: '' });
    expect(sink).toBeInstanceOf(JsonlAuditSink);
    await sink.append(membershipEvents(2));
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(3);
    await sink.close();
  });

  it('defaults to ./.gcsync/audit.jsonl', async () => {
    const sink = await openAuditSink({});
    expect((sink as JsonlAuditSink).path).toBe(join(process.cwd(), '.gcsync', 'audit.jsonl'));
    await sink.close();
  });

  it('opens PostgreSQL with DATABASE_URL, creating gcsync_audit up front', async () => {
    const sink = await openAuditSink({ DATABASE_URL: schema.url, AUDIT_FILE: join(dir, 'unused.jsonl') });
    expect(sink).toBeInstanceOf(PostgresAuditSink);
    const { rows } = await schema.pool.query(`select to_regclass('"${schema.name}".gcsync_audit') as t`);
    expect(rows[0].t).not.toBeNull();
    await sink.append(membershipEvents(2));
    const count = await schema.pool.query(`select count(*)::int as n from "${schema.name}".gcsync_audit`);
    expect(count.rows[0].n).toBe(2);
    await sink.close();
  });

  it('fails fast on an unreachable database', async () => {
    await expect(openAuditSink({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow();
  });
});
