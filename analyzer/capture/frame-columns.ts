/**
 * frame-columns.ts: the columnar reader, the first layer of the engine's fast core (issue 7). It reads
 * a capture file into batches of frames held as typed-array columns over one read buffer: no object,
 * no BigInt and no Buffer view per frame. Classic pcap (either byte order, µs or ns) is read here
 * directly; other inputs (pcapng, gzip) come through the push parser and are copied into the same
 * columns, so every caller sees one shape. Damage is reported with the push parser's own error, word
 * for word: on the first bad record the file is read again with it to the same point.
 * Uses node:fs and the capture parser; must not import decode/, analysis/ or cap.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { CaptureFormatError } from '../errors.js';
import { u32be, u32le } from '../packet/byte-reader.js';
import { PCAP_FILE_HEADER_BYTES, PCAP_LINK_TYPE_MASK, PCAP_MICRO_SWAPPED, PCAP_NANO_SWAPPED, PCAP_RECORD_HEADER_BYTES, PcapMagic, recordLimitForSnapLen } from './capture-format.js';
import { readCapture } from './open-capture.js';

/**
 * One batch of frames as columns. Frame `i` of the batch is frame number `firstIndex + i` of the file;
 * its captured bytes are `bytes[dataOffset[i], dataOffset[i] + capturedLength[i])`.
 *
 * Ownership: the batch and its `bytes` are reused by the next batch; copy what must outlive it.
 */
export interface FrameColumns {
  /** Frames in this batch. */
  count: number;
  /** 1-based number of the batch's first frame (Wireshark's frame.number). */
  firstIndex: number;
  /** The buffer the offsets point into. */
  bytes: Buffer;
  readonly dataOffset: Int32Array;
  readonly capturedLength: Int32Array;
  readonly originalLength: Uint32Array;
  /**
   * Capture time in ns since the file's first frame (`baseNs`), as a double: exact while within
   * ±2^53 ns (104 days) of it, which real captures are; corrupt timestamps further off are rounded.
   */
  readonly timeNs: Float64Array;
  /** Epoch ns of the file's first frame; 0n before any frame. */
  baseNs: bigint;
  readonly linkType: Int32Array;
  readonly interfaceId: Int32Array;
}

/** Options of {@link readFrameColumns}. */
export interface FrameColumnsOptions {
  /** Bytes read per system call (default 4 MiB). */
  readonly chunkBytes?: number;
  /** Most frames per batch (default 16,384). */
  readonly maxFrames?: number;
}

const DEFAULT_CHUNK_BYTES = 4 << 20;
const DEFAULT_MAX_FRAMES = 16_384;
const NS_PER_SEC = 1e9;

function emptyColumns(maxFrames: number, bytes: Buffer): FrameColumns {
  return {
    count: 0,
    firstIndex: 1,
    bytes,
    dataOffset: new Int32Array(maxFrames),
    capturedLength: new Int32Array(maxFrames),
    originalLength: new Uint32Array(maxFrames),
    timeNs: new Float64Array(maxFrames),
    baseNs: 0n,
    linkType: new Int32Array(maxFrames),
    interfaceId: new Int32Array(maxFrames),
  };
}

/** The pcap header's fields the record loop needs, or undefined when the file is not classic pcap. */
function pcapHeader(head: Buffer): { le: boolean; nsPerFrac: number; linkType: number; recordLimit: number } | undefined {
  if (head.length < PCAP_FILE_HEADER_BYTES) return undefined;
  const magic = u32be(head, 0);
  const le = magic === PCAP_MICRO_SWAPPED || magic === PCAP_NANO_SWAPPED;
  if (!le && magic !== PcapMagic.Microseconds && magic !== PcapMagic.Nanoseconds) return undefined;
  const major = le ? head.readUInt16LE(4) : head.readUInt16BE(4);
  // Versions before 2 are refused by the push parser; it says so, in its words.
  if (major < 2) return undefined;
  const snapLen = le ? u32le(head, 16) : u32be(head, 16);
  return {
    le,
    nsPerFrac: magic === PcapMagic.Nanoseconds || magic === PCAP_NANO_SWAPPED ? 1 : 1000,
    linkType: (le ? u32le(head, 20) : u32be(head, 20)) & PCAP_LINK_TYPE_MASK,
    recordLimit: recordLimitForSnapLen(snapLen),
  };
}

/** Reads the push parser's error for `path` (it reads to the same damage), or undefined when it finds none. */
async function pushParserError(path: string): Promise<unknown> {
  try {
    for await (const batch of readCapture(path).batches()) void batch;
  } catch (e) {
    return e;
  }
  return undefined;
}

/**
 * Reads `path` as batches of frame columns, in file order; no batch is empty.
 * @throws what readCapture throws, word for word: FileNotFoundError for a missing file, CaptureFormatError
 * for a damaged one (after every batch before the damage).
 * @example
 * for await (const b of readFrameColumns('trace.pcap')) for (let i = 0; i < b.count; i++) total += b.capturedLength[i];
 */
export async function* readFrameColumns(path: string, options: FrameColumnsOptions = {}): AsyncGenerator<FrameColumns> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    // A missing or unreadable file: the same error as every other reader gives.
    throw (await pushParserError(path)) ?? e;
  }
  let damaged = false;
  try {
    const head = Buffer.alloc(PCAP_FILE_HEADER_BYTES);
    const header = pcapHeader(head.subarray(0, readSync(fd, head, 0, PCAP_FILE_HEADER_BYTES, 0)));
    if (header === undefined) {
      closeSync(fd);
      fd = -1;
      yield* columnsFromPushParser(path, maxFrames);
      return;
    }
    const { le, nsPerFrac, linkType, recordLimit } = header;
    const buf = Buffer.allocUnsafe(Math.max(chunkBytes, PCAP_RECORD_HEADER_BYTES + recordLimit));
    const columns = emptyColumns(maxFrames, buf);
    let filePos = PCAP_FILE_HEADER_BYTES;
    let have = 0; // valid bytes in buf
    let off = 0; // next record in buf
    let index = 0;
    let baseSec = 0;
    let baseFracNs = 0;
    let eof = false;
    for (;;) {
      // Move the unfinished record to the front and fill the rest of the buffer.
      if (!eof && have - off < PCAP_RECORD_HEADER_BYTES + recordLimit) {
        if (columns.count > 0) {
          yield columns;
          columns.firstIndex = index + 1;
          columns.count = 0;
        }
        if (off > 0) {
          buf.copy(buf, 0, off, have);
          have -= off;
          off = 0;
        }
        while (have < buf.length) {
          const n = readSync(fd, buf, have, buf.length - have, filePos);
          if (n === 0) {
            eof = true;
            break;
          }
          have += n;
          filePos += n;
        }
      }
      let count = columns.count;
      const { dataOffset, capturedLength, originalLength, timeNs, linkType: linkTypes } = columns;
      // The hot loop: numbers into columns, nothing allocated.
      while (count < maxFrames && have - off >= PCAP_RECORD_HEADER_BYTES) {
        const capLen = le ? u32le(buf, off + 8) : u32be(buf, off + 8);
        if (capLen > recordLimit) {
          damaged = true;
          break;
        }
        const next = off + PCAP_RECORD_HEADER_BYTES + capLen;
        if (next > have) break;
        const sec = le ? u32le(buf, off) : u32be(buf, off);
        const fracNs = (le ? u32le(buf, off + 4) : u32be(buf, off + 4)) * nsPerFrac;
        if (index === 0) {
          baseSec = sec;
          baseFracNs = fracNs;
          columns.baseNs = BigInt(sec) * 1_000_000_000n + BigInt(fracNs);
        }
        dataOffset[count] = off + PCAP_RECORD_HEADER_BYTES;
        capturedLength[count] = capLen;
        originalLength[count] = le ? u32le(buf, off + 12) : u32be(buf, off + 12);
        timeNs[count] = (sec - baseSec) * NS_PER_SEC + (fracNs - baseFracNs);
        linkTypes[count] = linkType;
        count++;
        index++;
        off = next;
      }
      columns.count = count;
      if (damaged) {
        if (count > 0) yield columns;
        break;
      }
      if (count === maxFrames) {
        yield columns;
        columns.firstIndex = index + 1;
        columns.count = 0;
        continue;
      }
      if (eof && have - off < PCAP_RECORD_HEADER_BYTES + recordLimit) {
        if (columns.count > 0) yield columns;
        // Bytes left over: a record cut short by the end of the file.
        damaged = off < have;
        break;
      }
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  if (damaged) {
    const error = await pushParserError(path);
    throw error ?? new CaptureFormatError(`${path}: damaged capture (the columnar reader stopped where the push parser did not)`);
  }
}

/** Any other input (pcapng, gzip): the push parser's frames copied into columns. */
async function* columnsFromPushParser(path: string, maxFrames: number): AsyncGenerator<FrameColumns> {
  let bytes = Buffer.allocUnsafe(DEFAULT_CHUNK_BYTES);
  const columns = emptyColumns(maxFrames, bytes);
  let used = 0;
  let index = 0;
  for await (const batch of readCapture(path).batches()) {
    for (const f of batch) {
      if (columns.count === maxFrames || used + f.data.length > bytes.length) {
        if (columns.count > 0) yield columns;
        columns.firstIndex = index + 1;
        columns.count = 0;
        used = 0;
        if (f.data.length > bytes.length) bytes = columns.bytes = Buffer.allocUnsafe(f.data.length);
      }
      if (index === 0) columns.baseNs = f.timestampNs;
      const i = columns.count++;
      f.data.copy(bytes, used);
      columns.dataOffset[i] = used;
      columns.capturedLength[i] = f.data.length;
      columns.originalLength[i] = f.originalLength;
      columns.timeNs[i] = Number(f.timestampNs - columns.baseNs);
      columns.linkType[i] = f.linkType;
      columns.interfaceId[i] = f.interfaceId;
      used += f.data.length;
      index++;
    }
  }
  if (columns.count > 0) yield columns;
}
