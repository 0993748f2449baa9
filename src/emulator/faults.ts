/**
 * Injected faults. Burst faults are consumed request by request; the error ratio samples a seeded PRNG so a run
 * with the same seed and request order fails the same requests.
 */
import type { DriftEvent, FaultSpec, FaultsSnapshot, UsersDriftFault, UsersPageFault } from './control-types';
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
  private usersDrift: UsersDriftFault[] = [];
  private usersPage: UsersPageFault[] = [];
  private tokenThrottle: { remaining: number; shape: '429' | '400'; retryAfterSeconds: number }[] = [];
  private driftLog: DriftEvent[] = [];
  private expandDrop: { ratio: number; fields: string[] | undefined } | undefined;
  private expandPrng: Prng;
  private prng: Prng;
  /** Separate stream so drift positions do not depend on how many requests sampled the error ratio. */
  private driftPrng: Prng;

  constructor(private readonly seed: number) {
    this.prng = new Prng(seed, 'faults');
    this.driftPrng = new Prng(seed, 'drift');
    this.expandPrng = new Prng(seed, 'expand');
  }

  /** Seeded draws for drift positions and created users' ids. */
  get drift(): Prng {
    return this.driftPrng;
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
    if (spec.expandDrop !== undefined) {
      this.expandDrop =
        spec.expandDrop === null || spec.expandDrop.ratio === 0
          ? undefined
          : { ratio: spec.expandDrop.ratio, fields: spec.expandDrop.fields };
    }
    if (spec.usersDrift) this.usersDrift.push({ ...spec.usersDrift });
    if (spec.usersPage) this.usersPage.push({ ...spec.usersPage });
    if (spec.tokenThrottle && spec.tokenThrottle.count > 0) {
      this.tokenThrottle.push({
        remaining: spec.tokenThrottle.count,
        shape: spec.tokenThrottle.shape ?? '429',
        retryAfterSeconds: spec.tokenThrottle.retryAfterSeconds ?? 1,
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

  /** Removes and returns the drift fault that fires after page `pageNumber` of a `state` listing, if any. */
  takeUsersDrift(pageNumber: number, state: string): UsersDriftFault | undefined {
    if (this.usersDrift.length === 0) return undefined;
    const i = this.usersDrift.findIndex((d) => d.afterPage === pageNumber && (d.state ?? 'active') === state);
    return i === -1 ? undefined : this.usersDrift.splice(i, 1)[0];
  }

  /** Records what a fired drift fault did. */
  logDrift(event: DriftEvent): void {
    this.driftLog.push(event);
  }

  /** Whether the best-effort expand fault is on (checked once per request so the default path stays cheap). */
  get expandDropActive(): boolean {
    return this.expandDrop !== undefined;
  }

  /** The requested expand fields to leave out of one user (seeded draw per user); empty when none. */
  takeExpandDrop(requested: readonly string[]): string[] {
    const drop = this.expandDrop;
    if (!drop || requested.length === 0 || !this.expandPrng.chance(drop.ratio)) return [];
    return drop.fields === undefined ? [...requested] : requested.filter((f) => drop.fields!.includes(f));
  }

  /** Removes and returns the page anomaly for page `pageNumber`, if any. */
  takeUsersPage(pageNumber: number): UsersPageFault | undefined {
    if (this.usersPage.length === 0) return undefined;
    const i = this.usersPage.findIndex((p) => p.pageNumber === pageNumber);
    return i === -1 ? undefined : this.usersPage.splice(i, 1)[0];
  }

  /** Consumes one throttled token-endpoint answer, if any is queued. */
  takeTokenThrottle(): { shape: '429' | '400'; retryAfterSeconds: number } | undefined {
    const first = this.tokenThrottle[0];
    if (!first) return undefined;
    first.remaining--;
    if (first.remaining <= 0) this.tokenThrottle.shift();
    return { shape: first.shape, retryAfterSeconds: first.retryAfterSeconds };
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
    this.usersDrift = [];
    this.usersPage = [];
    this.tokenThrottle = [];
    this.driftLog = [];
    this.expandDrop = undefined;
    this.expandPrng = new Prng(this.seed, 'expand');
    this.prng = new Prng(this.seed, 'faults');
    this.driftPrng = new Prng(this.seed, 'drift');
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
      expandDrop: this.expandDrop ? { ...this.expandDrop } : null,
      usersDrift: this.usersDrift.map((d) => ({ ...d })),
      usersPage: this.usersPage.map((p) => ({ ...p })),
      tokenThrottle: this.tokenThrottle.map((t) => ({ ...t })),
      driftEvents: this.driftLog.map((e) => ({
        ...e,
        deletedUserIds: [...e.deletedUserIds],
        createdUserIds: [...e.createdUserIds],
      })),
    };
  }
}
