/** Typed client of the `reconcileGroups` workflow and its schedules, for other services. */
export * from './reconciliation-client';
export * from './schedules';
export * from './revert';
export { approvalProblem } from './approval-check';
export { newWorkflowId } from './workflow-id';
