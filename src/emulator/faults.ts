/**
 * Injected faults. Burst faults are consumed request by request; the error ratio samples a seeded PRNG so a run
 * with the same seed and request order fails the same requests.
 */
import type { FaultSpec, FaultsSnapshot } from './control-types';
import { Prng } from './prng';

/** A queued external edit, applied just before the next member write to its group. */
export interface PendingEdit {
  addUserIds: string[];
  removeUserIds: string[];
}

interface Burst {
  remaining: number;
  pathPrefix: string;
}

const API_PREFIX = '/api/v2/';

/** Active faults and the operations that consume them. */
export class FaultState {
  latencyMs = 0;
  serverErrorRatio = 0;
  serverErrorStatus = 500;
  private rateLimitBursts: (Burst & { retryAfterSeconds: number })[] = [];
  private serverErrorBursts: (Burst & { status: number })[] = [];
  private readonly groupStatus = new Map<string, number>();
  private readonly pendingEdits = new Map<string, PendingEdit[]>();
  private prng: Prng;

  constructor(private readonly seed: number) {
    this.prng = new Prng(seed, 'faults');
  }

  /** Merges `spec` into the active faults, except `concurrentEdit` (the state applies or queues it). */
  apply(spec: FaultSpec): void {
    if (spec.clear) this.clear();
    if (spec.latencyMs !== undefined) this.latencyMs = spec.latencyMs;
    if (spec.serverErrorRatio !== undefined) this.serverErrorRatio = spec.serverErrorRatio;
    if (spec.serverErrorStatus !== undefined) this.serverErrorStatus = spec.serverErrorStatus;
    if (spec.rateLimitBurst && spec.rateLimitBurst.count > 0) {
      this.rateLimitBursts.push({
        remaining: spec.rateLimitBurst.count,
        retryAfterSeconds: spec.rateLimitBurst.retryAfterSeconds,
        pathPrefix: spec.rateLimitBurst.pathPrefix ?? API_PREFIX,
      });
    }
    if (spec.serverErrorBurst && spec.serverErrorBurst.count > 0) {
      this.serverErrorBursts.push({
        remaining: spec.serverErrorBurst.count,
        status: spec.serverErrorBurst.status ?? 503,
        pathPrefix: spec.serverErrorBurst.pathPrefix ?? API_PREFIX,
      });
    }
    if (spec.groupStatus) {
      if (spec.groupStatus.status === null) this.groupStatus.delete(spec.groupStatus.groupId);
      else this.groupStatus.set(spec.groupStatus.groupId, spec.groupStatus.status);
    }
  }

  /** Queues an edit for the next member write to `groupId`. */
  queueEdit(groupId: string, edit: PendingEdit): void {
    const queue = this.pendingEdits.get(groupId) ?? [];
    queue.push(edit);
    this.pendingEdits.set(groupId, queue);
  }

  /** Removes and returns the edits queued for `groupId`. */
  takeEdits(groupId: string): PendingEdit[] {
    const queue = this.pendingEdits.get(groupId);
    if (!queue) return [];
    this.pendingEdits.delete(groupId);
    return queue;
  }

  /** Consumes one rate-limit burst slot for `path`; returns its Retry-After seconds, or undefined. */
  takeRateLimitBurst(path: string): number | undefined {
    if (this.rateLimitBursts.length === 0) return undefined;
    const burst = this.rateLimitBursts.find((b) => path.startsWith(b.pathPrefix));
    if (!burst) return undefined;
    burst.remaining--;
    if (burst.remaining <= 0) this.rateLimitBursts = this.rateLimitBursts.filter((b) => b !== burst);
    return burst.retryAfterSeconds;
  }

  /** Consumes a 5xx burst slot or samples the error ratio for `path`; returns the status to answer, or undefined. */
  takeServerError(path: string): number | undefined {
    if (this.serverErrorBursts.length > 0) {
      const burst = this.serverErrorBursts.find((b) => path.startsWith(b.pathPrefix));
      if (burst) {
        burst.remaining--;
        if (burst.remaining <= 0) this.serverErrorBursts = this.serverErrorBursts.filter((b) => b !== burst);
        return burst.status;
      }
    }
    if (this.serverErrorRatio > 0 && path.startsWith(API_PREFIX) && this.prng.next() < this.serverErrorRatio) {
      return this.serverErrorStatus;
    }
    return undefined;
  }

  /** Status forced on member writes to `groupId`, if any. */
  statusForGroup(groupId: string): number | undefined {
    return this.groupStatus.size === 0 ? undefined : this.groupStatus.get(groupId);
  }

  /** Removes every fault and restarts the sampling sequence. */
  clear(): void {
    this.latencyMs = 0;
    this.serverErrorRatio = 0;
    this.serverErrorStatus = 500;
    this.rateLimitBursts = [];
    this.serverErrorBursts = [];
    this.groupStatus.clear();
    this.pendingEdits.clear();
    this.prng = new Prng(this.seed, 'faults');
  }

  snapshot(): FaultsSnapshot {
    return {
      latencyMs: this.latencyMs,
      serverErrorRatio: this.serverErrorRatio,
      serverErrorStatus: this.serverErrorStatus,
      rateLimitBursts: this.rateLimitBursts.map((b) => ({ ...b })),
      serverErrorBursts: this.serverErrorBursts.map((b) => ({ ...b })),
      groupStatus: Object.fromEntries(this.groupStatus),
      pendingConcurrentEdits: Object.fromEntries([...this.pendingEdits].map(([id, q]) => [id, q.length])),
    };
  }
}
