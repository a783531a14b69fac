/**
 * pcap-writer.ts: writes classic little-endian pcap files (µs or ns), to memory or to a file/stream.
 * Uses only byte-sink and capture-format; must not import decode/, analysis/ or cap.
 */
import { ConfigError } from '../errors.js';
import { ByteSink, openStreamSink, StreamWriterBase, type StreamSink } from './byte-sink.js';
import { DEFAULT_SNAP_LEN, PCAP_RECORD_HEADER_BYTES, PcapMagic } from './capture-format.js';

/** A frame to write. `originalLength` defaults to `data.length`; data beyond the snap length is cut. */
export interface WritableFrame {
  /** Capture time in ns since the Unix epoch; µs files keep it rounded down to the µs. */
  readonly timestampNs: bigint;
  readonly data: Uint8Array;
  readonly originalLength?: number;
}

/** Header fields of a pcap file. */
export interface PcapWriterOptions {
  /** LINKTYPE_* of every frame (e.g. `LinkType.Ethernet`). */
  readonly linkType: number;
  /** Write ns timestamps (magic 0xa1b23c4d) instead of µs. Default false. */
  readonly nanosecond?: boolean;
  /** Snap length stored in the header; longer frames are cut to it. Default 262144. */
  readonly snapLen?: number;
  /** Name for error messages; defaults to the path, or `stream`. */
  readonly name?: string;
}

/** A pcap file being written. */
export interface PcapWriter {
  /**
   * Appends one record. Buffered: records reach the stream in chunks of about 64 KiB, or on
   * `flush()`/`close()`. @throws ConfigError for a frame that pcap cannot store, or after close().
   */
  write(frame: WritableFrame): void;
  /** Hands the buffered records to the stream now (e.g. periodically during a live capture). */
  flush(): void;
  /**
   * Flushes and closes the output (a stream passed in is ended unless it is stdout/stderr).
   * @throws EnvironmentError for any write error that happened since opening (ENOSPC, EACCES…).
   */
  close(): Promise<void>;
}

const NS_PER_SEC = 1_000_000_000n;
const MAX_PCAP_SEC = 0xffff_ffffn;

/** Validates the options and returns the snap length to use. @throws ConfigError */
function checkPcapOptions(name: string, opts: PcapWriterOptions): number {
  const snapLen = opts.snapLen ?? DEFAULT_SNAP_LEN;
  if (!Number.isInteger(opts.linkType) || opts.linkType < 0 || opts.linkType > 0x0fff_ffff) {
    throw new ConfigError(`${name}: linkType must be an integer from 0 to 268435455 (got ${opts.linkType})`);
  }
  if (!Number.isInteger(snapLen) || snapLen < 1 || snapLen > 0x7fff_ffff) {
    throw new ConfigError(`${name}: snapLen must be an integer from 1 to 2147483647 (got ${snapLen})`);
  }
  return snapLen;
}

/** Shared by encodePcap and the stream writer: writes the header, then one record per call. */
class PcapEncoder {
  private readonly nanosecond: boolean;
  private readonly snapLen: number;

  constructor(
    private readonly sink: ByteSink,
    private readonly name: string,
    opts: PcapWriterOptions,
  ) {
    this.snapLen = checkPcapOptions(name, opts);
    this.nanosecond = opts.nanosecond ?? false;
    sink.reserve(24);
    sink.u32(this.nanosecond ? PcapMagic.Nanoseconds : PcapMagic.Microseconds);
    sink.u16(2); // version 2.4, the only one in use since 1998
    sink.u16(4);
    sink.u32(0); // thiszone: timestamps are UTC
    sink.u32(0); // sigfigs
    sink.u32(this.snapLen);
    sink.u32(opts.linkType);
  }

  write(frame: WritableFrame): void {
    const ts = frame.timestampNs;
    if (ts < 0n || ts / NS_PER_SEC > MAX_PCAP_SEC) {
      throw new ConfigError(`${this.name}: timestamp ${ts} ns is outside pcap's range (0 to 2^32-1 s after 1970)`);
    }
    const capLen = Math.min(frame.data.length, this.snapLen);
    const originalLength = frame.originalLength ?? frame.data.length;
    if (!Number.isInteger(originalLength) || originalLength < capLen || originalLength > 0xffff_ffff) {
      throw new ConfigError(`${this.name}: originalLength ${originalLength} must be an integer of at least the ${capLen} captured bytes`);
    }
    const sink = this.sink;
    sink.reserve(PCAP_RECORD_HEADER_BYTES + capLen);
    const frac = ts % NS_PER_SEC;
    sink.u32(Number(ts / NS_PER_SEC));
    sink.u32(this.nanosecond ? Number(frac) : Number(frac / 1000n));
    sink.u32(capLen);
    sink.u32(originalLength);
    sink.bytes(capLen === frame.data.length ? frame.data : frame.data.subarray(0, capLen));
  }
}

/**
 * Encodes frames as one little-endian pcap file in memory.
 * @throws ConfigError for bad options or a frame pcap cannot store.
 * @example
 * writeFileSync('out.pcap', encodePcap(frames, { linkType: LinkType.Ethernet, nanosecond: true }));
 */
export function encodePcap(frames: Iterable<WritableFrame>, opts: PcapWriterOptions): Buffer {
  const chunks: Buffer[] = [];
  const sink = new ByteSink((chunk) => chunks.push(chunk));
  const encoder = new PcapEncoder(sink, opts.name ?? 'encodePcap', opts);
  for (const frame of frames) encoder.write(frame);
  sink.flush();
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * Opens a pcap writer on a path (created or truncated) or a writable stream. The header is written
 * at once; errors opening or writing the file surface from `close()`.
 * @throws ConfigError for bad options.
 * @example
 * const writer = createPcapWriter('capture.pcap', { linkType: LinkType.Ethernet, nanosecond: true });
 * writer.write({ timestampNs: 1_700_000_000_123_456_789n, data });
 * await writer.close();
 */
export function createPcapWriter(out: string | NodeJS.WritableStream, opts: PcapWriterOptions): PcapWriter {
  const name = opts.name ?? (typeof out === 'string' ? out : 'stream');
  // Validate before opening, so bad options leave no empty file behind.
  checkPcapOptions(name, opts);
  const target = openStreamSink(out, name);
  return new StreamPcapWriter(new PcapEncoder(target.sink, name, opts), target, name);
}

class StreamPcapWriter extends StreamWriterBase implements PcapWriter {
  constructor(
    private readonly encoder: PcapEncoder,
    target: StreamSink,
    name: string,
  ) {
    super(target, name);
  }

  write(frame: WritableFrame): void {
    this.checkOpen();
    this.encoder.write(frame);
  }
}
