import { randomBytes } from 'node:crypto';
import type { RunMode } from '../../workflows/messages';

/**
 * Default workflow id of a run: `gcsync-<mode>-<UTC timestamp>-<6 hex>` (`gcsync-revert-…` for a revert). The
 * timestamp makes ids sort by start time in the Web UI; the random tail keeps two runs started in the same second
 * apart.
 *
 * @example `gcsync-apply-20261129T140912Z-3fa9c1`
 */
export function newWorkflowId(mode: RunMode | 'revert', now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `gcsync-${mode}-${stamp}-${randomBytes(3).toString('hex')}`;
}
