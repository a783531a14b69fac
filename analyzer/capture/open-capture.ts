/**
 * open-capture.ts: reads a capture file, stdin or a stream as an async sequence of Frames, gunzipping on the fly.
 * Uses only node:fs, node:stream, node:zlib and the capture parser; must not import decode/, analysis/ or cap.
 */
import { createReadStream } from 'node:fs';
import { addAbortSignal, pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CaptureFormatError, ConfigError, FileNotFoundError } from '../errors.js';
import type { Frame } from '../packet/frame.js';
import { createCaptureParser, type CaptureInfo, type CaptureParser } from './capture-parser.js';

/** Options of {@link readCapture}. */
export interface ReadCaptureOptions {
  /** Name used in error messages; defaults to the path, `stdin` for `'-'`, `stream` for a stream. */
  readonly name?: string;
  /** Aborting destroys the input; iteration then rejects with the signal's AbortError. */
  readonly signal?: AbortSignal;
  /** Read size (and gunzip output size) in bytes; memory use is proportional to it. Default 256 KiB. */
  readonly chunkBytes?: number;
  /** Called with the byte count of each chunk read from the source (compressed bytes for gzip), for progress. */
  readonly onRead?: (bytes: number) => void;
}

/**
 * A capture being read: iterate it for Frames, or call `batches()` for arrays of Frames (one await per
 * chunk instead of per frame). It can be iterated once.
 *
 * Frames' `data` are views into the chunks read (see {@link CaptureParser}); keeping a frame keeps its
 * chunk alive, so memory stays proportional to `chunkBytes` only while frames are not retained.
 */
export interface CaptureSource extends AsyncIterable<Frame> {
  /** Live view of the header information; `info.format` is undefined until the first bytes arrive. */
  readonly info: CaptureInfo;
  /** Frames in file order, grouped by the chunk they were parsed from; no batch is empty. */
  batches(): AsyncIterable<Frame[]>;
}

const DEFAULT_CHUNK_BYTES = 256 * 1024;
const MIN_CHUNK_BYTES = 64;
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Opens a pcap or pcapng capture (optionally gzip-compressed) for streaming.
 * `source` is a path, `'-'` for stdin, or a readable byte stream.
 *
 * Errors reject the iteration: {@link FileNotFoundError} (`trace.pcap: no such file`) before any frame
 * when the path does not exist; {@link CaptureFormatError} for damaged captures, corrupt gzip data and
 * unreadable files, with every frame before the damage already yielded.
 *
 * @example
 * const capture = readCapture('trace.pcap.gz');
 * for await (const frame of capture) console.log(frame.index, frame.timestampNs, frame.data.length);
 */
export function readCapture(source: string | NodeJS.ReadableStream, options: ReadCaptureOptions = {}): CaptureSource {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes < MIN_CHUNK_BYTES) {
    throw new ConfigError(`readCapture: chunkBytes must be an integer of at least ${MIN_CHUNK_BYTES} (got ${chunkBytes})`);
  }
  const name = options.name ?? (typeof source === 'string' ? (source === '-' ? 'stdin' : source) : 'stream');
  return new StreamCaptureSource(source, name, chunkBytes, options.signal, options.onRead);
}

/**
 * Reads a whole capture into memory: convenient for tests and small files.
 * @throws CaptureFormatError as {@link readCapture}.
 */
export async function readCaptureFile(path: string, options: ReadCaptureOptions = {}): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const batch of readCapture(path, options).batches()) {
    for (const frame of batch) frames.push(frame);
  }
  return frames;
}

class StreamCaptureSource implements CaptureSource {
  private readonly parser: CaptureParser;
  private started = false;

  constructor(
    private readonly source: string | NodeJS.ReadableStream,
    private readonly name: string,
    private readonly chunkBytes: number,
    private readonly signal: AbortSignal | undefined,
    private readonly onRead: ((bytes: number) => void) | undefined = undefined,
  ) {
    this.parser = createCaptureParser(name);
  }

  get info(): CaptureInfo {
    return this.parser.info;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Frame> {
    for await (const batch of this.batches()) yield* batch;
  }

  async *batches(): AsyncGenerator<Frame[]> {
    if (this.started) throw new ConfigError(`${this.name}: a capture source can be iterated only once; call readCapture again`);
    this.started = true;
    const parser = this.parser;
    let batch: Frame[] = [];
    const collect = (frame: Frame): void => {
      batch.push(frame);
    };
    for await (const chunk of this.chunks()) {
      try {
        parser.push(chunk, collect);
      } catch (error) {
        // Frames before the damage are delivered before the error.
        if (batch.length > 0) yield batch;
        throw error;
      }
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
    parser.end();
  }

  /** The raw bytes, gunzipped when they start with the gzip magic; errors become CaptureFormatErrors. */
  private async *chunks(): AsyncGenerator<Buffer> {
    const input = this.open();
    if (this.signal) addAbortSignal(this.signal, input);
    const raw = input[Symbol.asyncIterator]() as AsyncIterator<unknown>;
    let gunzip: NodeJS.ReadWriteStream | undefined;
    try {
      // Gather at least the two gzip magic bytes, which a tiny first chunk may not hold.
      const head: Buffer[] = [];
      let headBytes = 0;
      while (headBytes < 2) {
        const next = await raw.next();
        if (next.done) break;
        const chunk = this.toBuffer(next.value);
        head.push(chunk);
        headBytes += chunk.length;
      }
      const first = head.length === 1 ? head[0]! : Buffer.concat(head);
      if (first[0] !== GZIP_MAGIC_0 || first[1] !== GZIP_MAGIC_1) {
        if (first.length > 0) yield first;
        for (let next = await raw.next(); !next.done; next = await raw.next()) yield this.toBuffer(next.value);
        return;
      }
      const decompressor = createGunzip({ chunkSize: this.chunkBytes });
      gunzip = decompressor;
      if (this.signal) addAbortSignal(this.signal, decompressor);
      const compressed = Readable.from(this.rest(first, raw), { objectMode: false });
      // Errors reach us through the decompressor's iterator; the callback only keeps them handled.
      pipeline(compressed, decompressor, () => {});
      for await (const chunk of decompressor) yield chunk as Buffer;
    } catch (error) {
      throw this.describe(error);
    } finally {
      await raw.return?.();
      if (gunzip) (gunzip as unknown as Readable).destroy();
    }
  }

  private async *rest(first: Buffer, raw: AsyncIterator<unknown>): AsyncGenerator<Buffer> {
    yield first;
    for (let next = await raw.next(); !next.done; next = await raw.next()) yield this.toBuffer(next.value);
  }

  private open(): Readable {
    if (typeof this.source !== 'string') return this.source as Readable;
    if (this.source === '-') return process.stdin;
    return createReadStream(this.source, { highWaterMark: this.chunkBytes });
  }

  private toBuffer(chunk: unknown): Buffer {
    if (Buffer.isBuffer(chunk)) {
      this.onRead?.(chunk.length);
      return chunk;
    }
    if (chunk instanceof Uint8Array) {
      this.onRead?.(chunk.byteLength);
      return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    throw new ConfigError(`${this.name}: the stream yields ${typeof chunk} chunks; pass a byte stream (do not call setEncoding)`);
  }

  /** Maps a missing file to FileNotFoundError, other file-system and zlib errors to one-line CaptureFormatErrors; aborts and our own errors pass. */
  private describe(error: unknown): unknown {
    if (!(error instanceof Error) || error instanceof CaptureFormatError || error instanceof ConfigError || error instanceof FileNotFoundError) return error;
    if (error.name === 'AbortError') return error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const why = code === 'ENOENT' ? 'no such file' : 'no such file (a parent is not a directory)';
      return new FileNotFoundError(this.name, `${this.name}: ${why}`, { cause: error });
    }
    const problem = code === undefined ? undefined : FILE_ERRORS[code];
    if (problem !== undefined) return new CaptureFormatError(`${this.name}: ${problem}`, { cause: error });
    if (code?.startsWith('Z_') === true || code === 'ERR_ZLIB_INITIALIZATION_FAILED') {
      return new CaptureFormatError(`${this.name}: corrupt gzip stream: ${error.message}`, { cause: error });
    }
    return new CaptureFormatError(`${this.name}: read failed: ${error.message}`, { cause: error });
  }
}

const FILE_ERRORS: Readonly<Record<string, string>> = {
  EISDIR: 'is a directory; expected a capture file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
};
