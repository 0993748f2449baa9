/**
 * docs/schedules.md, run as written. The `temporal …` commands are read from the page's ```bash blocks (the page is
 * the only copy of the command text) and run with the real Temporal CLI against a real worker. Only the rules path in
 * `--input`, the task queue and `--address`/`--namespace` are substituted. The test checks that `schedule create`
 * stores what the page says (interval, overlap policy AllowAll, input). Then `schedule trigger` starts a run that carries
 * `TemporalScheduledById`, completes, and converges the emulator's groups. Finally `toggle` pauses and resumes the
 * schedule and `delete` removes it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { parseDuration } from '../../src/core/duration';
import type { reconcileGroups } from '../../workflows';
import {
  DEFAULT_TASK_QUEUE,
  RECONCILE_WORKFLOW_TYPE,
  type ReconcileInput,
  type ReconcileResult,
} from '../../workflows/messages';
import { expectedMembers, rulesFor } from '../support/org-rules';
import { waitFor, type Reconciler } from '../support/reconciler';
import { useReconcilerStack } from '../support/reconciler-stack';
import type { TestTemporal } from '../support/temporal';

const DOC_PATH = join(__dirname, '../../docs/schedules.md');
const SCHEDULED_BY_ID = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);
const execFileAsync = promisify(execFile);

// ---- reading the commands out of the page ----------------------------------------------------------------------

/**
 * Splits one shell command line into words the way sh would for the plain commands the docs use: whitespace, '…',
 * "…" (with \" \\ \$ \` escapes) and backslash escapes. Anything needing a real shell (expansions, pipes, redirections,
 * lists) is refused, so the test never runs something other than what an operator would.
 */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      break; // comment
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word = word ?? '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) i++;
        else if ('$`'.includes(line[i])) throw new Error(`shell expansion in a documented command: ${line}`);
        word += line[i];
      }
      if (i >= line.length) throw new Error(`unterminated " in: ${line}`);
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if ('$`|&;<>()'.includes(c)) {
      throw new Error(`documented commands must be plain commands, found ${c} in: ${line}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Every command of the page's ```bash blocks, as words; `\`-continued lines are joined, comments dropped. */
function bashCommands(markdown: string): string[][] {
  const commands: string[][] = [];
  for (const block of markdown.matchAll(/^```bash[ \t]*\n([\s\S]*?)^```/gm)) {
    const logical = block[1].replace(/\\\n/g, ' ').split('\n');
    for (const line of logical) {
      const words = shellWords(line.trim());
      if (words.length > 0) commands.push(words);
    }
  }
  return commands;
}

/** The first documented command starting with `prefix` (e.g. `temporal schedule create`). */
function documented(commands: string[][], prefix: string): string[] {
  const want = prefix.split(' ');
  const found = commands.find((c) => want.every((w, i) => c[i] === w));
  if (!found) throw new Error(`docs/schedules.md has no \`${prefix}\` command in a bash block`);
  return found;
}

/** Value of `--name value` or `--name=value`; undefined when absent. */
function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

function requiredFlag(args: string[], name: string): string {
  const value = flag(args, name);
  if (value === undefined) throw new Error(`documented command lacks ${name}: ${args.join(' ')}`);
  return value;
}

/** `args` with `name` set to `value`: replaced where it is, appended when absent. */
function withFlag(args: string[], name: string, value: string): string[] {
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    if (out[i] === name) {
      out[i + 1] = value;
      return out;
    }
    if (out[i].startsWith(`${name}=`)) {
      out[i] = `${name}=${value}`;
      return out;
    }
  }
  return [...out, name, value];
}

// ---- the stack ---------------------------------------------------------------------------------------------------

const commands = bashCommands(readFileSync(DOC_PATH, 'utf8'));
const createCmd = documented(commands, 'temporal schedule create');
const scheduleId = requiredFlag(createCmd, '--schedule-id');
const workflowIdBase = requiredFlag(createCmd, '--workflow-id');
const documentedInput = JSON.parse(requiredFlag(createCmd, '--input')) as ReconcileInput;

let temporal: TestTemporal;
let rec: Reconciler;
let dir: string;
let rulesFile: string;
let cliEnv: NodeJS.ProcessEnv;
let runInput: ReconcileInput;

const stack = useReconcilerStack({ emulator: { users: 300, groups: 5, seed: 23 } });
beforeAll(() => {
  ({ temporal, rec } = stack());
  dir = mkdtempSync(join(tmpdir(), 'gcsync-schedule-cli-'));
  rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, rulesFor(rec.emulator));
  runInput = { ...documentedInput, rulesRef: rulesFile };
  // The CLI reads TEMPORAL_ADDRESS, TEMPORAL_TLS_*, TEMPORAL_API_KEY… and a config file under $HOME: none of the
  // developer's settings may leak in; the flags below say everything.
  cliEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  cliEnv.HOME = dir;
  cliEnv.XDG_CONFIG_HOME = dir;
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs a documented `temporal …` command with the real binary, pointed at the test server. */
async function runTemporal(words: string[]): Promise<{ stdout: string; stderr: string }> {
  expect(words[0]).toBe('temporal');
  const cliPath = temporal.server?.cliPath;
  if (!cliPath) throw new Error('this test needs a local Temporal CLI binary (npm run temporal:ensure)');
  let args = withFlag(words.slice(1), '--address', temporal.address);
  args = withFlag(args, '--namespace', temporal.namespace);
  try {
    return await execFileAsync(cliPath, args, { env: cliEnv, timeout: 60_000 });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`temporal ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, {
      cause: err,
    });
  }
}

async function runTemporalJson<T>(words: string[]): Promise<T> {
  const { stdout } = await runTemporal(withFlag(words, '--output', 'json'));
  return JSON.parse(stdout) as T;
}

function membersDrift(): number {
  let drift = 0;
  for (const [groupId, want] of expectedMembers(rec.emulator)) {
    if (JSON.stringify(rec.emulator.state.groupMembers(groupId).slice().sort()) !== JSON.stringify(want)) drift++;
  }
  return drift;
}

async function scheduledRuns(): Promise<WorkflowExecutionInfo[]> {
  const runs: WorkflowExecutionInfo[] = [];
  const query = `WorkflowType = '${RECONCILE_WORKFLOW_TYPE}' AND TemporalScheduledById = '${scheduleId}'`;
  for await (const run of temporal.client.workflow.list({ query })) runs.push(run);
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

interface ScheduleDescription {
  schedule: {
    spec: { interval?: { interval: string }[]; cronString?: string[] };
    action: {
      startWorkflow: {
        workflowId: string;
        workflowType: { name: string };
        taskQueue: { name: string };
        input: { payloads: { data: string }[] };
      };
    };
    policies: { overlapPolicy: string };
    state: { paused?: boolean; notes?: string };
  };
}

// ---- the tests ---------------------------------------------------------------------------------------------------

describe('docs/schedules.md', () => {
  it('documents a schedule create command for reconcileGroups with overlap AllowAll, and an equivalent gcsync command', () => {
    expect(requiredFlag(createCmd, '--type')).toBe(RECONCILE_WORKFLOW_TYPE);
    expect(requiredFlag(createCmd, '--task-queue')).toBe(DEFAULT_TASK_QUEUE);
    expect(requiredFlag(createCmd, '--overlap-policy')).toBe('AllowAll');
    expect(requiredFlag(documented(commands, 'temporal schedule trigger'), '--overlap-policy')).toBe('AllowAll');
    const interval = requiredFlag(createCmd, '--interval');
    expect(documentedInput).toMatchObject({
      mode: 'apply',
      rulesRef: expect.any(String),
      requestedBy: `schedule:${scheduleId}`,
    });
    expect(isAbsolute(documentedInput.rulesRef!)).toBe(true);
    // The operating commands name the same schedule.
    for (const cmd of ['trigger', 'describe', 'toggle', 'delete']) {
      expect(requiredFlag(documented(commands, `temporal schedule ${cmd}`), '--schedule-id')).toBe(scheduleId);
    }
    expect(requiredFlag(documented(commands, 'temporal workflow list'), '--query')).toContain(`'${scheduleId}'`);
    // `gcsync schedule create` makes the same schedule (same id, interval and rules file).
    const gcsync = documented(commands, 'gcsync schedule create');
    expect(requiredFlag(gcsync, '--id')).toBe(scheduleId);
    expect(requiredFlag(gcsync, '--every')).toBe(interval);
    expect(requiredFlag(gcsync, '--rules')).toBe(documentedInput.rulesRef);
    expect(documented(commands, 'gcsync schedule delete')).toContain(scheduleId);
  });

  it('schedule create, as documented, stores the interval, overlap policy AllowAll and the input', async () => {
    let args = withFlag(createCmd, '--task-queue', rec.taskQueue);
    args = withFlag(args, '--input', JSON.stringify(runInput));
    await runTemporal(args);

    const described = await runTemporalJson<ScheduleDescription>(documented(commands, 'temporal schedule describe'));
    const { spec, action, policies } = described.schedule;
    // `--interval 1h` is stored as 3600s (with a `/phase` suffix, only the period counts here).
    const period = parseDuration(requiredFlag(createCmd, '--interval').split('/')[0]) / 1000;
    expect(spec.interval?.map((i) => i.interval)).toEqual([`${period}s`]);
    expect(policies.overlapPolicy).toBe('SCHEDULE_OVERLAP_POLICY_ALLOW_ALL');
    expect(action.startWorkflow).toMatchObject({
      workflowId: workflowIdBase,
      workflowType: { name: RECONCILE_WORKFLOW_TYPE },
      taskQueue: { name: rec.taskQueue },
    });
    const payloads = action.startWorkflow.input.payloads;
    expect(payloads).toHaveLength(1);
    expect(JSON.parse(Buffer.from(payloads[0].data, 'base64').toString('utf8'))).toEqual(runInput);
  });

  it('schedule trigger starts a run that carries TemporalScheduledById, completes and converges the groups', async () => {
    expect(membersDrift()).toBeGreaterThan(0); // the seeded org starts out of line with the rules

    await runTemporal(documented(commands, 'temporal schedule trigger'));
    const runs = await waitFor(scheduledRuns, (r) => r.length > 0, 60_000);

    // An interval fire can coincide with the trigger (at the top of the hour); then the later run finds nothing to do
    // or ends skipped while the first is at work. The first run is the one that converges.
    const results: ReconcileResult[] = [];
    for (const run of runs) {
      expect(run.workflowId.startsWith(`${workflowIdBase}-`)).toBe(true);
      expect(run.typedSearchAttributes.get(SCHEDULED_BY_ID)).toBe(scheduleId);
      const handle = temporal.client.workflow.getHandle<typeof reconcileGroups>(run.workflowId, run.runId);
      results.push(await handle.result());
    }
    expect(results[0]).toMatchObject({ status: 'completed', totals: { failedGroups: 0 } });
    expect(results[0].totals.added + results[0].totals.removed).toBeGreaterThan(0);
    for (const later of results.slice(1)) expect(['completed', 'no-changes', 'skipped']).toContain(later.status);

    for (const [groupId, want] of expectedMembers(rec.emulator)) {
      expect(rec.emulator.state.groupMembers(groupId).slice().sort()).toEqual(want);
    }
    // The run read the rules through rulesRef and recorded who started it.
    const started = (await rec.auditEntries()).find((e) => e.type === 'run.started' && e.runId === runs[0].runId);
    expect(started).toMatchObject({ workflowId: runs[0].workflowId, actor: documentedInput.requestedBy });

    // The documented `temporal workflow list` query finds it too.
    const listed = await runTemporalJson<{ execution: { workflowId: string } }[]>(
      documented(commands, 'temporal workflow list'),
    );
    expect(listed.map((w) => w.execution.workflowId)).toContain(runs[0].workflowId);
  });

  it('schedule list shows it; toggle --pause / --unpause pause and resume it', async () => {
    const list = await runTemporalJson<{ scheduleId: string }[]>(documented(commands, 'temporal schedule list'));
    expect(list.map((s) => s.scheduleId)).toContain(scheduleId);

    const describeSchedule = () =>
      runTemporalJson<ScheduleDescription>(documented(commands, 'temporal schedule describe'));
    const pause = commands.find((c) => c[2] === 'toggle' && c.includes('--pause'));
    const unpause = commands.find((c) => c[2] === 'toggle' && c.includes('--unpause'));
    expect(pause).toBeDefined();
    expect(unpause).toBeDefined();
    await runTemporal(pause!);
    expect((await describeSchedule()).schedule.state.paused).toBe(true);
    await runTemporal(unpause!);
    expect((await describeSchedule()).schedule.state.paused).toBeFalsy();
  });

  it('schedule delete removes it', async () => {
    await runTemporal(documented(commands, 'temporal schedule delete'));
    await expect(runTemporal(documented(commands, 'temporal schedule describe'))).rejects.toThrow(
      /schedule not found/i,
    );
    // Schedule listing goes through visibility, which may lag the delete by a moment.
    await waitFor(
      () => runTemporalJson<{ scheduleId: string }[]>(documented(commands, 'temporal schedule list')),
      (list) => !list.some((s) => s.scheduleId === scheduleId),
    );
  });
});
