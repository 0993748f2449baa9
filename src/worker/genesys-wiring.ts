/**
 * The worker's one Genesys client: created once per process and shared by every activity (one token per OAuth
 * client, one rate-limit budget, one re-login), with its waits tied to the calling activity (heartbeat,
 * cancellation), its log lines sent to the activity's or the runtime's logger, and each 429 counted in the
 * `gcsync_genesys_throttled` metric.
 */
import { Context } from '@temporalio/activity';
import { Runtime } from '@temporalio/worker';
import type { GenesysConfig } from '../config/genesys-config';
import { createGenesysClient, type GenesysClient, type GenesysClientLogger } from '../genesys/client';
import { activityWaitHooks } from './activity-wait-hooks';

/** Logs through the current activity's logger (with its workflow/activity ids), else the runtime's. */
const workerLogger: GenesysClientLogger = {
  info: (obj, msg) => loggerNow().info(msg, { ...obj }),
  warn: (obj, msg) => loggerNow().warn(msg, { ...obj }),
};

function loggerNow(): {
  info(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
} {
  try {
    return Context.current().log;
  } catch {
    return Runtime.instance().logger;
  }
}

function countThrottle(clientId: string): void {
  try {
    const meter = (() => {
      try {
        return Context.current().metricMeter;
      } catch {
        return Runtime.instance().metricMeter;
      }
    })();
    meter.createCounter('gcsync_genesys_throttled', 'responses', 'Genesys 429 answers waited out').add(1, { clientId });
  } catch {
    // Metrics are best effort; a failing meter must not fail a call.
  }
}

/** Creates and logs in the worker's shared Genesys client. */
export function createWorkerGenesysClient(config: GenesysConfig): Promise<GenesysClient> {
  return createGenesysClient(config, {
    waitHooks: activityWaitHooks,
    logger: workerLogger,
    onThrottled: (e) => countThrottle(e.clientId),
  });
}
