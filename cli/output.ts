/**
 * output.ts: buffered stdout for reports: one write per ~64 KiB instead of one per line, and a
 * closed pipe (`wirelab analyze x | head`) ends the output quietly instead of throwing EPIPE. Text
 * never waits more than 50 ms, so live input (a pipe from tcpdump) prints as it arrives.
 */

/** A line sink over process.stdout. */
export interface Output {
  write(text: string): void;
  end(): Promise<void>;
}

const FLUSH_BYTES = 64 * 1024;
/** Text waits at most this long, so a live capture's lines appear as frames arrive. */
const FLUSH_AFTER_MS = 50;

/** Creates the buffered stdout sink. */
export function createOutput(stream: NodeJS.WritableStream = process.stdout): Output {
  let pending: string[] = [];
  let pendingBytes = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed = true;
  });
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0 || closed) return;
    stream.write(pending.join(''));
    pending = [];
    pendingBytes = 0;
  };
  return {
    write(text: string): void {
      if (closed) return;
      pending.push(text);
      pendingBytes += text.length;
      if (pendingBytes >= FLUSH_BYTES) flush();
      // The timer fires only while the process waits (for the next chunk of a pipe): a file read
      // in one go still gets one write per 64 KiB.
      else timer ??= setTimeout(flush, FLUSH_AFTER_MS);
    },
    end(): Promise<void> {
      flush();
      if (closed) return Promise.resolve();
      return new Promise((resolve) => stream.write('', () => resolve()));
    },
  };
}
