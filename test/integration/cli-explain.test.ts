/**
 * `gcsync explain` against the real emulator through the official SDK: a member, a non-member and an excluded member,
 * each from a fresh read of that user and the groups asked about (never a users listing). No Temporal is involved.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExplain } from '../../src/cli/commands/explain';
import type { RunningEmulator } from '../../src/emulator';
import { startControlledEmulator, type EmulatorControl } from '../support/emulator-control';
import { runGcsync } from '../support/gcsync-cli';

const CLIENT_ID = 'explain-it';
const CLIENT_SECRET = 'explain-it-secret';

let emulator: RunningEmulator;
let control: EmulatorControl;
let rulesFile: string;
let env: Record<string, string>;
const ids: Record<'member' | 'joiner' | 'contractor' | 'outsider', string> = {
  member: '',
  joiner: '',
  contractor: '',
  outsider: '',
};
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  ({ emulator, control } = await startControlledEmulator({
    users: 20,
    groups: 2,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    rateLimitPerMinute: 0,
  }));
  const created = await control.createUsers([
    { name: 'Mia Member', email: 'mia@example.com', department: 'Support', roles: ['Agent'] },
    { name: 'Joe Joiner', email: 'joe@example.com', department: 'Support', roles: ['Supervisor'] },
    { name: 'Cat Contractor', email: 'cat@example.com', department: 'Support', roles: ['Agent'], title: 'Contractor' },
    { name: 'Otto Outsider', email: 'otto@example.com', department: 'Sales', roles: ['Agent'] },
  ]);
  [ids.member, ids.joiner, ids.contractor, ids.outsider] = created.map((u) => u.id);
  await control.createGroup({ name: 'Explain Support', memberIds: [ids.member, ids.contractor, ids.outsider] });
  await control.createGroup({ name: 'Explain Everyone', memberIds: [] });

  const dir = mkdtempSync(join(tmpdir(), 'gcsync-explain-'));
  rulesFile = join(dir, 'rules.yaml');
  writeFileSync(
    rulesFile,
    `version: 1
groups:
  - group: Explain Support
    include:
      all:
        - department: Support
        - any: [{ role: Agent }, { role: Supervisor }]
    exclude: [{ title: /contractor/i }]
  - group: Explain Everyone
    includeGroups: [Explain Support]
`,
  );
  env = { GENESYS_API_URL: emulator.url, GENESYS_CLIENT_ID: CLIENT_ID, GENESYS_CLIENT_SECRET: CLIENT_SECRET };
  savedEnv = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('GENESYS_')) delete process.env[key];
  Object.assign(process.env, env);
});

afterAll(async () => {
  process.env = savedEnv;
  await emulator?.close();
});

/** Runs the command in-process (the real SDK and emulator; only the process boundary is skipped). */
interface ExplainJson {
  user: { id: string; email?: string };
  groups: Record<string, unknown>[];
}

async function explain(user: string, group?: string): Promise<{ code: number; json: ExplainJson }> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  try {
    const code = await runExplain({ rules: rulesFile, user, json: true, ...(group ? { group } : {}) });
    return { code, json: JSON.parse(out) as ExplainJson };
  } finally {
    spy.mockRestore();
  }
}

describe('gcsync explain against the emulator', () => {
  it('the binary explains a member by id and exits 0, reading only that user and those groups', async () => {
    await control.clearCalls();
    const res = await runGcsync(['explain', '--rules', rulesFile, '--user', ids.member], env);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain(`Mia Member <mia@example.com> (id ${ids.member}, active)`);
    expect(res.stdout).toMatch(
      /Explain Support\s+exact\s+yes\s+yes\s+no change\s+include: department = Support and \(role = Agent or role = Supervisor\)\n/,
    );
    expect(res.stdout).toMatch(
      /Explain Everyone\s+exact\s+no\s+yes\s+add\s+included via includeGroups\[0\] \(Explain Support\)/,
    );
    const { counts } = await control.calls();
    expect(counts).toEqual({
      'POST /oauth/token': 1,
      'GET /api/v2/users': 1,
      'GET /api/v2/groups': 1,
      'GET /api/v2/groups/{id}/individuals': 2,
    });
  });

  it('a non-member who should join, and one who should not', async () => {
    const joiner = await explain(ids.joiner, 'Explain Support');
    expect(joiner.code).toBe(0);
    expect(joiner.json.groups).toEqual([
      expect.objectContaining({ member: false, desired: true, action: 'add', clause: 'include' }),
    ]);
    const outsider = await explain(ids.outsider, 'Explain Support');
    expect(outsider.json.groups[0]).toMatchObject({
      member: true,
      desired: false,
      action: 'remove',
      clause: 'include.all[0]',
      reason: 'no longer matches include.all[0] (department = Support)',
    });
  });

  it('an excluded member, found by exact email (or by id where the emulator has no user search)', async () => {
    let res = await explain('CAT@example.com', 'Explain Support').catch((err: Error) => err);
    if (res instanceof Error) {
      expect(res.message).toContain('has no user search');
      res = await explain(ids.contractor, 'Explain Support');
    }
    expect(res.code).toBe(0);
    expect(res.json.user).toMatchObject({ id: ids.contractor, email: 'cat@example.com' });
    expect(res.json.groups).toEqual([
      expect.objectContaining({
        groupName: 'Explain Support',
        member: true,
        desired: false,
        action: 'remove',
        clause: 'exclude.any[0]',
        reason: 'excluded by exclude.any[0] (title ~ /contractor/i)',
      }),
    ]);
  });

  it('an unknown user and an unknown group are clear errors', async () => {
    await expect(explain('no-such-user')).rejects.toThrow('no Genesys user has the id no-such-user');
    await expect(explain(ids.member, 'Nope')).rejects.toThrow("group 'Nope' is not in the rules");
  });
});
