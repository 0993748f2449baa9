import { PostgresAuditSink } from '../../src/audit/postgres-sink';
import { verifyChain } from '../../src/audit/verify';
import { createTestSchema, type TestSchema } from '../support/postgres';
import { membershipEvents } from './audit-events';
import { collect, describeAuditSinkContract } from './audit-sink-contract';

let schema: TestSchema;
let logs = 0;

beforeAll(async () => {
  schema = await createTestSchema();
});
afterAll(async () => {
  await schema.drop();
});

describeAuditSinkContract('PostgreSQL', {
  crossProcess: true,
  createLog: async () => {
    const table = schema.table(`audit_${++logs}`);
    const sql = `"${schema.name}"."audit_${logs}"`;
    return {
      open: async () => new PostgresAuditSink({ connectionString: schema.url, table }),
      modify: async (seq, field, value) => {
        await schema.pool.query(`update ${sql} set entry = jsonb_set(entry, $2::text[], $3::jsonb) where seq = $1`, [
          seq,
          [field],
          JSON.stringify(value),
        ]);
      },
      remove: async (seq) => {
        await schema.pool.query(`delete from ${sql} where seq = $1`, [seq]);
      },
      // Reads follow the seq column; exchanging the stored entries moves each to the other's position.
      swap: async (a, b) => {
        await schema.pool.query(
          `update ${sql} t set entry = o.entry from ${sql} o
           where (t.seq, o.seq) in (($1::bigint, $2::bigint), ($2::bigint, $1::bigint))`,
          [a, b],
        );
      },
      childTarget: { kind: 'postgres', url: schema.url, table },
    };
  },
});

describe('PostgresAuditSink specifics', () => {
  it('creates the table with the documented columns, idempotently, and fills the query columns', async () => {
    const table = schema.table('audit_columns');
    const sinks = [0, 1, 2].map(() => new PostgresAuditSink({ pool: schema.pool, table }));
    // Concurrent first use must not race on create-if-not-exists.
    await Promise.all(sinks.map((sink) => sink.init()));
    await sinks[0].append(membershipEvents(2));
    const columns = await schema.pool.query<{ column_name: string; data_type: string }>(
      `select column_name, data_type from information_schema.columns
       where table_schema = $1 and table_name = 'audit_columns' order by ordinal_position`,
      [schema.name],
    );
    expect(columns.rows.map((c) => `${c.column_name}:${c.data_type}`)).toEqual([
      'seq:bigint',
      'id:text',
      'at:timestamp with time zone',
      'type:text',
      'entry:jsonb',
      'prev_hash:text',
      'hash:text',
    ]);
    const rows = await schema.pool.query(`select seq, id, type, prev_hash, hash, entry->>'hash' as entry_hash
      from "${schema.name}".audit_columns order by seq`);
    expect(rows.rows[1]).toMatchObject({ seq: '2', type: 'membership.change' });
    expect(rows.rows[1].hash).toBe(rows.rows[1].entry_hash);
    expect(rows.rows[1].prev_hash).toBe(rows.rows[0].hash);
    // Shared pool: closing the sinks must leave it usable.
    await Promise.all(sinks.map((sink) => sink.close()));
    await expect(schema.pool.query('select 1')).resolves.toBeDefined();
  });

  it('pages reads across more rows than one page', async () => {
    const sink = new PostgresAuditSink({ pool: schema.pool, table: schema.table('audit_paging') });
    await sink.append(membershipEvents(1203));
    expect((await collect(sink.read())).map((e) => e.seq)).toEqual(Array.from({ length: 1203 }, (_, i) => i + 1));
    expect(await verifyChain(sink.read())).toMatchObject({ ok: true, count: 1203 });
    await sink.close();
  });

  it('rejects an invalid table name', () => {
    expect(() => new PostgresAuditSink({ pool: schema.pool, table: 'x; drop table y' })).toThrow(/invalid table/);
  });
});
