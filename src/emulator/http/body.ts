/** Reading request bodies with a size cap (Genesys `request.bytes.max` is 512,000 bytes). */
import type { IncomingMessage } from 'node:http';
import { badRequest, entityTooLarge, unsupportedMediaType } from '../errors';

/** Body cap of `/api/v2/*` writes, after Genesys `request.bytes.max`. */
export const API_MAX_BODY_BYTES = 512_000;

/**
 * Reads the whole body as text; rejects with 413 once it exceeds `maxBytes`, and rejects at once when the client is
 * gone before the body ended (a killed worker): a destroyed request never emits `end`, and a handler left waiting
 * for it would count as a request in flight forever.
 */
export function readText(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const gone = () => {
      if (settled) return;
      settled = true;
      reject(new Error('the client closed the connection before the request body ended'));
    };
    // The connection may already be gone (closed while the emulator's latency fault delayed this request).
    if (req.destroyed) {
      gone();
      return;
    }
    req.on('close', () => {
      if (!req.complete) gone();
    });
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        settled = true;
        reject(entityTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => {
      if (!settled) reject(err);
    });
  });
}

/**
 * Reads a JSON body. A content type other than JSON is refused with 415; an empty body yields `undefined` so the
 * caller can say which field is missing.
 */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type !== undefined && !type.toLowerCase().includes('json')) throw unsupportedMediaType();
  const text = await readText(req, maxBytes);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
}
