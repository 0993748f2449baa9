/** `POST /api/reconcile-groups`: start a run and return at once (202); the caller follows `statusUrl`. */
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { startReconciliation } from '../../client/reconciliation-client';
import { parseRules } from '../../core/rules-parse';
import { parseRulesValue, RulesValidationError } from '../../core/rules-validate';
import { HttpError } from '../http-error';
import { reconcileRequestSchema, toReconcileInput, type ReconcileRequest } from '../request-schemas';
import { checkRequestRulesRef } from '../rules-ref';
import { parseBody, type FieldIssue } from '../validate';
import { respondStarted } from './status-url';

/** What the reconcile route needs. */
export interface ReconcileRouteDeps {
  client: Client;
  taskQueue: string;
  /** Rules used when a request names none (the tutorial's body); from `GCSYNC_RULES_FILE`. */
  defaultRulesRef?: string;
  /** Folder a request's `rulesRef` path must lie in (`GCSYNC_RULES_DIR`); without it request paths are refused. */
  rulesDir?: string;
}

/** Most rules issues listed in a 400 (the first ones; a generated file can have thousands). */
const MAX_RULES_ISSUES = 50;

export function reconcileRoutes({ client, taskQueue, defaultRulesRef, rulesDir }: ReconcileRouteDeps): Router {
  const router = Router();
  router.post('/reconcile-groups', async (req, res) => {
    const request = parseBody(reconcileRequestSchema, req.body);
    if (request.rulesRef !== undefined) {
      const problem = checkRequestRulesRef(request.rulesRef, rulesDir);
      if (problem) throw new HttpError(400, 'invalid request', { issues: [problem] });
    }
    checkInlineRules(request);
    const input = toReconcileInput(request, defaultRulesRef);
    if (!input) {
      throw new HttpError(400, 'invalid request', {
        issues: [
          { path: 'rulesRef', message: 'give rules or rulesRef: this server has no default rules (GCSYNC_RULES_FILE)' },
        ],
      });
    }
    const run = await startReconciliation(client, input, { taskQueue });
    respondStarted(res, run);
  });
  return router;
}

/**
 * Validates inline rules here, with the worker's own parser, so a bad document is a 400 naming each problem rather
 * than a run that starts only to abort (and bounded input is all that ever reaches workflow history).
 */
function checkInlineRules(request: ReconcileRequest): void {
  if (request.rules === undefined) return;
  try {
    if (typeof request.rules === 'string') parseRules(request.rules, 'rules');
    else parseRulesValue(request.rules, 'rules');
  } catch (err) {
    if (!(err instanceof RulesValidationError)) throw err;
    const issues: FieldIssue[] = err.issues.slice(0, MAX_RULES_ISSUES).map((issue) => ({
      path: issue.path === '' ? 'rules' : `rules.${issue.path}`,
      message: issue.line === undefined ? issue.message : `line ${issue.line}: ${issue.message}`,
    }));
    throw new HttpError(400, 'invalid rules', { issues, issueCount: err.issues.length });
  }
}
