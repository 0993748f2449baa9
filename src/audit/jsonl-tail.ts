/**
 * What the JSONL writer needs to know about the file before appending: the chain head, the ids already stored, and
 * where the last complete line ends. Kept in memory between appends and brought up to date incrementally, so an
 * append costs a read of only what other processes wrote since.
 */
import type { FileHandle } from 'node:fs/promises';
import { EMPTY_HEAD, type ChainHead } from './entry';
import { AuditCorruptionError } from './errors';
import { readCompleteLines } from './jsonl-lines';

/** Scanned state of a JSONL audit file. */
export interface TailState {
  /** Identity of the scanned file; a different inode means the file was replaced and must be rescanned. */
  dev: number;
  ino: number;
  /** Byte offset just after the last complete line. */
  validEnd: number;
  /** Lines (including blank ones) before `validEnd`. */
  lines: number;
  head: ChainHead;
  ids: Set<string>;
}

/**
 * Brings `previous` up to date with the file behind `fh` (of `size` bytes), or scans from the start when there is no
 * usable previous state. Falls back to a full scan if an incremental one fails, because a file edited in place can
 * keep its inode while moving line boundaries.
 *
 * @throws {AuditCorruptionError} if a complete line is not a stored entry.
 */
export async function scanTail(
  fh: FileHandle,
  file: { dev: number; ino: number; size: number },
  previous: TailState | undefined,
): Promise<TailState> {
  const reusable =
    previous !== undefined &&
    previous.dev === file.dev &&
    previous.ino === file.ino &&
    previous.validEnd <= file.size &&
    (await endsLine(fh, previous.validEnd));
  if (reusable) {
    try {
      return await scanFrom(fh, file.size, cloneState(previous));
    } catch {
      // Fall through to a full scan, which reports the real problem if there is one.
    }
  }
  return scanFrom(fh, file.size, {
    dev: file.dev,
    ino: file.ino,
    validEnd: 0,
    lines: 0,
    head: EMPTY_HEAD,
    ids: new Set(),
  });
}

async function scanFrom(fh: FileHandle, size: number, state: TailState): Promise<TailState> {
  for await (const line of readCompleteLines(fh, state.validEnd, size, state.lines + 1)) {
    state.lines = line.lineNo;
    if (line.text.trim() !== '') {
      const { id, seq, hash } = parseStoredLine(line.text, line.lineNo);
      state.ids.add(id);
      state.head = { seq, hash };
    }
    state.validEnd = line.end;
  }
  return state;
}

function parseStoredLine(text: string, lineNo: number): { id: string; seq: number; hash: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AuditCorruptionError(`audit file line ${lineNo} is not valid JSON`, { line: lineNo });
  }
  const { id, seq, hash } = (value ?? {}) as Record<string, unknown>;
  if (typeof id !== 'string' || typeof hash !== 'string' || typeof seq !== 'number' || !Number.isInteger(seq)) {
    throw new AuditCorruptionError(`audit file line ${lineNo} is not an audit entry`, { line: lineNo });
  }
  return { id, seq, hash };
}

async function endsLine(fh: FileHandle, offset: number): Promise<boolean> {
  if (offset === 0) return true;
  const byte = Buffer.alloc(1);
  await fh.read(byte, 0, 1, offset - 1);
  return byte[0] === 0x0a;
}

function cloneState(state: TailState): TailState {
  // The ids set is shared on purpose (copying it per append would cost O(n)). It only ever gains ids that are really
  // in the file, and the writer drops the whole state on any failure.
  return { ...state, head: { ...state.head } };
}
