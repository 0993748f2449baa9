/**
 * Exit codes. `gcsync plan` follows Terraform's `-detailed-exitcode`: 0 = no changes, 2 = changes, 1 = error, so a
 * pipeline can tell "in sync" from "drift" without parsing output.
 */
import type { ReconcileResult } from '../../../workflows/messages';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES = 2;

/** Exit code of `gcsync plan` for a plan-mode result. */
export function planExitCode(result: Pick<ReconcileResult, 'status'>): number {
  switch (result.status) {
    case 'no-changes':
      return EXIT_OK;
    case 'planned':
      return EXIT_CHANGES;
    default:
      // aborted (invalid rules, cycle, unknown group) or anything a plan run should not end with
      return EXIT_ERROR;
  }
}

/** Exit code of `gcsync run --wait`: 0 when the run applied everything (or had nothing to do), else 1. */
export function runExitCode(result: Pick<ReconcileResult, 'status' | 'totals'>): number {
  if (result.status === 'no-changes') return EXIT_OK;
  if (result.status === 'completed' && result.totals.failedGroups === 0) return EXIT_OK;
  return EXIT_ERROR;
}
