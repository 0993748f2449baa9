/**
 * `npm run histories:record`: records one real history per workflow shape (see `scripts/histories/scenarios.ts`)
 * into a NEW folder `test/fixtures/histories/<UTC date>-<short commit>/`, which
 * `test/integration/workflow-replay.test.ts` then replays on every test run. Starts its own Temporal dev server,
 * Genesys emulators, SCIM peer and workers (the test/support helpers), so it needs nothing running.
 *
 * Idempotent and append-only: a scenario already recorded from the same `workflows/` code (same git tree) is not
 * recorded again, so a second run, or a run after a commit that left `workflows/` alone, does nothing; after a
 * workflow change, or when a scenario is added, only what is missing is recorded. An existing recording is never
 * touched: the new folder is written under a temporary name and renamed once complete. `workflows/` must be
 * committed (the manifest names the commit the shapes come from). Usage:
 *
 *   npm run histories:record                         # every scenario not yet recorded for this workflows/ tree
 *   npm run histories:record -- --only apply-scim    # some scenarios (comma-separated)
 *   npm run histories:record -- --name 2026-12-07-patch-x   # choose the folder name
 *   npm run histories:record -- --list               # print the scenarios and exit
 *   npm run histories:record -- --again              # record even what this workflows/ tree already has (e.g.
 *                                                    # after a change in src/core code the workflows import)
 *
 * DEBUG=1 prints the stack of a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { version as sdkVersion } from '@temporalio/worker/package.json';
import { TEMPORAL_CLI_VERSION } from '../src/temporal/cli-binary';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { startReconciler, type Reconciler } from '../test/support/reconciler';
import {
  HISTORIES_ROOT,
  HISTORY_SUFFIX,
  readManifest,
  recordingFolders,
  type HistoriesManifest,
  type RecordedHistoryEntry,
} from '../test/support/recorded-histories';
import { startTestTemporal, type TestTemporal } from '../test/support/temporal';
import { SCENARIO_ORG, SCENARIOS, type ReconcilerKind, type Scenario } from './histories/scenarios';

/** A history above this is a sign the org or the scenario grew; committed fixtures should stay small. */
const MAX_HISTORY_BYTES = 256 * 1024;

interface Options {
  only?: string[];
  name?: string;
  list: boolean;
  again: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      name: { type: 'string' },
      list: { type: 'boolean', default: false },
      again: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = (only ?? []).filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(', ')} (see --list)`);
  if (values.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(values.name)) {
    throw new Error(`--name ${values.name}: use letters, digits, '.', '_' and '-' only`);
  }
  return { only, name: values.name, list: values.list, again: values.again };
}

const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8' }).trim();

/** HEAD and the git tree of its `workflows/`; refuses uncommitted workflow code (no commit would describe it). */
function workflowsSource(): { commit: string; workflowsTree: string } {
  if (git('status', '--porcelain', '--', 'workflows')) {
    throw new Error(
      'workflows/ has uncommitted changes; commit them first (a recording names the commit it comes from)',
    );
  }
  return { commit: git('rev-parse', '--short=12', 'HEAD'), workflowsTree: git('rev-parse', 'HEAD:workflows') };
}

/** Scenarios already recorded from this `workflows/` tree, and where. */
function recordedFor(workflowsTree: string): Map<string, string> {
  const done = new Map<string, string>();
  for (const folder of recordingFolders()) {
    const manifest = readManifest(folder);
    if (manifest.workflowsTree !== workflowsTree) continue;
    for (const h of manifest.histories) done.set(h.scenario, folder);
  }
  return done;
}

/** `<date>-<commit>`, with `-2`, `-3`… if that folder exists. */
function freshName(commit: string): string {
  const base = `${new Date().toISOString().slice(0, 10)}-${commit}`;
  let name = base;
  for (let n = 2; existsSync(join(HISTORIES_ROOT, name)); n += 1) name = `${base}-${n}`;
  return name;
}

/** Secrets the workers were given; none may appear in a committed history. */
function secretsOf(recs: Iterable<Reconciler>): string[] {
  const names = ['GENESYS_CLIENT_SECRET', 'SCIM_TOKEN'];
  return [...recs].flatMap((r) => names.map((n) => r.env[n]).filter((v): v is string => !!v));
}

/** Exports a closed run and every child it started: `<scenario>.<workflow type>[-<n>].history.json` each. */
async function exportRun(
  client: Client,
  scenario: Scenario,
  workflowId: string,
): Promise<{ entry: RecordedHistoryEntry; json: string }[]> {
  const out: { entry: RecordedHistoryEntry; json: string }[] = [];
  const exportOne = async (id: string, suffix: string): Promise<string[]> => {
    const handle = client.workflow.getHandle(id);
    const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
    if (description.status.name === 'RUNNING') throw new Error(`${id} is still running; scenarios must end their run`);
    const file = `${scenario.name}.${description.type}${suffix}${HISTORY_SUFFIX}`;
    const events = history.events ?? [];
    out.push({
      entry: {
        file,
        scenario: scenario.name,
        workflowType: description.type,
        workflowId: id,
        status: description.status.name,
        events: events.length,
      },
      json: historyToJSON(history),
    });
    return events
      .map((e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId)
      .filter((c): c is string => !!c);
  };
  const children = await exportOne(workflowId, '');
  for (const [i, child] of children.entries()) await exportOne(child, `-${i + 1}`);
  return out;
}

async function record(opts: Options): Promise<void> {
  if (opts.list) {
    for (const s of SCENARIOS)
      process.stdout.write(`${s.name.padEnd(26)} ${s.reconciler.padEnd(6)} ${s.description}\n`);
    return;
  }
  const { commit, workflowsTree } = workflowsSource();
  mkdirSync(HISTORIES_ROOT, { recursive: true });
  const done = opts.again ? new Map<string, string>() : recordedFor(workflowsTree);
  const scenarios = SCENARIOS.filter((s) => (!opts.only || opts.only.includes(s.name)) && !done.has(s.name));
  for (const [scenario, folder] of done) {
    if (!opts.only || opts.only.includes(scenario)) process.stdout.write(`  ${scenario}: recorded in ${folder}\n`);
  }
  if (scenarios.length === 0) {
    process.stdout.write(`nothing to record: workflows/ ${workflowsTree.slice(0, 12)} is already recorded\n`);
    return;
  }
  const name = opts.name ?? freshName(commit);
  const target = join(HISTORIES_ROOT, name);
  if (existsSync(target)) throw new Error(`${target} exists; recordings are never overwritten (choose another --name)`);

  const temporal: TestTemporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
  const recs = new Map<ReconcilerKind, Reconciler>();
  const partial = join(HISTORIES_ROOT, `.${name}.partial-${process.pid}`);
  try {
    const exported: { entry: RecordedHistoryEntry; json: string }[] = [];
    for (const scenario of scenarios) {
      let rec = recs.get(scenario.reconciler);
      if (!rec) {
        rec = await startReconciler(temporal, { emulator: { ...SCENARIO_ORG }, scim: scenario.reconciler === 'scim' });
        recs.set(scenario.reconciler, rec);
      }
      const workflowId = `history-${scenario.name}`;
      await scenario.run({ client: temporal.client, rec, workflowId });
      const runs = await exportRun(temporal.client, scenario, workflowId);
      for (const { entry } of runs) process.stdout.write(`  ${entry.file}: ${entry.status}, ${entry.events} events\n`);
      exported.push(...runs);
    }

    const secrets = secretsOf(recs.values());
    for (const { entry, json } of exported) {
      if (secrets.some((s) => json.includes(s))) throw new Error(`${entry.file} contains a worker secret; not written`);
      if (json.length > MAX_HISTORY_BYTES) throw new Error(`${entry.file} is ${json.length} bytes; keep the org small`);
    }
    const manifest: HistoriesManifest = {
      recording: name,
      gitCommit: commit,
      workflowsTree,
      recordedAt: new Date().toISOString(),
      sdkVersion,
      temporalCliVersion: TEMPORAL_CLI_VERSION,
      histories: exported.map((e) => e.entry),
    };
    mkdirSync(partial);
    for (const { entry, json } of exported) writeFileSync(join(partial, entry.file), json + '\n');
    writeFileSync(join(partial, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    renameSync(partial, target);
    process.stdout.write(`recorded ${exported.length} histories in ${target}\n`);
  } finally {
    rmSync(partial, { recursive: true, force: true });
    for (const rec of recs.values()) await rec.stop();
    await temporal.stop();
  }
}

Promise.resolve()
  .then(() => record(parseOptions(process.argv.slice(2))))
  .catch((err: unknown) => {
    console.error(`histories:record: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.DEBUG) console.error(err);
    process.exit(1);
  });
