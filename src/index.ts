/** Public API of genesys-group-sync for other services: the typed client, its connection settings and the HTTP app. */
export * from '../workflows/messages';
export * from './client';
export {
  connectClient,
  describeTemporalConfig,
  loadTemporalConfig,
  temporalConnectionOptions,
  type ConnectClientOptions,
  type TemporalConfig,
  type TemporalConnectionOptions,
} from './config/temporal-config';
export { ConfigError, type ConfigIssue } from './config/config-error';
export { createHttpApp, type HttpAppOptions } from './http';
