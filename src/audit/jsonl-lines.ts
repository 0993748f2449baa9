/** Byte-level line splitting for the JSONL log, aware of the difference between a complete and a torn line. */
import type { FileHandle } from 'node:fs/promises';

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1 << 20;

/** One newline-terminated line of a file. */
export interface FileLine {
  /** The line without its newline, decoded as UTF-8. */
  text: string;
  /** 1-based line number, counted from `firstLineNo`. */
  lineNo: number;
  /** Byte offset just after this line's newline: where the next line starts. */
  end: number;
}

/**
 * Yields the newline-terminated lines of `fh` between byte offsets `start` (a line start) and `end`. Bytes after the
 * last newline are not yielded: they are a line still being written or one torn by a crash, and the caller decides
 * what to do with them (compare the last `end` with the file size). Blank lines are yielded too; callers skip them.
 */
export async function* readCompleteLines(
  fh: FileHandle,
  start: number,
  end: number,
  firstLineNo = 1,
): AsyncGenerator<FileLine> {
  let position = start;
  let lineNo = firstLineNo;
  let carry: Buffer = Buffer.alloc(0);
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  while (position < end) {
    const { bytesRead } = await fh.read(chunk, 0, Math.min(CHUNK_BYTES, end - position), position);
    if (bytesRead === 0) break;
    // Bytes before `position` that belong to the carried-over partial line.
    const base = position - carry.length;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    position += bytesRead;
    let lineStart = 0;
    for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, lineStart)) {
      const text = data.toString('utf8', lineStart, nl);
      yield { text, lineNo, end: base + nl + 1 };
      lineNo += 1;
      lineStart = nl + 1;
    }
    // Copy: `chunk` is reused by the next read.
    carry = Buffer.from(data.subarray(lineStart));
  }
}
