/** Shapes shared by the `/api/v2` route handlers. */
import type { IncomingMessage } from 'node:http';
import type { Query } from '../http/query';
import type { ResponseContext } from '../http/respond';
import type { EmulatorState } from '../state';

/** What a member write tells the server to put in the write log. */
export interface WriteNote {
  groupId: string;
  userIds: string[];
  versionBefore?: number;
  versionAfter?: number;
}

/** One matched API request. */
export interface ApiRequest {
  readonly req: IncomingMessage;
  readonly state: EmulatorState;
  readonly ctx: ResponseContext;
  /** Decoded path parameters, in template order. */
  readonly params: readonly string[];
  readonly query: Query;
  /** OAuth client of the bearer token, once authenticated (for per-client call counts). */
  clientId?: string;
  /** Filled by write handlers for the write log. */
  write?: WriteNote;
}

/** A handler's answer; `body` undefined means an empty body. */
export interface Reply {
  status: number;
  body?: unknown;
}

export type Handler = (r: ApiRequest) => Reply | Promise<Reply>;
