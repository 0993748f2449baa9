/**
 * Measures what Temporal's limits are about, from a real history: events per execution and the size of every
 * payload (workflow input and result, activity inputs and results, child inputs and results, signals, markers,
 * memo, search attributes, failure details). Shared by `test/integration/reconcile-scale.test.ts` and
 * `bench/history-size.ts`.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { blobKeys } from '../../activities/deps';
import type { GroupsManifest, UsersManifest } from '../../activities/snapshot';
import type { RunContext } from '../../activities/types';
import type { BlobStore } from '../../src/store/blob-store';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Temporal warns at 10,240 events; the issue asks for < 10,000 per execution. */
export const EVENTS_PER_EXECUTION_LIMIT = 10_000;
/** Temporal's per-payload warning threshold (the error is at 2 MB). */
export const PAYLOAD_WARNING_BYTES = 256 * 1024;

/** One payload found in a history. */
export interface PayloadSite {
  workflowId: string;
  eventId: number;
  eventType: string;
  /** Where in the event, e.g. `activityTaskCompletedEventAttributes.result.payloads[0]`. */
  path: string;
  /** Activity type, child workflow type or signal name, when the event names one. */
  name?: string;
  bytes: number;
}

/** Figures for one workflow execution. */
export interface ExecutionMetrics {
  workflowId: string;
  events: number;
  payloads: number;
  payloadBytes: number;
  largest: PayloadSite | undefined;
  /** Its largest payloads, largest first (at most {@link TOP_PAYLOADS}). */
  top: PayloadSite[];
  /** Ids of the child workflows this execution started. */
  children: string[];
  /** Wall time from the first to the last event, in ms. */
  durationMs: number;
  /** Scheduled → completed time of each activity type's executions (summed), in ms. */
  activityMs: Record<string, number>;
}

/** Figures for a parent execution and all its children. */
export interface RunMetrics {
  parent: ExecutionMetrics;
  children: ExecutionMetrics[];
  /** The largest payload of any execution. */
  largest: PayloadSite | undefined;
  /** The largest payloads of all executions, largest first (at most {@link TOP_PAYLOADS}). */
  top: PayloadSite[];
  /** The execution with the most events. */
  maxEvents: ExecutionMetrics;
  /** The child with the most events (undefined without children). */
  maxChild: ExecutionMetrics | undefined;
}

/** How many of the largest payloads {@link measureRun} and {@link measureExecution} keep. */
export const TOP_PAYLOADS = 8;

/** Fetches the history of `workflowId` and of every child it started (recursively) and measures each. */
export async function measureRun(client: Client, workflowId: string): Promise<RunMetrics> {
  const parent = await measureExecution(client, workflowId);
  const children: ExecutionMetrics[] = [];
  const queue = [...parent.children];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const child = await measureExecution(client, id);
    children.push(child);
    queue.push(...child.children);
  }
  const all = [parent, ...children];
  const top = keepLargest(all.flatMap((e) => e.top));
  return {
    parent,
    children,
    largest: top[0],
    top,
    maxEvents: maxBy(all, (e) => e.events)!,
    maxChild: maxBy(children, (e) => e.events),
  };
}

/** Measures one execution's history. */
export async function measureExecution(client: Client, workflowId: string): Promise<ExecutionMetrics> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  let top: PayloadSite[] = [];
  let payloads = 0;
  let payloadBytes = 0;
  const children: string[] = [];
  const scheduled = new Map<number, { type: string; at: number }>();
  const activityMs: Record<string, number> = {};

  for (const event of events) {
    const eventId = toNumber(event.eventId);
    const eventType = eventTypeName(event);
    const name = nameOf(event, scheduled);
    for (const { path, bytes } of findPayloads(event, '')) {
      payloads += 1;
      payloadBytes += bytes;
      if (top.length < TOP_PAYLOADS || bytes > top[top.length - 1].bytes) {
        top = keepLargest([
          ...top,
          { workflowId, eventId, eventType, path: path.slice(1), bytes, ...(name ? { name } : {}) },
        ]);
      }
    }
    const child = event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
    if (child) children.push(child);
    const sched = event.activityTaskScheduledEventAttributes;
    if (sched) scheduled.set(eventId, { type: sched.activityType?.name ?? '?', at: timeOf(event) });
    const done = event.activityTaskCompletedEventAttributes;
    if (done) {
      const s = scheduled.get(toNumber(done.scheduledEventId));
      if (s) activityMs[s.type] = (activityMs[s.type] ?? 0) + (timeOf(event) - s.at);
    }
  }
  const durationMs = events.length ? timeOf(events[events.length - 1]) - timeOf(events[0]) : 0;
  return {
    workflowId,
    events: events.length,
    payloads,
    payloadBytes,
    largest: top[0],
    top,
    children,
    durationMs,
    activityMs,
  };
}

/**
 * Every `Payload` under `value` (a decoded protobuf message): an object with `metadata` and a binary `data`. This
 * covers `payloads[]` lists (inputs, results, signals, markers, heartbeat details) and the payload maps of memo
 * (`fields`) and search attributes (`indexedFields`).
 */
function* findPayloads(value: unknown, path: string): Generator<{ path: string; bytes: number }> {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && record.metadata !== null && typeof record.metadata === 'object') {
    yield { path, bytes: record.data.byteLength };
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* findPayloads(item, `${path}[${i}]`);
    return;
  }
  for (const key of Object.keys(record)) yield* findPayloads(record[key], `${path}.${key}`);
}

function eventTypeName(event: HistoryEvent): string {
  const attributes = Object.keys(event).find(
    (k) => k.endsWith('EventAttributes') && (event as Record<string, unknown>)[k] != null,
  );
  if (attributes) return attributes.replace(/EventAttributes$/, '').replace(/^./, (c) => c.toUpperCase());
  return temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? 'Unknown';
}

function nameOf(event: HistoryEvent, scheduled: Map<number, { type: string }>): string | undefined {
  const completed = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes;
  return (
    (completed ? scheduled.get(toNumber(completed.scheduledEventId))?.type : undefined) ??
    event.activityTaskScheduledEventAttributes?.activityType?.name ??
    event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ??
    event.workflowExecutionSignaledEventAttributes?.signalName ??
    event.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName ??
    event.markerRecordedEventAttributes?.markerName ??
    undefined
  );
}

function timeOf(event: HistoryEvent): number {
  const t = event.eventTime;
  if (!t) return 0;
  return toNumber(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(String(value));
}

function keepLargest(sites: PayloadSite[]): PayloadSite[] {
  return sites.sort((a, b) => b.bytes - a.bytes).slice(0, TOP_PAYLOADS);
}

function maxBy<T>(items: readonly T[], key: (item: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || key(item) > key(best)) best = item;
  return best;
}

/** Bytes of the last heartbeat of the two resumable read activities of a run. */
export interface HeartbeatSizes {
  /** `snapshotUsers`' cursor `{ nextPage, count }`. */
  snapshotUsers: number;
  /** `readGroups`' progress `{ next }`. */
  readGroups: number;
}

/**
 * Heartbeat details are payloads too (sent to the server, kept with the pending activity, and written to history in
 * the failure of an activity that finally times out). They are not in a completed run's history, so they are rebuilt
 * here from the manifests the activities stored: the JSON the default payload converter would have encoded for the
 * last heartbeat.
 */
export async function lastHeartbeatBytes(blobs: BlobStore, ctx: RunContext): Promise<HeartbeatSizes> {
  const users = await blobs.get<UsersManifest>(blobKeys.usersManifest(ctx));
  const groups = await blobs.get<GroupsManifest>(blobKeys.groupsManifest(ctx));
  const cursor = { nextPage: users.pages.length + 1, count: users.count };
  return {
    snapshotUsers: Buffer.byteLength(JSON.stringify(cursor)),
    readGroups: Buffer.byteLength(JSON.stringify({ next: Object.keys(groups.groups).length })),
  };
}

/** One line describing a payload site, for logs and reports. */
export function describeSite(site: PayloadSite | undefined): string {
  if (!site) return 'none';
  return `${site.bytes.toLocaleString('en-US')} B in ${site.workflowId} event ${site.eventId} ${site.eventType}${
    site.name ? ` (${site.name})` : ''
  } at ${site.path}`;
}
