/**
 * capture-parser.ts: a synchronous push parser turning pcap or pcapng bytes into Frames.
 * Pure: imports only packet/ types and byte readers, errors and capture-format; no I/O, no decode/, no cap.
 */
import { CaptureFormatError } from '../errors.js';
import { u32be, u32le } from '../packet/byte-reader.js';
import type { Frame } from '../packet/frame.js';
import {
  MAX_PCAPNG_BLOCK_BYTES,
  MIN_PCAP_RECORD_LIMIT_BYTES,
  PCAP_FILE_HEADER_BYTES,
  PCAP_LINK_TYPE_MASK,
  PCAP_MICRO_SWAPPED,
  PCAP_NANO_SWAPPED,
  PCAP_RECORD_HEADER_BYTES,
  PCAPNG_BYTE_ORDER_MAGIC,
  PcapMagic,
  PcapngBlockType,
  PcapngOption,
  recordLimitForSnapLen,
} from './capture-format.js';

/** The container format of a capture file. */
export type CaptureFormat = 'pcap' | 'pcapng';

/** Byte order of the file (pcap) or of the current section (pcapng). */
export type ByteOrder = 'little' | 'big';

/** One capture interface: the single implicit one of classic pcap, or a pcapng Interface Description Block. */
export interface CaptureInterface {
  /** LINKTYPE_* of the frames captured on this interface (FCS bits of classic pcap removed). */
  readonly linkType: number;
  /** Snap length from the header; 0 means "no limit" in pcapng. */
  readonly snapLen: number;
  /** Timestamp units per second: 1e6 for µs (pcap and the pcapng default), 1e9 for ns, 2**n for binary `if_tsresol`. */
  readonly tsResolution: number;
  /** pcapng `if_tsoffset`: seconds added to every timestamp of this interface (0 for pcap). */
  readonly tsOffsetSec: number;
  /** pcapng `if_name`, when present. */
  readonly name?: string;
}

/** The payload of one pcapng Decryption Secrets Block. `data` is a private copy. */
export interface DecryptionSecrets {
  /** Secrets type, e.g. `SecretsType.TlsKeyLog` (0x544c534b). */
  readonly type: number;
  readonly data: Buffer;
}

/**
 * What the parser learnt about the file so far. It is a live view: the parser updates it in place
 * as headers and blocks arrive, and `format` stays undefined until the magic has been read.
 */
export interface CaptureInfo {
  readonly format: CaptureFormat | undefined;
  readonly byteOrder: ByteOrder;
  /** Interfaces of the current pcapng section (a new Section Header Block empties the list); one for pcap. */
  readonly interfaces: readonly CaptureInterface[];
  /** Every Decryption Secrets Block seen, in file order, across all sections. */
  readonly decryptionSecrets: readonly DecryptionSecrets[];
  /** Number of pcapng sections seen (1 for classic pcap once the header is read). */
  readonly sectionCount: number;
  /** Bytes of complete headers, records and blocks processed; the offset of the damage after an error. */
  readonly bytesConsumed: number;
}

/**
 * A push parser for one capture byte stream.
 *
 * Ownership contract: a Frame's `data` may be a view into a chunk passed to `push`. The parser never
 * writes to pushed chunks, so callers must not reuse or mutate a chunk after pushing it (fresh buffers
 * from `fs` or `zlib` streams qualify). Only a record that straddles two chunks is copied. A frame that
 * is kept alive keeps its whole chunk alive.
 */
export interface CaptureParser {
  readonly info: CaptureInfo;
  /**
   * Parses `chunk` and calls `onFrame` for every complete frame, in file order.
   * @throws CaptureFormatError at the first damaged header or record; frames before it have been delivered.
   * If `onFrame` throws, the error propagates and the parser must be discarded.
   */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): void;
  /**
   * Declares the end of input.
   * @throws CaptureFormatError when the input is empty or ended inside a header, record or block.
   */
  end(): void;
}

/**
 * Creates a parser for one capture stream; the format (pcap µs/ns in either byte order, or pcapng)
 * is sniffed from the first four bytes. `name` (usually the file name) starts every error message.
 *
 * @example
 * const parser = createCaptureParser('trace.pcap');
 * parser.push(readFileSync('trace.pcap'), (f) => frames.push(f));
 * parser.end();
 */
export function createCaptureParser(name: string): CaptureParser {
  return new PushParser(name);
}

// Buffer#subarray looks up Symbol.species on every call, which doubles its cost; constructing
// the species (Node's FastBuffer, a real Buffer) directly keeps the per-record view cheap.
const BufferView = (Buffer as unknown as { [Symbol.species]: new (ab: ArrayBufferLike, offset: number, length: number) => Buffer })[
  Symbol.species
];

// Module-local copies: under tsx (bench, tests) every read of an imported binding is a getter call.
const RECORD_HEADER_BYTES = PCAP_RECORD_HEADER_BYTES;
const Block = PcapngBlockType;
const BYTE_ORDER_MAGIC = PCAPNG_BYTE_ORDER_MAGIC;

const Mode = { Sniff: 0, PcapHeader: 1, PcapRecords: 2, Pcapng: 3, Failed: 4 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

const NS_PER_SEC = 1_000_000_000n;
const TWO_POW_32 = 4_294_967_296;
/** Timestamps below 2^53 units are combined in a double exactly, saving two bigint operations. */
const EXACT_HIGH_WORD_LIMIT = 0x20_0000;

/** Minimum total length of each pcapng block type we interpret (header, fixed fields, trailer). */
function minBlockBytes(type: number): number {
  switch (type) {
    case Block.SectionHeader:
      return 28;
    case Block.InterfaceDescription:
    case Block.DecryptionSecrets:
      return 20;
    case Block.Packet:
    case Block.EnhancedPacket:
      return 32;
    case Block.SimplePacket:
      return 16;
    default:
      return 12;
  }
}

const BLOCK_NAMES: Readonly<Record<number, string>> = {
  [Block.SectionHeader]: 'section header block',
  [Block.InterfaceDescription]: 'interface description block',
  [Block.Packet]: 'packet block',
  [Block.SimplePacket]: 'simple packet block',
  [Block.NameResolution]: 'name resolution block',
  [Block.InterfaceStatistics]: 'interface statistics block',
  [Block.EnhancedPacket]: 'enhanced packet block',
  [Block.DecryptionSecrets]: 'decryption secrets block',
};

function blockName(type: number): string {
  return BLOCK_NAMES[type] ?? `block of type 0x${hex32(type)}`;
}

function hex32(v: number): string {
  return v.toString(16).padStart(8, '0');
}

/** Per-interface state of a pcapng section, with the timestamp scale precomputed. */
interface InterfaceState {
  readonly linkType: number;
  readonly snapLen: number;
  /** ns per timestamp unit when integral (resolution 1 s … 1 ns), else 0n and `unitsPerSec` divides. */
  readonly nsPerUnit: bigint;
  readonly unitsPerSec: bigint;
  readonly offsetNs: bigint;
  /** High timestamp word of the previous packet and its value in units: consecutive packets share it. */
  lastHigh: number;
  lastHighUnits: bigint;
}

interface MutableInfo {
  format: CaptureFormat | undefined;
  byteOrder: ByteOrder;
  interfaces: CaptureInterface[];
  decryptionSecrets: DecryptionSecrets[];
  sectionCount: number;
  bytesConsumed: number;
}

class PushParser implements CaptureParser {
  readonly info: MutableInfo = {
    format: undefined,
    byteOrder: 'little',
    interfaces: [],
    decryptionSecrets: [],
    sectionCount: 0,
    bytesConsumed: 0,
  };
  private readonly name: string;
  private mode: Mode = Mode.Sniff;
  private failure: CaptureFormatError | undefined;
  /** Byte order of the pcap file or current pcapng section. */
  private le = true;
  /** File offset of buffer index 0 for the buffer being parsed. */
  private base = 0;
  /** Index of the last delivered frame (Frame.index is 1-based). */
  private frameIndex = 0;
  /** Bytes of an incomplete header or record, copied because it straddles chunks. */
  private pending: Buffer | undefined;
  private pendingLen = 0;
  // Classic pcap.
  private pcapLinkType = 0;
  private pcapRecordLimit = MIN_PCAP_RECORD_LIMIT_BYTES;
  private pcapNsPerFrac = 1000;
  /** Seconds field of the previous record and its value in ns: consecutive records share it. */
  private lastSec = -1;
  private lastSecNs = 0n;
  // pcapng.
  private interfaces: InterfaceState[] = [];

  constructor(name: string) {
    this.name = name;
  }

  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    if (this.failure) throw this.failure;
    let off = 0;
    if (this.pendingLen > 0) {
      off = this.completePending(chunk, onFrame);
      if (this.pendingLen > 0) return;
    }
    if (off === chunk.length) return;
    this.base = this.info.bytesConsumed - off;
    const stop = this.parse(chunk, off, chunk.length, onFrame);
    this.info.bytesConsumed = this.base + stop;
    if (stop < chunk.length) {
      const rest = chunk.length - stop;
      this.pending = Buffer.allocUnsafe(Math.max(rest, 64));
      chunk.copy(this.pending, 0, stop);
      this.pendingLen = rest;
    }
  }

  end(): void {
    if (this.failure) throw this.failure;
    const at = this.info.bytesConsumed;
    if (this.pendingLen === 0) {
      if (this.mode === Mode.Sniff) throw this.fail(0, 'empty file; expected a pcap or pcapng header');
      return;
    }
    const buf = this.pending!;
    const have = this.pendingLen;
    const need = this.unitBytes(buf, have);
    let what: string;
    switch (this.mode) {
      case Mode.Sniff:
        what = 'magic';
        break;
      case Mode.PcapHeader:
        what = 'pcap file header';
        break;
      case Mode.PcapRecords:
        what = have < PCAP_RECORD_HEADER_BYTES ? 'record header' : 'record';
        break;
      default: {
        const type = this.le ? u32le(buf, 0) : u32be(buf, 0);
        what = have < (type === Block.SectionHeader ? 12 : 8) ? 'block header' : blockName(type);
      }
    }
    throw this.fail(at, `truncated ${what} at offset ${at}: ${have} of ${need} bytes`);
  }

  /**
   * Feeds the straddling unit in `pending` from the start of `chunk` until it is complete, then
   * parses it. Returns how many bytes of `chunk` were used.
   */
  private completePending(chunk: Buffer, onFrame: (frame: Frame) => void): number {
    let off = 0;
    for (;;) {
      const need = this.unitBytes(this.pending!, this.pendingLen);
      if (this.pendingLen < need) {
        const take = Math.min(need - this.pendingLen, chunk.length - off);
        if (this.pending!.length < need) {
          // A fresh buffer (never reused): frames parsed from it keep views into it.
          const grown = Buffer.allocUnsafe(need);
          this.pending!.copy(grown, 0, 0, this.pendingLen);
          this.pending = grown;
        }
        chunk.copy(this.pending!, this.pendingLen, off, off + take);
        this.pendingLen += take;
        off += take;
        if (this.pendingLen < need) return off;
        // The header is now complete; the next round learns the unit's full size.
        continue;
      }
      const unit = this.pending!;
      this.pending = undefined;
      this.pendingLen = 0;
      this.base = this.info.bytesConsumed;
      this.info.bytesConsumed = this.base + this.parse(unit, 0, need, onFrame);
      return off;
    }
  }

  /**
   * Bytes the unit starting at `buf[0]` needs: its header size while the header is incomplete,
   * then its full size. Validates the header as soon as it is complete (same checks as `parse`).
   */
  private unitBytes(buf: Buffer, have: number): number {
    this.base = this.info.bytesConsumed;
    switch (this.mode) {
      case Mode.Sniff:
        if (have < 4) return 4;
        this.sniff(buf, 0);
        return this.unitBytes(buf, have);
      case Mode.PcapHeader:
        return PCAP_FILE_HEADER_BYTES;
      case Mode.PcapRecords:
        return have < PCAP_RECORD_HEADER_BYTES ? PCAP_RECORD_HEADER_BYTES : this.pcapRecordBytes(buf, 0);
      default: {
        const size = this.blockBytes(buf, 0, have);
        return size < 0 ? -size : size;
      }
    }
  }

  /** Parses complete units in buf[off, end); returns the offset of the first incomplete one. */
  private parse(buf: Buffer, off: number, end: number, onFrame: (frame: Frame) => void): number {
    for (;;) {
      switch (this.mode) {
        case Mode.Sniff:
          if (end - off < 4) return off;
          this.sniff(buf, off);
          break;
        case Mode.PcapHeader:
          if (end - off < PCAP_FILE_HEADER_BYTES) return off;
          this.readPcapHeader(buf, off);
          off += PCAP_FILE_HEADER_BYTES;
          break;
        case Mode.PcapRecords:
          return this.parsePcapRecords(buf, off, end, onFrame);
        default:
          return this.parsePcapngBlocks(buf, off, end, onFrame);
      }
    }
  }

  private sniff(buf: Buffer, off: number): void {
    const magic = u32be(buf, off);
    switch (magic) {
      case PcapMagic.Microseconds:
      case PcapMagic.Nanoseconds:
        this.startPcap(false, magic === PcapMagic.Nanoseconds);
        return;
      case PCAP_MICRO_SWAPPED:
      case PCAP_NANO_SWAPPED:
        this.startPcap(true, magic === PCAP_NANO_SWAPPED);
        return;
      case Block.SectionHeader:
        this.mode = Mode.Pcapng;
        this.info.format = 'pcapng';
        return;
      default:
        throw this.fail(
          this.base + off,
          `unknown magic 0x${hex32(magic)} at offset ${this.base + off}; expected pcap (0xa1b2c3d4/0xa1b23c4d, either byte order) or pcapng (0x0a0d0d0a)`,
        );
    }
  }

  private startPcap(le: boolean, nanoseconds: boolean): void {
    this.le = le;
    this.info.byteOrder = le ? 'little' : 'big';
    this.info.format = 'pcap';
    this.pcapNsPerFrac = nanoseconds ? 1 : 1000;
    this.mode = Mode.PcapHeader;
  }

  private readPcapHeader(buf: Buffer, off: number): void {
    const major = this.le ? buf.readUInt16LE(off + 4) : buf.readUInt16BE(off + 4);
    const minor = this.le ? buf.readUInt16LE(off + 6) : buf.readUInt16BE(off + 6);
    if (major < 2) {
      // Wireshark and libpcap refuse pre-2.0 files too: their record layout differs.
      const at = this.base + off + 4;
      throw this.fail(at, `unsupported pcap version ${major}.${minor} at offset ${at}; expected 2.x`);
    }
    const snapLen = this.le ? u32le(buf, off + 16) : u32be(buf, off + 16);
    this.pcapLinkType = (this.le ? u32le(buf, off + 20) : u32be(buf, off + 20)) & PCAP_LINK_TYPE_MASK;
    this.pcapRecordLimit = recordLimitForSnapLen(snapLen);
    this.info.interfaces.push({
      linkType: this.pcapLinkType,
      snapLen,
      tsResolution: this.pcapNsPerFrac === 1 ? 1e9 : 1e6,
      tsOffsetSec: 0,
    });
    this.info.sectionCount = 1;
    this.mode = Mode.PcapRecords;
  }

  /** Full size of the pcap record at `off` (its 16-byte header must be present); validates the length. */
  private pcapRecordBytes(buf: Buffer, off: number): number {
    const capLen = this.le ? u32le(buf, off + 8) : u32be(buf, off + 8);
    if (capLen > this.pcapRecordLimit) throw this.recordTooLong(this.base + off, capLen);
    return PCAP_RECORD_HEADER_BYTES + capLen;
  }

  private recordTooLong(at: number, capLen: number): CaptureFormatError {
    return this.fail(at, `record at offset ${at} claims ${capLen} captured bytes, more than the ${this.pcapRecordLimit}-byte limit`);
  }

  // The hot loop: no closures, no strings, one Frame and one view per record.
  private parsePcapRecords(buf: Buffer, off: number, end: number, onFrame: (frame: Frame) => void): number {
    const le = this.le;
    const limit = this.pcapRecordLimit;
    const linkType = this.pcapLinkType;
    const nsPerFrac = this.pcapNsPerFrac;
    const arrayBuffer = buf.buffer;
    const byteOffset = buf.byteOffset;
    let lastSec = this.lastSec;
    let lastSecNs = this.lastSecNs;
    let index = this.frameIndex;
    while (end - off >= RECORD_HEADER_BYTES) {
      const capLen = le ? u32le(buf, off + 8) : u32be(buf, off + 8);
      if (capLen > limit) {
        this.frameIndex = index;
        throw this.recordTooLong(this.base + off, capLen);
      }
      const next = off + RECORD_HEADER_BYTES + capLen;
      if (next > end) break;
      const sec = le ? u32le(buf, off) : u32be(buf, off);
      const frac = le ? u32le(buf, off + 4) : u32be(buf, off + 4);
      const originalLength = le ? u32le(buf, off + 12) : u32be(buf, off + 12);
      if (sec !== lastSec) {
        lastSec = sec;
        lastSecNs = BigInt(sec) * NS_PER_SEC;
      }
      onFrame({
        index: ++index,
        // frac * 1000 < 2^53 even for a corrupt 32-bit µs field, so the product is exact.
        timestampNs: lastSecNs + BigInt(frac * nsPerFrac),
        linkType,
        originalLength,
        data: new BufferView(arrayBuffer, byteOffset + off + RECORD_HEADER_BYTES, capLen),
        interfaceId: 0,
      });
      off = next;
    }
    this.frameIndex = index;
    this.lastSec = lastSec;
    this.lastSecNs = lastSecNs;
    return off;
  }

  /**
   * Validated total length of the pcapng block at `off`, or minus the header bytes needed when
   * fewer than those are available.
   */
  private blockBytes(buf: Buffer, off: number, avail: number): number {
    if (avail < 8) return -8;
    const at = this.base + off;
    const type = this.le ? u32le(buf, off) : u32be(buf, off);
    let le = this.le;
    if (type === Block.SectionHeader) {
      if (avail < 12) return -12;
      // Each section declares its own byte order; the block length is already in it.
      if (u32le(buf, off + 8) === BYTE_ORDER_MAGIC) le = true;
      else if (u32be(buf, off + 8) === BYTE_ORDER_MAGIC) le = false;
      else {
        throw this.fail(
          at,
          `section header block at offset ${at} has byte-order magic 0x${hex32(u32be(buf, off + 8))}; expected 1a2b3c4d or 4d3c2b1a`,
        );
      }
    }
    const length = le ? u32le(buf, off + 4) : u32be(buf, off + 4);
    if (length % 4 !== 0) throw this.fail(at, `${blockName(type)} at offset ${at} has length ${length}, not a multiple of 4`);
    const min = minBlockBytes(type);
    if (length < min) throw this.fail(at, `${blockName(type)} at offset ${at} has length ${length}, less than its ${min}-byte minimum`);
    if (length > MAX_PCAPNG_BLOCK_BYTES) {
      throw this.fail(at, `${blockName(type)} at offset ${at} claims ${length} bytes, more than the ${MAX_PCAPNG_BLOCK_BYTES}-byte limit`);
    }
    return length;
  }

  private parsePcapngBlocks(buf: Buffer, off: number, end: number, onFrame: (frame: Frame) => void): number {
    for (;;) {
      const length = this.blockBytes(buf, off, end - off);
      if (length < 0 || length > end - off) return off;
      const at = this.base + off;
      const type = this.le ? u32le(buf, off) : u32be(buf, off);
      if (type === Block.SectionHeader) this.le = u32le(buf, off + 8) === BYTE_ORDER_MAGIC;
      const trailer = this.le ? u32le(buf, off + length - 4) : u32be(buf, off + length - 4);
      if (trailer !== length) {
        throw this.fail(at, `${blockName(type)} at offset ${at} ends with length ${trailer}, expected ${length} as at its start`);
      }
      switch (type) {
        case Block.SectionHeader:
          this.readSectionHeader(buf, off);
          break;
        case Block.InterfaceDescription:
          this.readInterface(buf, off, length);
          break;
        case Block.EnhancedPacket:
        case Block.Packet:
          this.readPacket(buf, off, length, type, onFrame);
          break;
        case Block.SimplePacket:
          this.readSimplePacket(buf, off, length, onFrame);
          break;
        case Block.DecryptionSecrets:
          this.readSecrets(buf, off, length);
          break;
        default:
        // Name resolution, statistics, custom and unknown blocks carry nothing a Frame needs.
      }
      off += length;
    }
  }

  private u16(buf: Buffer, o: number): number {
    return this.le ? buf.readUInt16LE(o) : buf.readUInt16BE(o);
  }

  private u32(buf: Buffer, o: number): number {
    return this.le ? u32le(buf, o) : u32be(buf, o);
  }

  private readSectionHeader(buf: Buffer, off: number): void {
    const major = this.u16(buf, off + 12);
    const minor = this.u16(buf, off + 14);
    if (major !== 1) {
      const at = this.base + off;
      throw this.fail(at, `section header block at offset ${at} has pcapng version ${major}.${minor}; expected 1.x`);
    }
    this.info.byteOrder = this.le ? 'little' : 'big';
    this.info.sectionCount += 1;
    this.info.interfaces = [];
    this.interfaces = [];
  }

  private readInterface(buf: Buffer, off: number, length: number): void {
    const linkType = this.u16(buf, off + 8);
    const snapLen = this.u32(buf, off + 12);
    let name: string | undefined;
    let tsresol = 6;
    let offsetSec = 0n;
    const optionsEnd = off + length - 4;
    let p = off + 16;
    while (p + 4 <= optionsEnd) {
      const code = this.u16(buf, p);
      const len = this.u16(buf, p + 2);
      if (code === PcapngOption.EndOfOptions) break;
      const value = p + 4;
      if (value + len > optionsEnd) {
        const at = this.base + off;
        throw this.fail(
          at,
          `interface description block at offset ${at}: option ${code} at offset ${this.base + p} has length ${len}, past the block end`,
        );
      }
      if (code === PcapngOption.IfName) name = buf.toString('utf8', value, value + len).replace(/\0+$/, '');
      else if (code === PcapngOption.IfTsResolution && len >= 1) tsresol = buf[value]!;
      else if (code === PcapngOption.IfTsOffset && len >= 8) {
        offsetSec = this.le ? buf.readBigInt64LE(value) : buf.readBigInt64BE(value);
      }
      p = value + ((len + 3) & ~3);
    }
    // if_tsresol: high bit clear = 10^-n seconds per unit, set = 2^-n.
    const exponent = BigInt(tsresol & 0x7f);
    const unitsPerSec = tsresol & 0x80 ? 1n << exponent : 10n ** exponent;
    const nsPerUnit = NS_PER_SEC % unitsPerSec === 0n ? NS_PER_SEC / unitsPerSec : 0n;
    this.interfaces.push({ linkType, snapLen, nsPerUnit, unitsPerSec, offsetNs: offsetSec * NS_PER_SEC, lastHigh: -1, lastHighUnits: 0n });
    const described: { -readonly [K in keyof CaptureInterface]: CaptureInterface[K] } = {
      linkType,
      snapLen,
      tsResolution: Number(unitsPerSec),
      tsOffsetSec: Number(offsetSec),
    };
    if (name !== undefined) described.name = name;
    this.info.interfaces.push(described);
  }

  private timestampNs(iface: InterfaceState, high: number, low: number): bigint {
    let units: bigint;
    if (high < EXACT_HIGH_WORD_LIMIT) units = BigInt(high * TWO_POW_32 + low);
    else {
      if (high !== iface.lastHigh) {
        iface.lastHigh = high;
        iface.lastHighUnits = BigInt(high) << 32n;
      }
      units = iface.lastHighUnits + BigInt(low);
    }
    // Resolutions finer than 1 ns (or binary ones) truncate toward zero, like Wireshark.
    const nsPerUnit = iface.nsPerUnit;
    const ns = nsPerUnit === 1n ? units : nsPerUnit !== 0n ? units * nsPerUnit : (units * NS_PER_SEC) / iface.unitsPerSec;
    return iface.offsetNs === 0n ? ns : ns + iface.offsetNs;
  }

  private interfaceOrFail(id: number, type: number, off: number): InterfaceState {
    const iface = this.interfaces[id];
    if (iface) return iface;
    const at = this.base + off;
    const count = this.interfaces.length;
    throw this.fail(
      at,
      `${blockName(type)} at offset ${at} references interface ${id}, but this section defines ${count === 1 ? 'only 1 interface' : `${count} interfaces`}`,
    );
  }

  /** Enhanced Packet Block and the obsolete Packet Block: same layout but a 16-bit interface id. */
  private readPacket(buf: Buffer, off: number, length: number, type: number, onFrame: (frame: Frame) => void): void {
    const id = type === Block.EnhancedPacket ? this.u32(buf, off + 8) : this.u16(buf, off + 8);
    const iface = this.interfaceOrFail(id, type, off);
    const capLen = this.u32(buf, off + 20);
    if (capLen > length - 32) {
      const at = this.base + off;
      throw this.fail(at, `${blockName(type)} at offset ${at} claims ${capLen} captured bytes in a ${length - 32}-byte body`);
    }
    onFrame({
      index: ++this.frameIndex,
      timestampNs: this.timestampNs(iface, this.u32(buf, off + 12), this.u32(buf, off + 16)),
      linkType: iface.linkType,
      originalLength: this.u32(buf, off + 24),
      data: new BufferView(buf.buffer, buf.byteOffset + off + 28, capLen),
      interfaceId: id,
    });
  }

  /** Simple Packet Block: interface 0, no timestamp (0 ns), captured = min(snaplen, original length). */
  private readSimplePacket(buf: Buffer, off: number, length: number, onFrame: (frame: Frame) => void): void {
    const iface = this.interfaceOrFail(0, Block.SimplePacket, off);
    const originalLength = this.u32(buf, off + 8);
    const capLen = iface.snapLen !== 0 && iface.snapLen < originalLength ? iface.snapLen : originalLength;
    if (capLen > length - 16) {
      const at = this.base + off;
      throw this.fail(at, `simple packet block at offset ${at} needs ${capLen} captured bytes but its body holds ${length - 16}`);
    }
    onFrame({
      index: ++this.frameIndex,
      timestampNs: 0n,
      linkType: iface.linkType,
      originalLength,
      data: new BufferView(buf.buffer, buf.byteOffset + off + 12, capLen),
      interfaceId: 0,
    });
  }

  private readSecrets(buf: Buffer, off: number, length: number): void {
    const type = this.u32(buf, off + 8);
    const len = this.u32(buf, off + 12);
    if (len > length - 20) {
      const at = this.base + off;
      throw this.fail(at, `decryption secrets block at offset ${at} claims ${len} secret bytes in a ${length - 20}-byte body`);
    }
    // Copied: secrets outlive the chunk they arrived in, and are rare.
    this.info.decryptionSecrets.push({ type, data: Buffer.from(buf.subarray(off + 16, off + 16 + len)) });
  }

  /** Records the failure (later calls rethrow it) and builds the one-line error. */
  private fail(offset: number, problem: string): CaptureFormatError {
    this.mode = Mode.Failed;
    this.info.bytesConsumed = offset;
    this.failure = new CaptureFormatError(`${this.name}: ${problem}`, { offset });
    return this.failure;
  }
}
