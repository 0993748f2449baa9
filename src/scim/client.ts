import type { Readable } from 'node:stream';
import axios, { type AxiosResponse } from 'axios';
import type { ScimConfig } from './config';
import { httpError, isScimSuccess, redactor, transportError, type ScimRequestSite } from './errors';
import { buildMemberPatches, chunkMemberChanges } from './patch-ops';

/** Input for {@link ScimNotifier.notifyGroup}. */
export interface NotifyGroupInput {
  /** The group's id at the IdP (path segment of `/Groups/{id}`; URL-encoded here). */
  idpGroupId: string;
  /** IdP member ids to add. */
  add: readonly string[];
  /** IdP member ids to remove. */
  remove: readonly string[];
  /** Optional `display` per added member id. */
  displayNames?: Readonly<Record<string, string>>;
  /**
   * Zero-based chunk to start from; chunks before it are not sent. Pass `lastDone + 1` from a heartbeat to resume.
   * Must be between 0 and the number of chunks (equal means nothing left to send). Defaults to 0.
   */
  startChunk?: number;
  /**
   * Member changes per chunk; defaults to the config's `chunkSize`. Chunk indexes only mean the same thing for the
   * same chunk size, so a resuming caller should pass the `chunkSize` it saw in {@link ScimChunkProgress}.
   */
  chunkSize?: number;
  /**
   * Called after each chunk the peer accepted, before the next is sent; awaited. A throw stops the run and propagates
   * unchanged. Meant for heartbeating `{ nextChunk: index + 1, chunkSize }`.
   */
  onChunkDone?: (index: number, progress: ScimChunkProgress) => void | Promise<void>;
  /** Aborts the request in flight (e.g. a Temporal activity's cancellation signal); surfaces as `kind: 'cancelled'`. */
  signal?: AbortSignal;
}

/** Progress facts passed to {@link NotifyGroupInput.onChunkDone}. */
export interface ScimChunkProgress {
  totalChunks: number;
  chunkSize: number;
  /** HTTP status the peer answered for this chunk. */
  status: number;
  /** Member ids this chunk removed (now applied at the peer). */
  removed: string[];
  /** Member ids this chunk added (now applied at the peer). */
  added: string[];
}

/** Outcome of a fully successful {@link ScimNotifier.notifyGroup}. */
export interface NotifyGroupResult {
  /** PATCH requests sent by this call (skipped chunks excluded). */
  requests: number;
  /** PatchOp operations sent by this call (one per removed id, one per add operation). */
  ops: number;
  /** HTTP status per request sent, in order. */
  statuses: number[];
  /** Chunks the whole delta splits into, including any skipped by `startChunk`. */
  totalChunks: number;
  /** Chunk size used. */
  chunkSize: number;
}

/** Sends group-membership deltas to one IdP SCIM endpoint. */
export interface ScimNotifier {
  /** Per-request timeout in ms (the longest a single PATCH can take), when known. */
  readonly requestTimeoutMs?: number;
  /**
   * Sends the delta for one group as PatchOp chunks, one request at a time, in order, without retrying: the caller's
   * retry policy (Temporal) owns retries, and resumes through `startChunk`.
   *
   * @throws ScimError on the first chunk that fails (`retryable`, `retryAfterSeconds`, `chunkIndex` tell what next).
   * @throws TypeError / RangeError for invalid input (empty group id or member id, bad `startChunk` or `chunkSize`).
   */
  notifyGroup(input: NotifyGroupInput): Promise<NotifyGroupResult>;
}

const SCIM_MEDIA_TYPE = 'application/scim+json';
// Error bodies are only read for their SCIM detail; a cap keeps a misbehaving peer from ballooning memory.
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Creates a notifier for the configured SCIM peer.
 *
 * Requests go to `PATCH {baseUrl}/Groups/{encodeURIComponent(idpGroupId)}` with `Content-Type: application/scim+json`
 * and the bearer token. Redirects are not followed, so the token is never replayed to another URL. Success bodies are
 * drained unread, since a large group's full representation is of no use here.
 */
export function createScimNotifier(config: ScimConfig): ScimNotifier {
  const token = config.token.reveal();
  const redact = redactor(token);
  const http = axios.create({
    timeout: config.timeoutMs,
    maxRedirects: 0,
    responseType: 'stream',
    // Every status is classified here, so axios never builds an error object around the request headers.
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
    headers: {
      'Content-Type': SCIM_MEDIA_TYPE,
      Accept: `${SCIM_MEDIA_TYPE}, application/json`,
      Authorization: `Bearer ${token}`,
    },
  });

  return {
    requestTimeoutMs: config.timeoutMs,
    async notifyGroup(input) {
      if (typeof input.idpGroupId !== 'string' || input.idpGroupId === '') {
        throw new TypeError('idpGroupId must be a non-empty string');
      }
      const chunkSize = input.chunkSize ?? config.chunkSize;
      const patchInput = { add: input.add, remove: input.remove, chunkSize, displayNames: input.displayNames };
      const bodies = buildMemberPatches(patchInput);
      const members = chunkMemberChanges(patchInput);
      const totalChunks = bodies.length;
      const startChunk = input.startChunk ?? 0;
      if (!Number.isSafeInteger(startChunk) || startChunk < 0 || startChunk > totalChunks) {
        throw new RangeError(`startChunk must be an integer from 0 to ${totalChunks}, got ${String(startChunk)}`);
      }

      const url = `${config.baseUrl}/Groups/${encodeURIComponent(input.idpGroupId)}`;
      const result: NotifyGroupResult = { requests: 0, ops: 0, statuses: [], totalChunks, chunkSize };
      for (let index = startChunk; index < totalChunks; index++) {
        const site: ScimRequestSite = { idpGroupId: input.idpGroupId, chunkIndex: index, totalChunks };
        const body = bodies[index];
        const status = await send(http, url, JSON.stringify(body), site, redact, input.signal);
        result.requests++;
        result.ops += body.Operations.length;
        result.statuses.push(status);
        await input.onChunkDone?.(index, {
          totalChunks,
          chunkSize,
          status,
          removed: members[index].remove,
          added: members[index].add,
        });
      }
      return result;
    },
  };
}

async function send(
  http: ReturnType<typeof axios.create>,
  url: string,
  data: string,
  site: ScimRequestSite,
  redact: (text: string) => string,
  signal: AbortSignal | undefined,
): Promise<number> {
  let response: AxiosResponse<Readable>;
  try {
    response = await http.request<Readable>({ method: 'PATCH', url, data, signal });
  } catch (err) {
    // Only the code and message survive; the axios error (config, headers, token) is dropped here on purpose.
    const code = axios.isAxiosError(err) ? err.code : undefined;
    const message = err instanceof Error ? err.message : 'request failed';
    throw transportError(site, code, message, redact);
  }

  const stream = response.data;
  if (isScimSuccess(response.status)) {
    stream.on('error', () => undefined);
    stream.resume();
    return response.status;
  }
  const text = await readCapped(stream, MAX_ERROR_BODY_BYTES);
  const retryAfter = response.headers['retry-after'] as unknown;
  throw httpError(site, response.status, text, typeof retryAfter === 'string' ? retryAfter : undefined, redact);
}

async function readCapped(stream: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer);
      size += buffer.length;
      if (size >= maxBytes) break;
    }
  } catch {
    // A body cut short still tells the status; keep whatever arrived.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
