/**
 * completeness-spool.ts: holds JSON Lines until the capture ends, because each line carries its
 * stream's final tcp.completeness, known only after the last frame. Lines stay in memory up to a
 * bound, then go to an unlinked temporary file (the OS frees it however the process ends), so
 * memory stays flat for any capture size while the capture itself is read once.
 */
import { closeSync, readSync, writeSync } from 'node:fs';
import { openUnlinkedTempFile } from './unlinked-temp-file.js';

/**
 * Characters held in memory before they go to disk: few, so lines die young (never promoted to the
 * old generation, which V8 lets grow with garbage) and since lines are two-byte strings (the
 * Info column's arrow) and each spill briefly holds them twice more (joined, encoded).
 */
const MEMORY_CHARS = 32 * 1024;
const READ_BYTES = 64 * 1024;
const PLACEHOLDER = '"completeness":null';
const NO_STREAM = -1;

/** Lines waiting for their stream's final completeness. */
export interface CompletenessSpool {
  /** A JSON line (no newline) whose `"completeness":null` is to be filled for `stream` (null: leave it). */
  add(line: string, stream: number | null): void;
  /** Writes every line, completeness filled in, in the order added, and frees the spool. */
  drain(completenessOf: (stream: number) => number | undefined, write: (text: string) => void): void;
}

function patch(line: string, stream: number, completenessOf: (stream: number) => number | undefined): string {
  if (stream === NO_STREAM) return line;
  const value = completenessOf(stream);
  // The first occurrence is the key: no string before it in the record can hold a bare quote.
  return value === undefined ? line : line.replace(PLACEHOLDER, `"completeness":${value}`);
}

/** Creates an empty spool. */
export function createCompletenessSpool(memoryChars: number = MEMORY_CHARS): CompletenessSpool {
  let lines: string[] = [];
  let streams: number[] = [];
  let held = 0;
  let fd: number | undefined;
  let spilled = 0;

  const spill = (): void => {
    fd ??= openUnlinkedTempFile('wirelab-jsonl-');
    const parts: string[] = [];
    for (let i = 0; i < lines.length; i++) parts.push(String(streams[i]), '\t', lines[i]!, '\n');
    const bytes = Buffer.from(parts.join(''), 'utf8');
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off, spilled + off);
    spilled += bytes.length;
    lines = [];
    streams = [];
    held = 0;
  };

  return {
    add(line: string, stream: number | null): void {
      lines.push(line);
      streams.push(stream ?? NO_STREAM);
      held += line.length;
      if (held >= memoryChars) spill();
    },
    drain(completenessOf, write): void {
      if (fd === undefined) {
        const out: string[] = [];
        for (let i = 0; i < lines.length; i++) out.push(`${patch(lines[i]!, streams[i]!, completenessOf)}\n`);
        lines = [];
        streams = [];
        if (out.length > 0) write(out.join(''));
        return;
      }
      spill();
      try {
        const chunk = Buffer.allocUnsafe(READ_BYTES);
        let carry = Buffer.alloc(0);
        for (let pos = 0; pos < spilled; ) {
          const n = readSync(fd, chunk, 0, chunk.length, pos);
          if (n === 0) break;
          pos += n;
          const data = carry.length === 0 ? chunk.subarray(0, n) : Buffer.concat([carry, chunk.subarray(0, n)]);
          // A newline byte never occurs inside a UTF-8 sequence: cut at the last one.
          const end = data.lastIndexOf(0x0a) + 1;
          carry = Buffer.from(data.subarray(end));
          const text = data.toString('utf8', 0, end);
          const out: string[] = [];
          let start = 0;
          while (start < text.length) {
            const tab = text.indexOf('\t', start);
            const nl = text.indexOf('\n', tab);
            out.push(`${patch(text.slice(tab + 1, nl), Number(text.slice(start, tab)), completenessOf)}\n`);
            start = nl + 1;
          }
          write(out.join(''));
        }
      } finally {
        closeSync(fd);
        fd = undefined;
        spilled = 0;
      }
    },
  };
}
