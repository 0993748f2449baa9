/** Path of a run's status resource (relative, so it stays right behind any proxy or path prefix). */
export function statusUrl(workflowId: string): string {
  return `/api/reconciliations/${encodeURIComponent(workflowId)}`;
}
