/** The HTTP trigger service: Express app with bearer auth, JSON validation and JSON errors. */
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import type { BlobStore } from '../store/blob-store';
import { bearerAuth, type NamedToken } from './auth';
import { errorHandler, notFound } from './errors';
import { healthRoutes } from './routes/health';
import { reconcileRoutes } from './routes/reconcile';
import { reconciliationRoutes } from './routes/reconciliations';
import { revertRoutes } from './routes/revert';

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions {
  /** Connected Temporal client; the app never closes it. */
  client: Client;
  /** Task queue runs are started on. */
  taskQueue: string;
  /** Bearer token `/api/*` requests may present (`GCSYNC_API_TOKEN`); the body's `by` names the approver. */
  apiToken?: string;
  /**
   * Named callers (`GCSYNC_API_TOKENS_FILE`): a request with one of these tokens decides as that name, whatever its
   * body says. At least one of `apiToken` and `namedTokens` is required.
   */
  namedTokens?: NamedToken[];
  /** Rules reference for requests that name none (the tutorial's body), e.g. the absolute `GCSYNC_RULES_FILE`. */
  defaultRulesRef?: string;
  /**
   * `GCSYNC_RULES_DIR`: the folder a request's `rulesRef` file path must lie in. Without it, requests may not name
   * file paths at all (inline rules, `blob:` keys and the default rules still work). See docs/security.md.
   */
  rulesDir?: string;
  /**
   * The plan store the workers write to (same `DATABASE_URL` / `GCSYNC_DATA_DIR`): `GET
   * /api/reconciliations/:id/plan?group=` reads a group's member lines from it. The app never closes it.
   */
  planStore?: BlobStore;
  /** @default a pino logger named `gcsync-http` */
  logger?: Logger;
  /**
   * Largest JSON body accepted (inline rules travel in it).
   * @default '1mb'
   */
  bodyLimit?: string;
}

/**
 * Builds the app. Routes: `POST /api/reconcile-groups`, `GET /api/reconciliations/:id[/plan]`,
 * `POST /api/reconciliations/:id/approve|reject|revert`, `GET /healthz`. Starting a run never waits for it.
 */
export function createHttpApp(opts: HttpAppOptions): Express {
  const logger = opts.logger ?? pino({ name: 'gcsync-http' });
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(opts.client, opts.taskQueue));
  // Authenticate before parsing, so an anonymous caller cannot make the server read large bodies.
  app.use(
    '/api',
    bearerAuth(opts.apiToken, opts.namedTokens),
    express.json({ limit: opts.bodyLimit ?? '1mb' }),
    reconcileRoutes(opts),
    reconciliationRoutes(opts.client, opts.planStore),
    revertRoutes(opts),
  );
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
