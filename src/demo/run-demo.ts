/**
 * `gcsync demo`: the whole product on one machine, from a fresh clone. Starts the Genesys emulator with a seeded
 * org, a Temporal dev server with its Web UI and a worker; runs a plan, then an apply that needs approval;
 * approves it (or, interactive, waits for an operator in the UI or the CLI); shows progress and the summary;
 * verifies the audit chain; stops everything it started.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { ReconcileResult } from '../../workflows/messages';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { openAuditSink } from '../audit/factory';
import { verifyChain } from '../audit/verify';
import { followRun } from '../cli/commands/follow-run';
import { formatPlanDiff } from '../cli/output/plan-diff';
import { plural } from '../cli/output/plural';
import type { ApprovalCommands } from '../cli/output/approval-help';
import { RunProgressView } from '../cli/output/progress';
import { APPROVER_WORD, gcsyncInvocation, temporalInvocation } from '../cli/invocation';
import { formatResult } from '../cli/output/run-report';
import { approve, getFullPlan, getStatus, startReconciliation, waitForResult } from '../client/reconciliation-client';
import { EMULATOR_DEFAULTS, genesysEnvFor, startEmulator } from '../emulator';
import { findTemporalCli } from '../temporal/cli-binary';
import { startDevServer } from '../temporal/dev-server';
import { openActivityDeps } from '../worker/dependencies';
import { createReconcileWorker, WORKFLOWS_PATH } from '../worker/worker';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Wait for a human to approve in the Web UI or with `gcsync approve` instead of approving automatically. */
  interactive: boolean;
  /** Rules file (default `examples/rules.yaml`, written for the emulator's default org). */
  rules: string;
  /** Where the audit log and local data go (default `./.gcsync/demo-<time>`). */
  dir?: string;
  /** Web UI port (default: a free port). */
  uiPort?: number;
}

const TASK_QUEUE = 'gcsync-demo';
const say = (text = '') => process.stdout.write(`${text}\n`);
const heading = (text: string) => say(`\n== ${text}`);

/** Runs the demo; resolves with the exit code (0 when the apply completed and the audit chain verifies). */
export async function runDemo(opts: DemoOptions): Promise<number> {
  const dir = resolve(opts.dir ?? join('.gcsync', `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  mkdirSync(dir, { recursive: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  // Ctrl-C before the end stops everything and exits 130; in interactive mode, after the end, it only ends the wait.
  const onSignal = () => void cleanup().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });

    heading('Starting the embedded stack');
    const emulator = await startEmulator({ port: 0, quiet: true });
    cleanups.push(() => emulator.close());
    say(
      `Genesys emulator    ${emulator.url}  (seed ${EMULATOR_DEFAULTS.seed}, ${plural(emulator.state.listUsers().length, 'user')}, ${plural(emulator.state.listGroups().length, 'group')}, ${EMULATOR_DEFAULTS.rateLimitPerMinute} requests/min per token)`,
    );

    const cli = await findTemporalCli();
    if (!cli.path)
      throw new Error('no Temporal CLI found or buildable; run `npm run temporal:ensure` (needs Go) first');
    const server = await startDevServer({
      cliPath: cli.path,
      ui: true,
      ...(opts.uiPort ? { uiPort: opts.uiPort } : {}),
      searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES },
      dbFilename: join(dir, 'temporal.db'),
    });
    cleanups.push(() => server.stop());
    say(`Temporal dev server ${server.address}  (CLI from ${cli.source})`);
    say(`Temporal Web UI     ${server.uiUrl}`);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...genesysEnvFor(emulator),
      GCSYNC_DATA_DIR: join(dir, 'data'),
      AUDIT_FILE: join(dir, 'audit.jsonl'),
      DATABASE_URL: '',
      SCIM_BASE_URL: '',
    };
    const opened = await openActivityDeps(env);
    cleanups.push(() => opened.close());
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    cleanups.push(() => nativeConnection.close());
    const worker = await createReconcileWorker({
      connection: nativeConnection,
      namespace: server.namespace,
      taskQueue: TASK_QUEUE,
      deps: opened.deps,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
    });
    say(`Worker              task queue ${TASK_QUEUE}; audit log ${env.AUDIT_FILE}`);

    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace });
    const rulesRef = resolve(opts.rules);

    heading(`Plan (dry run) of ${opts.rules}`);
    const planRun = await startReconciliation(
      client,
      { mode: 'plan', rulesRef, requestedBy: 'demo' },
      { taskQueue: TASK_QUEUE },
    );
    const planned = await waitForResult(client, planRun.workflowId);
    const planPage = await getFullPlan(client, planRun.workflowId);
    say(formatPlanDiff(planPage.groups));
    say(`Plan digest ${planned.planDigest}`);

    heading('Apply');
    const applyRun = await startReconciliation(
      client,
      { mode: 'apply', rulesRef, requestedBy: 'demo' },
      { taskQueue: TASK_QUEUE },
    );
    const runUrl = `${server.uiUrl}/namespaces/${server.namespace}/workflows/${encodeURIComponent(applyRun.workflowId)}`;
    say(`Run ${applyRun.workflowId}`);
    say(`Watch it in the Web UI: ${runUrl}`);
    // Commands an operator can paste into another shell as printed: the dev server's address, and gcsync / temporal
    // the way this machine can run them.
    const commands: ApprovalCommands = {
      gcsync: await gcsyncInvocation({
        TEMPORAL_ADDRESS: server.address,
        ...(server.namespace === 'default' ? {} : { TEMPORAL_NAMESPACE: server.namespace }),
      }),
      temporal: temporalInvocation(cli),
      temporalAddress: server.address,
      by: APPROVER_WORD,
    };
    const view = new RunProgressView(
      { workflowId: applyRun.workflowId, namespace: server.namespace, commands },
      process.stdout,
    );
    let approvedBy: string | undefined;
    const result: ReconcileResult = await followRun(client, applyRun.workflowId, {
      update: (status) => {
        view.update(status);
        if (status.awaitingApproval && !opts.interactive && !approvedBy && status.planDigest) {
          approvedBy = 'demo-operator';
          say(
            `The demo approves as ${approvedBy} (use --interactive to approve yourself in the Web UI or with gcsync approve).`,
          );
          void approve(client, applyRun.workflowId, {
            by: approvedBy,
            planDigest: status.planDigest,
            comment: 'approved by gcsync demo',
          });
        }
      },
      stop: () => view.stop(),
    });
    say(formatResult(result));
    const finalStatus = await getStatus(client, applyRun.workflowId).catch(() => undefined);
    if (finalStatus?.approval) say(`Approved by ${finalStatus.approval.by} at ${finalStatus.approval.at}`);

    heading('Audit');
    const sink = await openAuditSink(env);
    const verdict = await verifyChain(sink.read());
    await sink.close();
    say(`Audit log ${env.AUDIT_FILE}: ${verdict.ok ? `chain intact, ${verdict.count} entries` : verdict.message}`);
    say(`Verify it again any time: ${await gcsyncInvocation({ AUDIT_FILE: env.AUDIT_FILE! })} audit verify`);
    say(`Web UI (until the demo exits): ${server.uiUrl}`);
    if (opts.interactive) {
      // The operator may want to look around (Web UI, gcsync status/list/audit from another shell) before it goes.
      say(`The stack stays up: ${commands.gcsync} status ${applyRun.workflowId}`);
      say('Press Ctrl-C to stop it.');
      await untilInterrupted(onSignal);
    }
    return result.status === 'completed' && verdict.ok ? 0 : 1;
  } finally {
    heading('Stopping the embedded stack');
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    say('Done.');
  }
}

/** Resolves at the next SIGINT or SIGTERM, which then no longer aborts the demo (`abort` is unhooked). */
function untilInterrupted(abort: () => void): Promise<void> {
  process.off('SIGINT', abort);
  process.off('SIGTERM', abort);
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
