/**
 * hpack.ts: HPACK header decoding (RFC 7541): integers (§5.1), string literals with the Huffman code
 * (§5.2, Appendix B), the static table (Appendix A) and the dynamic table with its size limit (§4).
 * Pure; a malformed block is a thrown HpackError for the caller to catch, never a crash or a hang.
 */
import { HUFFMAN_CODES } from './hpack-huffman-codes.js';

/** A header block that does not decode. */
export class HpackError extends Error {}

/** RFC 7541 Appendix A. */
const STATIC_TABLE: readonly (readonly [string, string])[] = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''],
  ['etag', ''], ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''],
  ['if-modified-since', ''], ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''],
  ['last-modified', ''], ['link', ''], ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''],
  ['proxy-authorization', ''], ['range', ''], ['referer', ''], ['refresh', ''], ['retry-after', ''],
  ['server', ''], ['set-cookie', ''], ['strict-transport-security', ''], ['transfer-encoding', ''],
  ['user-agent', ''], ['vary', ''], ['via', ''], ['www-authenticate', ''],
];

/** A binary tree of the Huffman code: node k has children at 2 entries; leaves hold symbol + 1 negated. */
interface HuffmanTree {
  /** children[2k] / children[2k+1]: next node index (> 0) or −(symbol + 1) for a leaf; 0 = none. */
  readonly children: Int32Array;
}

function buildHuffmanTree(): HuffmanTree {
  const children = new Int32Array(2 * 600);
  let nodes = 1;
  for (let symbol = 0; symbol < HUFFMAN_CODES.length; symbol++) {
    const code = HUFFMAN_CODES[symbol]!;
    let node = 0;
    for (let i = 0; i < code.length; i++) {
      const slot = 2 * node + (code.charCodeAt(i) - 48);
      if (i === code.length - 1) {
        children[slot] = -(symbol + 1);
      } else {
        if (children[slot] === 0) children[slot] = nodes++;
        node = children[slot]!;
      }
    }
  }
  return { children };
}

let tree: HuffmanTree | undefined;

/** RFC 7541 §5.2: decodes a Huffman-coded string; padding must be at most 7 one-bits (the EOS prefix). */
export function huffmanDecode(data: Buffer): Buffer {
  tree ??= buildHuffmanTree();
  const { children } = tree;
  const out: number[] = [];
  let node = 0;
  let depth = 0;
  let allOnes = true;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    for (let b = 7; b >= 0; b--) {
      const bit = (byte >> b) & 1;
      const next = children[2 * node + bit]!;
      depth++;
      allOnes &&= bit === 1;
      if (next < 0) {
        out.push(-next - 1);
        node = 0;
        depth = 0;
        allOnes = true;
      } else if (next === 0) {
        throw new HpackError('invalid Huffman code');
      } else {
        node = next;
      }
    }
  }
  if (depth > 7 || !allOnes) throw new HpackError('invalid Huffman padding');
  return Buffer.from(out);
}

/** One decoded header field. */
export interface HeaderField {
  readonly name: string;
  readonly value: string;
}

/** RFC 7541 §4.1: an entry's size is its name and value lengths plus 32. */
function entrySize(name: string, value: string): number {
  return Buffer.byteLength(name) + Buffer.byteLength(value) + 32;
}

/** The decoder of one direction of a connection (each direction has its own dynamic table). */
export class HpackDecoder {
  /** Newest first. */
  private readonly dynamic: HeaderField[] = [];
  private size = 0;
  /** SETTINGS_HEADER_TABLE_SIZE the peer allowed (4096 by default). */
  private maxSize: number;

  constructor(private readonly protocolMaxSize = 4096) {
    this.maxSize = protocolMaxSize;
  }

  /** The dynamic table, newest first (for tests). */
  get table(): readonly HeaderField[] {
    return this.dynamic;
  }

  /** The table's size in RFC 7541 terms. */
  get tableSize(): number {
    return this.size;
  }

  private evict(): void {
    while (this.size > this.maxSize && this.dynamic.length > 0) {
      const e = this.dynamic.pop()!;
      this.size -= entrySize(e.name, e.value);
    }
  }

  private insert(field: HeaderField): void {
    this.dynamic.unshift(field);
    this.size += entrySize(field.name, field.value);
    this.evict();
  }

  private lookup(index: number): HeaderField {
    if (index === 0) throw new HpackError('index 0');
    if (index <= STATIC_TABLE.length) {
      const [name, value] = STATIC_TABLE[index - 1]!;
      return { name, value };
    }
    const field = this.dynamic[index - STATIC_TABLE.length - 1];
    if (field === undefined) throw new HpackError(`index ${index} is not in the table`);
    return field;
  }

  /** Decodes one complete header block (HEADERS plus CONTINUATION fragments). */
  decode(block: Buffer): HeaderField[] {
    const fields: HeaderField[] = [];
    let p = 0;
    const integer = (prefixBits: number): number => {
      if (p >= block.length) throw new HpackError('truncated integer');
      const max = (1 << prefixBits) - 1;
      let value = block[p++]! & max;
      if (value < max) return value;
      let shift = 0;
      for (;;) {
        if (p >= block.length) throw new HpackError('truncated integer');
        const b = block[p++]!;
        value += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if ((b & 0x80) === 0) break;
        if (shift > 28) throw new HpackError('integer too large');
      }
      return value;
    };
    const string = (): string => {
      if (p >= block.length) throw new HpackError('truncated string');
      const huffman = (block[p]! & 0x80) !== 0;
      const length = integer(7);
      if (p + length > block.length) throw new HpackError('truncated string');
      const raw = block.subarray(p, p + length);
      p += length;
      return (huffman ? huffmanDecode(raw) : raw).toString('latin1');
    };
    while (p < block.length) {
      const b = block[p]!;
      if ((b & 0x80) !== 0) {
        fields.push(this.lookup(integer(7))); // §6.1 indexed
      } else if ((b & 0x40) !== 0) {
        const index = integer(6); // §6.2.1 literal with incremental indexing
        const name = index === 0 ? string() : this.lookup(index).name;
        const field = { name, value: string() };
        fields.push(field);
        this.insert(field);
      } else if ((b & 0x20) !== 0) {
        const size = integer(5); // §6.3 dynamic table size update
        if (size > this.protocolMaxSize) throw new HpackError(`table size ${size} over the limit`);
        this.maxSize = size;
        this.evict();
      } else {
        const index = integer(4); // §6.2.2/§6.2.3 literal without indexing / never indexed
        const name = index === 0 ? string() : this.lookup(index).name;
        fields.push({ name, value: string() });
      }
    }
    return fields;
  }
}
