/**
 * json-stream.ts: the `--format json` document written piece by piece: the same bytes as
 * `JSON.stringify(toJsonReport(…), null, 2)`, but each conversation and finding is stringified on
 * its own, so no string ever holds the whole document (V8 caps a string near 512 MB). Pure; the
 * caller's `write` does the I/O.
 */
import type { CaptureSummary, ConversationReport, Finding } from '../analysis-result.js';

/** Items written per `write` call. */
const ITEMS_PER_WRITE = 512;

/** `value` as JSON.stringify(…, null, 2) writes it `depth` levels down. */
function nested(value: unknown, depth: number): string {
  // JSON text never holds a raw newline inside a string, so every newline starts an indented line.
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/** Writes an array member of the top-level object, one item at a time. */
function writeArray<T>(write: (text: string) => void, key: string, items: Iterable<T>, map: (item: T) => unknown, last: boolean): void {
  let count = 0;
  let pending: string[] = [];
  for (const item of items) {
    const value = map(item);
    if (value === undefined) continue;
    pending.push(`${count === 0 ? `  ${JSON.stringify(key)}: [\n` : ',\n'}    ${nested(value, 2)}`);
    count++;
    if (pending.length === ITEMS_PER_WRITE) {
      write(pending.join(''));
      pending = [];
    }
  }
  pending.push(count === 0 ? `  ${JSON.stringify(key)}: []${last ? '' : ','}\n` : `\n  ]${last ? '' : ','}\n`);
  write(pending.join(''));
}

function writeMember(write: (text: string) => void, key: string, value: unknown, last: boolean): void {
  write(`  ${JSON.stringify(key)}: ${nested(value, 1)}${last ? '' : ','}\n`);
}

function* findingsOf(summary: CaptureSummary): Iterable<Finding> {
  const store = summary.findingStore;
  for (let i = 0; i < store.length; i++) yield store.at(i);
}

/**
 * Writes the JSON report of `summary`, newline-terminated; `streams`/`flagIds` narrow
 * conversations and findings as toJsonReport does.
 */
export function writeJsonReport(
  summary: CaptureSummary,
  write: (text: string) => void,
  streams?: ReadonlySet<number>,
  flagIds?: ReadonlySet<string>,
): void {
  const readError = summary.readError;
  write('{\n');
  writeMember(write, 'source', summary.source, false);
  writeMember(write, 'frameCount', summary.frameCount, false);
  writeArray(write, 'conversations', summary.conversations, (c: ConversationReport) =>
    streams === undefined || streams.has(c.stream) ? { ...c, startNs: c.startNs.toString(), endNs: c.endNs.toString() } : undefined, false);
  writeMember(write, 'parallelConnections', summary.parallelConnections, false);
  writeMember(write, 'expertCounts', summary.expertCounts, false);
  writeMember(write, 'expertSummary', summary.expertSummary, false);
  if (summary.keyLogWarnings !== undefined) writeMember(write, 'keyLogWarnings', summary.keyLogWarnings, false);
  writeArray(write, 'findings', findingsOf(summary), (f: Finding) =>
    (streams === undefined || (f.stream !== undefined && streams.has(f.stream))) && (flagIds === undefined || flagIds.has(f.id)) ? f : undefined,
  readError === undefined);
  if (readError !== undefined) {
    writeMember(write, 'readError', { code: readError.code, message: readError.message, offset: readError.offset }, true);
  }
  write('}\n');
}
