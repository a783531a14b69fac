/**
 * pcapng-writer.ts: writes little-endian pcapng (one section, IDB/EPB/DSB), to memory or to a file/stream.
 * Uses only byte-sink and capture-format; must not import decode/, analysis/ or cap.
 */
import { ConfigError } from '../errors.js';
import { ByteSink, openStreamSink, StreamWriterBase, type StreamSink } from './byte-sink.js';
import { DEFAULT_SNAP_LEN, PCAPNG_BYTE_ORDER_MAGIC, PcapngBlockType, PcapngOption, SecretsType } from './capture-format.js';
import type { WritableFrame } from './pcap-writer.js';

/** One capture interface of a pcapng file (an Interface Description Block). */
export interface PcapngInterface {
  /** LINKTYPE_* of the frames written on this interface (16 bits in pcapng). */
  readonly linkType: number;
  /** `if_name`, e.g. the device the capture ran on. */
  readonly name?: string;
  /** Snap length; longer frames are cut to it. Default 262144. */
  readonly snapLen?: number;
  /** Store ns timestamps (`if_tsresol` 9) instead of the default µs. Default false. */
  readonly tsResolutionNs?: boolean;
}

/** A frame and the interface (index returned by `addInterface`, default 0) it was captured on. */
export type PcapngFrame = WritableFrame & { readonly interfaceId?: number };

/** Options of a pcapng writer. */
export interface PcapngWriterOptions {
  /** Name for error messages; defaults to the path, or `stream`. */
  readonly name?: string;
  /** `shb_userappl` of the section header. Default "wirelab". */
  readonly userApplication?: string;
}

/** A pcapng file being written: one section, little-endian. */
export interface PcapngWriter {
  /** Writes an Interface Description Block and returns its interface id (0, 1, …). @throws ConfigError */
  addInterface(iface: PcapngInterface): number;
  /** Appends an Enhanced Packet Block; buffered like the pcap writer. @throws ConfigError */
  write(frame: PcapngFrame): void;
  /** Appends a Decryption Secrets Block holding SSLKEYLOGFILE lines, so Wireshark can decrypt the TLS. */
  writeDecryptionSecrets(tlsKeyLog: string): void;
  /** Hands the buffered blocks to the stream now. */
  flush(): void;
  /**
   * Flushes and closes the output (a stream passed in is ended unless it is stdout/stderr).
   * @throws EnvironmentError for any write error that happened since opening.
   */
  close(): Promise<void>;
}

const TWO_POW_32 = 0x1_0000_0000n;
const MAX_UNITS = 0xffff_ffff_ffff_ffffn;
const TS_RESOLUTION_NS = 9;

interface InterfaceState {
  readonly snapLen: number;
  readonly nsPerUnit: bigint;
}

function optionBytes(value: Uint8Array): number {
  return 4 + ((value.length + 3) & ~3);
}

/** Shared by encodePcapng and the stream writer: one section header, then blocks on demand. */
class PcapngEncoder {
  private readonly interfaces: InterfaceState[] = [];

  constructor(
    private readonly sink: ByteSink,
    private readonly name: string,
    opts: PcapngWriterOptions,
  ) {
    const app = Buffer.from(opts.userApplication ?? 'wirelab', 'utf8');
    const length = 28 + optionBytes(app) + 4;
    sink.reserve(length);
    sink.u32(PcapngBlockType.SectionHeader);
    sink.u32(length);
    sink.u32(PCAPNG_BYTE_ORDER_MAGIC);
    sink.u16(1);
    sink.u16(0);
    // Section length -1: unknown, so readers cannot skip sections (we write one anyway).
    sink.u32(0xffff_ffff);
    sink.u32(0xffff_ffff);
    this.option(PcapngOption.ShbUserApplication, app);
    sink.u32(PcapngOption.EndOfOptions);
    sink.u32(length);
  }

  private option(code: number, value: Uint8Array): void {
    this.sink.u16(code);
    this.sink.u16(value.length);
    this.sink.bytes(value, 4);
  }

  addInterface(iface: PcapngInterface): number {
    const snapLen = iface.snapLen ?? DEFAULT_SNAP_LEN;
    if (!Number.isInteger(iface.linkType) || iface.linkType < 0 || iface.linkType > 0xffff) {
      throw new ConfigError(`${this.name}: interface linkType must be an integer from 0 to 65535 (got ${iface.linkType})`);
    }
    if (!Number.isInteger(snapLen) || snapLen < 0 || snapLen > 0x7fff_ffff) {
      throw new ConfigError(`${this.name}: interface snapLen must be an integer from 0 to 2147483647 (got ${snapLen})`);
    }
    const ifName = iface.name === undefined ? undefined : Buffer.from(iface.name, 'utf8');
    if (ifName !== undefined && ifName.length > 0xffff) throw new ConfigError(`${this.name}: interface name longer than 65535 bytes`);
    const ns = iface.tsResolutionNs === true;
    const length = 20 + (ifName ? optionBytes(ifName) : 0) + (ns ? 8 : 0) + 4;
    const sink = this.sink;
    sink.reserve(length);
    sink.u32(PcapngBlockType.InterfaceDescription);
    sink.u32(length);
    sink.u16(iface.linkType);
    sink.u16(0);
    sink.u32(snapLen);
    if (ifName) this.option(PcapngOption.IfName, ifName);
    if (ns) this.option(PcapngOption.IfTsResolution, Uint8Array.of(TS_RESOLUTION_NS));
    sink.u32(PcapngOption.EndOfOptions);
    sink.u32(length);
    // snapLen 0 means "no limit" in pcapng.
    this.interfaces.push({ snapLen: snapLen === 0 ? 0x7fff_ffff : snapLen, nsPerUnit: ns ? 1n : 1000n });
    return this.interfaces.length - 1;
  }

  write(frame: PcapngFrame): void {
    const id = frame.interfaceId ?? 0;
    const iface = this.interfaces[id];
    if (iface === undefined) {
      const count = this.interfaces.length;
      throw new ConfigError(`${this.name}: frame names interface ${id}, but only ${count} interface(s) were added; call addInterface first`);
    }
    const ts = frame.timestampNs;
    const units = ts < 0n ? -1n : ts / iface.nsPerUnit;
    if (units < 0n || units > MAX_UNITS) {
      throw new ConfigError(`${this.name}: timestamp ${ts} ns is outside pcapng's range (0 to 2^64-1 units after 1970)`);
    }
    const capLen = Math.min(frame.data.length, iface.snapLen);
    const originalLength = frame.originalLength ?? frame.data.length;
    if (!Number.isInteger(originalLength) || originalLength < capLen || originalLength > 0xffff_ffff) {
      throw new ConfigError(`${this.name}: originalLength ${originalLength} must be an integer of at least the ${capLen} captured bytes`);
    }
    const length = 32 + ((capLen + 3) & ~3);
    const sink = this.sink;
    sink.reserve(length);
    sink.u32(PcapngBlockType.EnhancedPacket);
    sink.u32(length);
    sink.u32(id);
    sink.u32(Number(units / TWO_POW_32));
    sink.u32(Number(units % TWO_POW_32));
    sink.u32(capLen);
    sink.u32(originalLength);
    sink.bytes(capLen === frame.data.length ? frame.data : frame.data.subarray(0, capLen), 4);
    sink.u32(length);
  }

  writeDecryptionSecrets(tlsKeyLog: string): void {
    const secrets = Buffer.from(tlsKeyLog, 'utf8');
    const length = 20 + ((secrets.length + 3) & ~3);
    const sink = this.sink;
    sink.reserve(length);
    sink.u32(PcapngBlockType.DecryptionSecrets);
    sink.u32(length);
    sink.u32(SecretsType.TlsKeyLog);
    sink.u32(secrets.length);
    sink.bytes(secrets, 4);
    sink.u32(length);
  }
}

/** What {@link encodePcapng} writes besides the frames. */
export interface EncodePcapngOptions extends PcapngWriterOptions {
  /** Interfaces, in id order; frames refer to them by index. */
  readonly interfaces: readonly PcapngInterface[];
  /** SSLKEYLOGFILE lines, written as a Decryption Secrets Block before the first frame. */
  readonly tlsKeyLog?: string;
}

/**
 * Encodes one little-endian pcapng section in memory: SHB, the IDBs, an optional DSB, then one EPB per frame.
 * @throws ConfigError for bad interfaces or a frame that cannot be stored.
 * @example
 * const bytes = encodePcapng(frames, { interfaces: [{ linkType: LinkType.Ethernet, tsResolutionNs: true }] });
 */
export function encodePcapng(frames: Iterable<PcapngFrame>, opts: EncodePcapngOptions): Buffer {
  const chunks: Buffer[] = [];
  const sink = new ByteSink((chunk) => chunks.push(chunk));
  const encoder = new PcapngEncoder(sink, opts.name ?? 'encodePcapng', opts);
  for (const iface of opts.interfaces) encoder.addInterface(iface);
  if (opts.tlsKeyLog !== undefined) encoder.writeDecryptionSecrets(opts.tlsKeyLog);
  for (const frame of frames) encoder.write(frame);
  sink.flush();
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * Opens a pcapng writer on a path (created or truncated) or a writable stream and writes the section
 * header. Add interfaces before writing frames on them; errors opening or writing surface from `close()`.
 * @example
 * const writer = createPcapngWriter('run/capture.pcapng');
 * const eth = writer.addInterface({ linkType: LinkType.Ethernet, name: 'veth0', tsResolutionNs: true });
 * writer.write({ interfaceId: eth, timestampNs, data });
 * writer.writeDecryptionSecrets(keyLogLines);
 * await writer.close();
 */
export function createPcapngWriter(out: string | NodeJS.WritableStream, opts: PcapngWriterOptions = {}): PcapngWriter {
  const name = opts.name ?? (typeof out === 'string' ? out : 'stream');
  const target = openStreamSink(out, name);
  return new StreamPcapngWriter(new PcapngEncoder(target.sink, name, opts), target, name);
}

class StreamPcapngWriter extends StreamWriterBase implements PcapngWriter {
  constructor(
    private readonly encoder: PcapngEncoder,
    target: StreamSink,
    name: string,
  ) {
    super(target, name);
  }

  addInterface(iface: PcapngInterface): number {
    this.checkOpen();
    return this.encoder.addInterface(iface);
  }

  write(frame: PcapngFrame): void {
    this.checkOpen();
    this.encoder.write(frame);
  }

  writeDecryptionSecrets(tlsKeyLog: string): void {
    this.checkOpen();
    this.encoder.writeDecryptionSecrets(tlsKeyLog);
  }
}
