/**
 * OpenTelemetry tracing through the SDK's interceptors: a run started by a traced client and executed by a traced
 * worker (workflow interceptors bundled in, activity interceptors, the workflow span exporter sink) yields one trace
 * holding the client's start, the workflow's run and each activity's run. Spans go to an in-memory exporter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { genesysEnvFor, startEmulator, type RunningEmulator } from '../../src/emulator';
import { clientTracingInterceptors } from '../../src/observability/client-tracing';
import { createTracing, type Tracing } from '../../src/observability/tracing';
import { workerTracingOptions } from '../../src/observability/worker-tracing';
import { openActivityDeps, type OpenedDeps } from '../../src/worker/dependencies';
import { createReconcileWorker, WORKFLOWS_PATH } from '../../src/worker/worker';
import { reconcileGroups } from '../../workflows';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { rulesFor } from '../support/org-rules';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}

let temporal: TestTemporal;
let emulator: RunningEmulator;
let opened: OpenedDeps;
let dir: string;
const exporter = new InMemorySpanExporter();
let tracing: Tracing;

beforeAll(async () => {
  temporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
  emulator = await startEmulator({ quiet: true, users: 60, groups: 3, seed: 5, rateLimitPerMinute: 0 });
  dir = mkdtempSync(join(tmpdir(), 'gcsync-tracing-'));
  opened = await openActivityDeps({
    ...genesysEnvFor(emulator),
    GCSYNC_DATA_DIR: join(dir, 'data'),
    AUDIT_FILE: join(dir, 'audit.jsonl'),
  });
  tracing = createTracing('gcsync-test', new SimpleSpanProcessor(exporter));
});
afterAll(async () => {
  await tracing?.shutdown();
  await opened?.close();
  await emulator?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('a traced run yields one trace: client start, workflow run and every activity run', async () => {
  const options = workerTracingOptions(tracing);
  const taskQueue = temporal.taskQueue('traced');
  const worker: Worker = await createReconcileWorker({
    connection: temporal.connection,
    namespace: temporal.namespace,
    taskQueue,
    deps: opened.deps,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      workflowInterceptorModules: options.workflowModules,
      logger: new DefaultLogger('WARN'),
    }),
    tracing: options,
  });
  const client = new Client({
    connection: temporal.client.connection,
    namespace: temporal.namespace,
    interceptors: clientTracingInterceptors(tracing),
  });

  const result = await worker.runUntil(
    client.workflow.execute(reconcileGroups, {
      taskQueue,
      workflowId: `traced-${Date.now().toString(36)}`,
      args: [{ mode: 'plan', rules: rulesFor(emulator), requestedBy: 'jest' }],
    }),
  );
  expect(result.status).toBe('planned');
  await tracing.spanProcessor.forceFlush();

  const spans = exporter.getFinishedSpans();
  const names = spans.map((s) => s.name);
  expect(names).toContain('StartWorkflow:reconcileGroups');
  expect(names).toContain('RunWorkflow:reconcileGroups');
  expect(names).toContain('RunActivity:prepareRun');
  expect(names).toContain('RunActivity:computePlan');
  // Client, workflow and activity spans are one trace: the context travelled in the headers.
  const start = spans.find((s) => s.name === 'StartWorkflow:reconcileGroups')!;
  const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
  expect([...traceIds]).toEqual([start.spanContext().traceId]);
  expect(spans.every((s) => s.resource.attributes['service.name'] === 'gcsync-test')).toBe(true);
});
