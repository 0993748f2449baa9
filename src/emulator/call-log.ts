/**
 * Per-route call counters and a capped chronological log of writes, for tests that assert how many calls a
 * reconciler made and in which order it wrote.
 */
import type { CallsReport, WriteLogEntry } from './control-types';

/** Default cap of the write log; old entries are dropped first. */
export const MAX_LOGGED_WRITES = 100_000;

export class CallLog {
  private counts = new Map<string, number>();
  private statuses = new Map<string, Map<number, number>>();
  private writes: WriteLogEntry[] = [];
  private total = 0;
  private clients = new Map<string, { calls: number; rateLimited: number }>();
  private seq = 0;

  constructor(private readonly maxWrites = MAX_LOGGED_WRITES) {}

  /** Counts one answered request under its route key (and under the token's OAuth client, when known). */
  count(route: string, status: number, clientId?: string): void {
    this.total++;
    if (clientId !== undefined) {
      let c = this.clients.get(clientId);
      if (!c) {
        c = { calls: 0, rateLimited: 0 };
        this.clients.set(clientId, c);
      }
      c.calls++;
      if (status === 429) c.rateLimited++;
    }
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
    let byStatus = this.statuses.get(route);
    if (!byStatus) {
      byStatus = new Map();
      this.statuses.set(route, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  /** Appends a write to the log; `seq` and `at` are filled here. */
  logWrite(entry: Omit<WriteLogEntry, 'seq' | 'at'>, at: number): WriteLogEntry {
    const full: WriteLogEntry = { seq: ++this.seq, at: new Date(at).toISOString(), ...entry };
    this.writes.push(full);
    if (this.writes.length > this.maxWrites) this.writes.splice(0, this.writes.length - this.maxWrites);
    return full;
  }

  report(): CallsReport {
    const statuses: CallsReport['statuses'] = {};
    const rateLimited: CallsReport['rateLimited'] = { total: 0, byRoute: {} };
    for (const [route, byStatus] of this.statuses) {
      statuses[route] = Object.fromEntries([...byStatus].map(([s, n]) => [String(s), n]));
      const throttled = byStatus.get(429);
      if (throttled !== undefined) {
        rateLimited.total += throttled;
        rateLimited.byRoute[route] = throttled;
      }
    }
    return {
      counts: Object.fromEntries(this.counts),
      statuses,
      total: this.total,
      rateLimited,
      clients: Object.fromEntries([...this.clients].map(([id, c]) => [id, { ...c }])),
      writes: this.writes.map((w) => ({ ...w, userIds: [...w.userIds] })),
    };
  }

  clear(): void {
    this.counts = new Map();
    this.statuses = new Map();
    this.writes = [];
    this.total = 0;
    this.clients = new Map();
  }
}
