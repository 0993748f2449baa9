/** Workflow entry points bundled by the worker. */
export { reconcileGroups } from './reconcile';
export { applyGroupsBatch } from './apply-batch';
