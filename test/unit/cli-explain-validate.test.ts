/**
 * The offline CLI pieces, in-process: `validate`, `--version`, `plan`'s exit codes, and `explain` over a fake
 * directory (its Genesys reads are an interface; the real ones are covered by test/integration/cli-explain.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { runExplain } from '../../src/cli/commands/explain';
import type { ExplainApiUser, ExplainReads } from '../../src/cli/commands/explain-reads';
import { planCommandExitCode } from '../../src/cli/commands/plan';
import { runValidate } from '../../src/cli/commands/validate';
import { buildProgram } from '../../src/cli/main';
import { formatPlanTotals } from '../../src/cli/output/plan-diff';
import { packageVersion } from '../../src/cli/version';
import { GenesysApiError } from '../../src/genesys/api-error';

const dir = mkdtempSync(join(tmpdir(), 'gcsync-cli-'));
const RULES = join(dir, 'rules.yaml');
writeFileSync(
  RULES,
  `version: 1
groups:
  - group: Support Team
    include:
      any:
        - role: Support Agent
        - department: Support
    exclude: [{ title: /contractor/i }]
  - group: Sales
    mode: additive
    include: { department: Sales }
  - group: All Staff
    includeGroups: [Support Team]
`,
);

/** Captures stdout and stderr while `fn` runs. */
async function captured<T>(fn: () => Promise<T> | T): Promise<{ value: T; out: string; err: string }> {
  let out = '';
  let err = '';
  const so = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const se = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { value: await fn(), out, err };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

describe('gcsync validate', () => {
  it('exits 0 for a valid file and summarises it', async () => {
    const { value, out } = await captured(() => runValidate({ rules: RULES }));
    expect(value).toBe(0);
    expect(out).toBe(
      `${RULES}: valid: 3 groups (exact 2, additive 1)\n` +
        'policy: requireApproval auto, maxRemovals 100, maxRemovalRatio 0.2, approvalTimeout 24h\n' +
        'user attributes read: expand=authorization\n',
    );
  });

  it('exits 1 with every problem, file and field path first', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\ngroups:\n  - group: X\n    mode: sometimes\n    include: { department: "/[a/" }\n');
    const { value, out, err } = await captured(() => runValidate({ rules: bad }));
    expect(value).toBe(1);
    expect(out).toBe('');
    expect(err).toContain(`${bad}: groups[0].mode: expected one of: exact, additive, managed`);
    expect(err).toContain(`${bad}: groups[0].include.department: invalid regular expression /[a/`);
    expect(err).toMatch(/invalid \(2 problems\)\n$/);
  });

  it('--json and a missing file', async () => {
    const { value, out } = await captured(() => runValidate({ rules: join(dir, 'none.yaml'), json: true }));
    expect(value).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ valid: false, issues: [{ code: 'io' }] });
  });
});

describe('gcsync --version', () => {
  it('prints the package version', async () => {
    const program = buildProgram().exitOverride();
    let out = '';
    program.configureOutput({ writeOut: (s) => (out += s) });
    await expect(program.parseAsync(['node', 'gcsync', '--version'])).rejects.toBeInstanceOf(CommanderError);
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(out).toBe(`${pkg.version}\n`);
    expect(packageVersion()).toBe(pkg.version);
  });
});

describe('gcsync plan exit codes (as terraform plan)', () => {
  it('0 for a successful plan, 2 for changes only with --detailed-exitcode, 1 for a failed plan', () => {
    expect(planCommandExitCode({ status: 'planned' }, false)).toBe(0);
    expect(planCommandExitCode({ status: 'planned' }, true)).toBe(2);
    expect(planCommandExitCode({ status: 'no-changes' }, true)).toBe(0);
    expect(planCommandExitCode({ status: 'aborted' }, false)).toBe(1);
    expect(planCommandExitCode({ status: 'aborted' }, true)).toBe(1);
  });

  it('parses --detailed-exitcode', async () => {
    const program = buildProgram();
    const plan = program.commands.find((c) => c.name() === 'plan')!;
    let seen: unknown;
    plan.action((opts: unknown) => void (seen = opts));
    await program.parseAsync(['node', 'gcsync', 'plan', '--rules', 'r.yaml', '--detailed-exitcode']);
    expect(seen).toEqual({ rules: 'r.yaml', detailedExitcode: true });
  });

  it('the totals sentence names only what happens (no "-0 to remove")', () => {
    const t = { groups: 1, groupsChanged: 1, unchanged: 4 };
    expect(formatPlanTotals({ ...t, adds: 3, removes: 0 })).toBe('1 group, 1 to change: +3 to add, 4 unchanged.');
    expect(formatPlanTotals({ ...t, adds: 0, removes: 2 })).toBe('1 group, 1 to change: -2 to remove, 4 unchanged.');
  });
});

describe('help', () => {
  it('run --wait says its default once', () => {
    const help = buildProgram()
      .commands.find((c) => c.name() === 'run')!
      .helpInformation();
    expect(help).toMatch(/\(the\s+default\)/);
    expect(help).not.toContain('(default) (default');
  });

  it.each(['validate', 'explain'])('%s --help has examples', (name) => {
    const command = buildProgram().commands.find((c) => c.name() === name)!;
    let help = '';
    command.configureOutput({ writeOut: (s) => (help += s) });
    command.outputHelp();
    expect(help).toMatch(new RegExp(`\\nExamples:\\n {2}\\$ gcsync ${name} --rules rules.yaml`));
  });
});

// ---- explain over a fake directory ----

const GROUPS = [
  { id: 'g-support', name: 'Support Team' },
  { id: 'g-sales', name: 'Sales' },
  { id: 'g-all', name: 'All Staff' },
];

function fakeReads(users: ExplainApiUser[], members: Record<string, string[]>, calls: string[] = []): ExplainReads {
  return {
    findUsersByEmail: (email) => {
      calls.push(`search ${email}`);
      return Promise.resolve(users.filter((u) => u.email?.toLowerCase() === email.toLowerCase()));
    },
    getUser: (id, expand) => {
      calls.push(`user ${id} ${expand.join(',')}`);
      return Promise.resolve(users.find((u) => u.id === id));
    },
    listGroups: () => {
      calls.push('groups');
      return Promise.resolve(GROUPS);
    },
    getIndividualIds: (groupId) => {
      calls.push(`individuals ${groupId}`);
      return Promise.resolve(members[groupId] ?? []);
    },
  };
}

const jane: ExplainApiUser = {
  id: 'u-jane',
  name: 'Jane Doe',
  email: 'jane@example.com',
  state: 'active',
  department: 'Support',
  authorization: { roles: [] },
};
const carl: ExplainApiUser = {
  id: 'u-carl',
  name: 'Carl',
  email: 'carl@example.com',
  state: 'active',
  department: 'Sales',
  title: 'Contractor',
  authorization: { roles: [{ id: 'r1', name: 'Support Agent' }] },
};

describe('gcsync explain (fake directory)', () => {
  it('a member who should not be (excluded), found by email, all groups', async () => {
    const calls: string[] = [];
    const reads = fakeReads([jane, carl], { 'g-support': ['u-carl'], 'g-sales': ['u-jane'] }, calls);
    const { value, out } = await captured(() => runExplain({ rules: RULES, user: 'CARL@example.com' }, reads));
    expect(value).toBe(0);
    expect(out).toBe(
      [
        'Carl <carl@example.com> (id u-carl, active)',
        '',
        'GROUP         MODE      MEMBER  SHOULD BE  A RUN WOULD  WHY',
        'Support Team  exact     yes     no         remove       excluded by exclude.any[0] (title ~ /contractor/i)',
        'Sales         additive  no      yes        add          include: department = Sales',
        'All Staff     exact     no      no         no change    not included via includeGroups[0] (Support Team): excluded by exclude.any[0] (title ~ /contractor/i)',
        '',
      ].join('\n'),
    );
    // A fresh read of this user and these groups only: no users listing.
    expect(calls).toEqual([
      'search CARL@example.com',
      'user u-carl authorization',
      'groups',
      'individuals g-support',
      'individuals g-sales',
      'individuals g-all',
    ]);
  });

  it('--group by rules key or Genesys id, --json, and additive members are kept', async () => {
    const reads = fakeReads([jane], { 'g-sales': ['u-jane'] });
    const { value, out } = await captured(() =>
      runExplain({ rules: RULES, user: 'u-jane', group: 'g-sales', json: true }, reads),
    );
    expect(value).toBe(0);
    expect(JSON.parse(out)).toEqual({
      user: { id: 'u-jane', name: 'Jane Doe', state: 'active', email: 'jane@example.com' },
      groups: [
        {
          group: 'Sales',
          groupId: 'g-sales',
          groupName: 'Sales',
          mode: 'additive',
          member: true,
          desired: false,
          action: 'keep',
          clause: 'include',
          reason: 'no longer matches include (department = Sales)',
        },
      ],
      errors: [],
    });
  });

  it('clear errors for an unknown user, email or group', async () => {
    const reads = fakeReads([jane, { ...jane, id: 'u-jane2' }], {});
    await expect(runExplain({ rules: RULES, user: 'u-nobody' }, reads)).rejects.toThrow(
      'no Genesys user has the id u-nobody',
    );
    await expect(runExplain({ rules: RULES, user: 'x@example.com' }, reads)).rejects.toThrow(
      'no Genesys user has the email x@example.com',
    );
    await expect(runExplain({ rules: RULES, user: 'jane@example.com' }, reads)).rejects.toThrow(
      '2 Genesys users have the email jane@example.com (u-jane, u-jane2); use --user ID',
    );
    await expect(runExplain({ rules: RULES, user: 'u-jane', group: 'Nope' }, reads)).rejects.toThrow(
      "group 'Nope' is not in the rules (groups: 'Support Team', 'Sales', 'All Staff')",
    );
  });

  it('refuses to explain from a user whose expansions are missing, and explains search being absent', async () => {
    const { authorization: _dropped, ...bare } = jane;
    await expect(runExplain({ rules: RULES, user: 'u-jane' }, fakeReads([bare], {}))).rejects.toThrow(
      'Genesys returned user u-jane without authorization; cannot explain from incomplete data',
    );
    const noSearch: ExplainReads = {
      ...fakeReads([jane], {}),
      findUsersByEmail: () => Promise.reject(new GenesysApiError({ status: 404, message: 'not found' })),
    };
    await expect(runExplain({ rules: RULES, user: 'jane@example.com' }, noSearch)).rejects.toThrow(
      'has no user search',
    );
  });

  it('an inactive user is explained as inactive; a group missing in Genesys exits 1 after the others', async () => {
    const reads: ExplainReads = {
      ...fakeReads([{ ...jane, state: 'inactive' }], { 'g-support': ['u-jane'] }),
      listGroups: () => Promise.resolve(GROUPS.filter((g) => g.id !== 'g-all')),
    };
    const { value, out, err } = await captured(() => runExplain({ rules: RULES, user: 'u-jane' }, reads));
    expect(value).toBe(1);
    expect(out).toContain('Support Team  exact     yes     no         remove       inactive (state inactive)');
    expect(err).toBe("gcsync: group 'All Staff' not found (no group has this id or exact name)\n");
  });
});
