/**
 * byte-sink.ts: the buffered output under the pcap and pcapng writers (large chunks, errors kept for close()).
 * Uses only node:fs and node:stream; must not import decode/, analysis/ or cap.
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream';
import { ConfigError, EnvironmentError } from '../errors.js';

const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * Little-endian encoder that hands out filled chunks of about `chunkBytes` to `emit`. A chunk is never
 * written again after it was emitted, so `emit` may keep it without copying.
 */
export class ByteSink {
  /** Current chunk; callers write at `pos` after `reserve`. */
  buf: Buffer;
  pos = 0;
  private readonly emit: (chunk: Buffer) => void;
  private readonly chunkBytes: number;

  constructor(emit: (chunk: Buffer) => void, chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.emit = emit;
    this.chunkBytes = chunkBytes;
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Makes room for `n` more bytes, emitting the current chunk first when it is too full. */
  reserve(n: number): void {
    if (this.buf.length - this.pos >= n) return;
    this.flush();
    if (this.buf.length < n) this.buf = Buffer.allocUnsafe(n);
  }

  /** Emits what has been written so far, if anything. */
  flush(): void {
    if (this.pos === 0) return;
    this.emit(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
    this.pos = 0;
  }

  u16(v: number): void {
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }

  /** Copies `src`, then zero bytes up to the next multiple of `align` (allocUnsafe memory must not leak). */
  bytes(src: Uint8Array, align = 1): void {
    this.buf.set(src, this.pos);
    this.pos += src.length;
    const pad = (align - (src.length % align)) % align;
    if (pad > 0) {
      this.buf.fill(0, this.pos, this.pos + pad);
      this.pos += pad;
    }
  }
}

/** A sink writing to a file or stream. Write errors are kept and reported by `close()`. */
export interface StreamSink {
  readonly sink: ByteSink;
  /** Flushes, ends the stream (not stdout/stderr, which are only flushed) and waits for it. */
  close(): Promise<void>;
}

/**
 * Opens `out` (a path, created or truncated, or a writable stream) behind a ByteSink.
 * Writes are not throttled: if the stream is slower than the producer, chunks queue in memory.
 */
export function openStreamSink(out: string | NodeJS.WritableStream, name: string, chunkBytes?: number): StreamSink {
  const stream: NodeJS.WritableStream = typeof out === 'string' ? createWriteStream(out) : out;
  let failure: Error | undefined;
  stream.on('error', (error: Error) => {
    failure ??= error;
  });
  const sink = new ByteSink((chunk) => {
    if (failure === undefined) stream.write(chunk);
  }, chunkBytes);
  const keepOpen = stream === process.stdout || stream === process.stderr;
  return {
    sink,
    async close(): Promise<void> {
      sink.flush();
      await new Promise<void>((resolve) => {
        if (keepOpen) {
          stream.write(Buffer.alloc(0), () => resolve());
          return;
        }
        // finished() also settles for a stream that already failed or closed; `readable: false` because
        // a duplex sink (a socket, a PassThrough) need not be drained by its reader first.
        finished(stream, { readable: false }, (error) => {
          if (error) failure ??= error;
          resolve();
        });
        if (failure === undefined) stream.end();
      });
      if (failure !== undefined) {
        const code = (failure as NodeJS.ErrnoException).code;
        const problem = (code !== undefined ? WRITE_ERRORS[code] : undefined) ?? failure.message;
        throw new EnvironmentError(`${name}: cannot write capture: ${problem}`, { cause: failure });
      }
    },
  };
}

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EPIPE: 'the reader closed the pipe',
};

/**
 * The open/closed lifecycle both file writers share: writes after close() are refused, flush() is a
 * no-op once closing, and close() is idempotent (every call gets the same promise).
 */
export abstract class StreamWriterBase {
  private closing: Promise<void> | undefined;

  constructor(
    protected readonly target: StreamSink,
    protected readonly name: string,
  ) {}

  /** @throws ConfigError once close() was called. */
  protected checkOpen(): void {
    if (this.closing) throw new ConfigError(`${this.name}: write after close`);
  }

  flush(): void {
    if (!this.closing) this.target.sink.flush();
  }

  close(): Promise<void> {
    this.closing ??= this.target.close();
    return this.closing;
  }
}
