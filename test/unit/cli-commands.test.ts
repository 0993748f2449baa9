/**
 * Argument parsing and help of the operator commands, without Temporal: each command's action is replaced by a
 * spy, so these tests see exactly what commander hands the real action.
 */
import { Command, CommanderError } from 'commander';
import { buildProgram } from '../../src/cli/main';
import { parseIsoInstant } from '../../src/cli/commands/audit';
import { parsePositiveInt } from '../../src/cli/commands/list';
import { scheduleTiming } from '../../src/cli/commands/schedule';
import { parsePort } from '../../src/cli/commands/serve';

const OUR_COMMANDS = [
  'plan',
  'run',
  'status',
  'list',
  'approve',
  'reject',
  'revert',
  'schedule',
  'schedule create',
  'schedule list',
  'schedule delete',
  'audit',
  'audit verify',
  'audit export',
  'serve',
];

interface Harness {
  program: Command;
  calls: unknown[][];
  output: () => string;
  parse: (...args: string[]) => Promise<void>;
}

/** The real program, with exits turned into exceptions, output captured, and every action a spy. */
function harness(): Harness {
  const program = buildProgram();
  const calls: unknown[][] = [];
  let out = '';
  const walk = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
    // Replace leaf actions only: a parent's action would swallow its sub-commands.
    if (cmd.commands.length === 0) cmd.action((...args: unknown[]) => void calls.push(args.slice(0, -1)));
    cmd.commands.forEach(walk);
  };
  walk(program);
  return {
    program,
    calls,
    output: () => out,
    parse: async (...args) => {
      await program.parseAsync(['node', 'gcsync', ...args]);
    },
  };
}

async function commanderError(h: Harness, ...args: string[]): Promise<CommanderError> {
  try {
    await h.parse(...args);
  } catch (err) {
    if (err instanceof CommanderError) return err;
    throw err;
  }
  throw new Error(`expected ${args.join(' ')} to fail`);
}

describe('gcsync commands: parsing', () => {
  it('plan --rules FILE [--json] [--target GROUP...]', async () => {
    const h = harness();
    await h.parse('plan', '--rules', 'rules.yaml', '--target', 'Support Tier 1', 'Sales', '--json');
    expect(h.calls).toEqual([[{ rules: 'rules.yaml', target: ['Support Tier 1', 'Sales'], json: true }]]);
    expect((await commanderError(harness(), 'plan')).code).toBe('commander.missingMandatoryOptionValue');
  });

  it('run waits by default; --no-wait returns at once', async () => {
    const h = harness();
    await h.parse('run', '--rules', 'r.yaml');
    await h.parse('run', '--rules', 'r.yaml', '--no-wait');
    await h.parse('run', '--rules', 'r.yaml', '--wait');
    expect(h.calls.map(([opts]) => (opts as { wait: boolean }).wait)).toEqual([true, false, true]);
  });

  it('status ID [--json]', async () => {
    const h = harness();
    await h.parse('status', 'gcsync-apply-1', '--json');
    expect(h.calls).toEqual([['gcsync-apply-1', { json: true }]]);
    expect((await commanderError(harness(), 'status')).code).toBe('commander.missingArgument');
  });

  it('list [--awaiting-approval] [--limit N] [--json]', async () => {
    const h = harness();
    await h.parse('list');
    await h.parse('list', '--awaiting-approval', '--limit', '5', '--json');
    expect(h.calls).toEqual([[{ limit: 20 }], [{ awaitingApproval: true, limit: 5, json: true }]]);
    expect((await commanderError(harness(), 'list', '--limit', '0')).code).toBe('commander.invalidArgument');
  });

  it('revert ID [--run-id R] [--plan] [--approve-as WHO] [--comment C] waits by default', async () => {
    const h = harness();
    await h.parse('revert', 'w1');
    await h.parse('revert', 'w1', '--run-id', 'r1', '--plan', '--json');
    await h.parse('revert', 'w1', '--approve-as', 'alice', '--comment', 'INC-42', '--no-wait');
    expect(h.calls).toEqual([
      ['w1', { wait: true }],
      ['w1', { wait: true, runId: 'r1', plan: true, json: true }],
      ['w1', { wait: false, approveAs: 'alice', comment: 'INC-42' }],
    ]);
    expect((await commanderError(harness(), 'revert')).code).toBe('commander.missingArgument');
  });

  it('approve ID --by WHO [--digest D] [--comment C]', async () => {
    const h = harness();
    await h.parse('approve', 'w1', '--by', 'alice', '--digest', 'd1', '--comment', 'CHG-1');
    await h.parse('approve', 'w1', '--by', 'alice');
    expect(h.calls).toEqual([
      ['w1', { by: 'alice', digest: 'd1', comment: 'CHG-1' }],
      ['w1', { by: 'alice' }],
    ]);
    expect((await commanderError(harness(), 'approve', 'w1')).code).toBe('commander.missingMandatoryOptionValue');
  });

  it('reject ID --by WHO --reason R', async () => {
    const h = harness();
    await h.parse('reject', 'w1', '--by', 'bob', '--reason', 'too many removals');
    expect(h.calls).toEqual([['w1', { by: 'bob', reason: 'too many removals' }]]);
    expect((await commanderError(harness(), 'reject', 'w1', '--by', 'bob')).code).toBe(
      'commander.missingMandatoryOptionValue',
    );
  });

  it('schedule create --id ID (--every | --cron) --rules FILE [--mode apply|plan]', async () => {
    const h = harness();
    await h.parse('schedule', 'create', '--id', 'hourly', '--every', '1h', '--rules', 'r.yaml');
    await h.parse('schedule', 'create', '--id', 'n', '--cron', '0 2 * * *', '--rules', 'r.yaml', '--mode', 'plan');
    expect(h.calls).toEqual([
      [{ id: 'hourly', every: '1h', rules: 'r.yaml', mode: 'apply' }],
      [{ id: 'n', cron: '0 2 * * *', rules: 'r.yaml', mode: 'plan' }],
    ]);
    const bad = await commanderError(
      harness(),
      'schedule',
      'create',
      '--id',
      'x',
      '--every',
      '1h',
      '--rules',
      'r',
      '--mode',
      'x',
    );
    expect(bad.code).toBe('commander.invalidArgument');
  });

  it('schedule list / delete ID', async () => {
    const h = harness();
    await h.parse('schedule', 'list', '--json');
    await h.parse('schedule', 'delete', 'hourly');
    expect(h.calls).toEqual([[{ json: true }], ['hourly', {}]]);
  });

  it('audit verify / export [--since ISO] [--format jsonl|csv]', async () => {
    const h = harness();
    await h.parse('audit', 'verify');
    await h.parse('audit', 'export');
    await h.parse('audit', 'export', '--since', '2026-11-01T00:00:00Z', '--format', 'csv');
    expect(h.calls).toEqual([[{}], [{ format: 'jsonl' }], [{ since: '2026-11-01T00:00:00Z', format: 'csv' }]]);
    expect((await commanderError(harness(), 'audit', 'export', '--format', 'xml')).code).toBe(
      'commander.invalidArgument',
    );
    expect((await commanderError(harness(), 'audit', 'export', '--since', 'yesterday')).code).toBe(
      'commander.invalidArgument',
    );
  });

  it('serve [--port P] [--host H]', async () => {
    const h = harness();
    await h.parse('serve', '--port', '8080', '--host', '127.0.0.1');
    expect(h.calls).toEqual([[{ port: 8080, host: '127.0.0.1' }]]);
    expect((await commanderError(harness(), 'serve', '--port', '70000')).code).toBe('commander.invalidArgument');
  });
});

describe('gcsync commands: help', () => {
  it.each(OUR_COMMANDS)('%s --help has an Examples section', async (name) => {
    const h = harness();
    const err = await commanderError(h, ...name.split(' '), '--help');
    expect(err.code).toBe('commander.helpDisplayed');
    expect(h.output()).toMatch(/\nExamples:\n {2}\$ .*gcsync /);
  });

  it('plan --help documents the exit codes', async () => {
    const h = harness();
    await commanderError(h, 'plan', '--help');
    expect(h.output()).toContain('0  no changes');
    expect(h.output()).toContain('2  changes');
  });

  it('schedule create --help says the worker reads the rules path', async () => {
    const h = harness();
    await commanderError(h, 'schedule', 'create', '--help');
    expect(h.output()).toContain('the path must be readable by every worker');
  });
});

describe('option parsers', () => {
  it('scheduleTiming needs exactly one of --every and --cron, and checks the interval', () => {
    expect(scheduleTiming({ every: '15m' })).toEqual({ every: '15m' });
    expect(scheduleTiming({ cron: '0 * * * *' })).toEqual({ cron: '0 * * * *' });
    expect(() => scheduleTiming({})).toThrow('give --every <interval> or --cron <expr>');
    expect(() => scheduleTiming({ every: '1h', cron: '0 * * * *' })).toThrow('not both');
    expect(() => scheduleTiming({ every: '1.5h' })).toThrow(/invalid duration "1.5h"/);
    expect(() => scheduleTiming({ every: '0m' })).toThrow('--every must be longer than zero');
  });

  it('parsePort, parsePositiveInt, parseIsoInstant', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('65535')).toBe(65535);
    expect(() => parsePort('http')).toThrow('must be a port number');
    expect(parsePositiveInt('7')).toBe(7);
    expect(() => parsePositiveInt('1.5')).toThrow('positive whole number');
    expect(parseIsoInstant('2026-11-01')).toBe('2026-11-01');
    expect(() => parseIsoInstant('11/01/2026')).toThrow('ISO-8601');
  });
});
