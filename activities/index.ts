/**
 * Activity implementations, built once per worker around its long-lived dependencies. Workflows import only
 * the type of {@link createActivities} (through `proxyActivities`).
 */
import { makeApplyGroup } from './apply-group';
import type { ActivityDeps } from './deps';
import { makeNotifyRun } from './notify-run';
import { makeNotifyScim } from './notify-scim';
import { makePlanActivities } from './plan';
import { makePrepareRun } from './prepare-run';
import { makeRecordAudit } from './record-audit';
import { makeScheduledOverlapActivities } from './scheduled-overlap';
import { makeScimOutboxActivities } from './scim-outbox';
import { makeSnapshotActivities } from './snapshot';

export type { ActivityDeps } from './deps';

/** All activities of the reconciler, bound to `deps`. */
export function createActivities(deps: ActivityDeps) {
  return {
    prepareRun: makePrepareRun(deps),
    ...makeSnapshotActivities(deps),
    ...makePlanActivities(deps),
    applyGroup: makeApplyGroup(deps),
    notifyScim: makeNotifyScim(deps),
    ...makeScimOutboxActivities(deps),
    recordAudit: makeRecordAudit(deps),
    ...makeScheduledOverlapActivities(),
    notifyRun: makeNotifyRun(deps),
  };
}
