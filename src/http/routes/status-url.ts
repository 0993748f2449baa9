import type { Response } from 'express';

/** Path of a run's status resource (relative, so it stays right behind any proxy or path prefix). */
export function statusUrl(workflowId: string): string {
  return `/api/reconciliations/${encodeURIComponent(workflowId)}`;
}

/** Answers 202 for a run just started: `Location` and `statusUrl` name where the caller follows it. */
export function respondStarted(res: Response, run: { workflowId: string }): void {
  const url = statusUrl(run.workflowId);
  res
    .status(202)
    .location(url)
    .json({ ...run, statusUrl: url });
}
