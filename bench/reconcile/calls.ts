/**
 * Call accounting: the API-call lower bound of a reconciliation and the emulator's call log summarised by endpoint.
 *
 * Lower bound (issue 9): ⌈users/500⌉ user pages + ⌈groups/500⌉ group pages (the listing carries each group's
 * version) + one `/individuals` read per target group + Σ per changed group (⌈adds/50⌉ POST + ⌈removes/50⌉ DELETE).
 */
import type { CallsReport } from '../../src/emulator';

export const ROUTES = {
  users: 'GET /api/v2/users',
  groups: 'GET /api/v2/groups',
  group: 'GET /api/v2/groups/{id}',
  individuals: 'GET /api/v2/groups/{id}/individuals',
  add: 'POST /api/v2/groups/{id}/members',
  remove: 'DELETE /api/v2/groups/{id}/members',
  token: 'POST /oauth/token',
} as const;

/** Route keys in report order; anything else the log holds is appended after these. */
const ORDER: string[] = [
  ROUTES.users,
  ROUTES.groups,
  ROUTES.group,
  ROUTES.individuals,
  ROUTES.add,
  ROUTES.remove,
  ROUTES.token,
];

/** Users and groups per listing page, members per write: the API's maxima. */
export const PAGE_MAX = 500;
export const WRITE_MAX = 50;

/** What the lower bound needs to know of one group's plan. */
export interface GroupChange {
  adds: number;
  removes: number;
}

/** Lower bound per route key (API routes only; the token request is not part of the bound). */
export function lowerBound(users: number, groups: readonly GroupChange[]): Record<string, number> {
  return {
    [ROUTES.users]: Math.max(1, Math.ceil(users / PAGE_MAX)),
    [ROUTES.groups]: Math.max(1, Math.ceil(groups.length / PAGE_MAX)),
    [ROUTES.group]: 0,
    [ROUTES.individuals]: groups.length,
    [ROUTES.add]: groups.reduce((n, g) => n + Math.ceil(g.adds / WRITE_MAX), 0),
    [ROUTES.remove]: groups.reduce((n, g) => n + Math.ceil(g.removes / WRITE_MAX), 0),
  };
}

/** Lower bound of a rerun on a converged org: the listings and one `/individuals` read per group, no writes. */
export function noOpLowerBound(users: number, groupCount: number): Record<string, number> {
  return lowerBound(
    users,
    Array.from({ length: groupCount }, () => ({ adds: 0, removes: 0 })),
  );
}

/** One endpoint's line. */
export interface EndpointCalls {
  route: string;
  calls: number;
  /** Answers with status 429. */
  throttled: number;
  /** Every status seen, e.g. `{"200": 10, "429": 2}`. */
  statuses: Record<string, number>;
}

/** Calls of one run, by endpoint. */
export interface CallSummary {
  endpoints: EndpointCalls[];
  /** Calls to `/api/v2/*` (what the lower bound counts). */
  apiCalls: number;
  /** 429 answers on any route (token included). */
  throttled: number;
  /** Every request the emulator answered, token requests included. */
  total: number;
}

/** Summarises an emulator call report. */
export function summariseCalls(report: CallsReport): CallSummary {
  const routes = [
    ...ORDER.filter((r) => r in report.counts),
    ...Object.keys(report.counts).filter((r) => !ORDER.includes(r)),
  ];
  const endpoints = routes.map((route) => {
    const statuses = report.statuses[route] ?? {};
    return { route, calls: report.counts[route] ?? 0, throttled: statuses['429'] ?? 0, statuses: { ...statuses } };
  });
  return {
    endpoints,
    apiCalls: endpoints.filter((e) => e.route.includes(' /api/v2/')).reduce((n, e) => n + e.calls, 0),
    throttled: endpoints.reduce((n, e) => n + e.throttled, 0),
    total: report.total,
  };
}

/** Sum of a per-route record. */
export function sum(record: Record<string, number>): number {
  return Object.values(record).reduce((n, v) => n + v, 0);
}
