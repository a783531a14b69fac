/**
 * finding-store.ts: findings kept as compact columns (18 bytes each instead of two objects), so a capture
 * with millions of expert items stays small in memory; Finding objects are made again only when read.
 * Given a spill (the CLI gives an unlinked temporary file), only the newest blocks stay in memory and the
 * older ones go there, so memory stays flat whatever the capture's size. Pure; the spill does the I/O.
 */
import { Expert } from '../analysis/expert.js';
import type { ExpertId, Finding, FindingDetail } from '../analysis/expert.js';

/** Findings per column block: blocks are added, never copied, as the store grows. */
const BLOCK = 1 << 16;
/** One block's bytes: frame, stream, a, b (4 bytes each), id, kind (1 byte each) per finding. */
export const FINDING_BLOCK_BYTES = 18 * BLOCK;
const NO_STREAM = -1;
/** Blocks kept in memory when spilling (about 19 MB). */
const RESIDENT_BLOCKS = 16;

// How a finding's detail is stored: the two shapes tcp-findings.ts makes in columns, anything else aside.
const DetailKind = { None: 0, ServerPort: 1, DupAck: 2, Other: 3 } as const;

/** Where full blocks go when too many are in memory; block k's bytes are the k-th append. */
export interface FindingSpill {
  /** Appends one block's FINDING_BLOCK_BYTES bytes. */
  append(bytes: Uint8Array): void;
  /** Reads the bytes of the `block`-th append into `into`. */
  readBlock(block: number, into: Uint8Array): void;
  /** Releases the spill (its file). */
  close(): void;
}

interface Block {
  readonly bytes: Uint8Array;
  readonly frame: Uint32Array;
  readonly stream: Int32Array;
  readonly a: Uint32Array;
  readonly b: Uint32Array;
  readonly id: Uint8Array;
  readonly kind: Uint8Array;
}

/** A block's columns as views of one buffer, so a block is spilled and read back as one piece. */
function newBlock(): Block {
  const buffer = new ArrayBuffer(FINDING_BLOCK_BYTES);
  return {
    bytes: new Uint8Array(buffer),
    frame: new Uint32Array(buffer, 0, BLOCK),
    stream: new Int32Array(buffer, 4 * BLOCK, BLOCK),
    a: new Uint32Array(buffer, 8 * BLOCK, BLOCK),
    b: new Uint32Array(buffer, 12 * BLOCK, BLOCK),
    id: new Uint8Array(buffer, 16 * BLOCK, BLOCK),
    kind: new Uint8Array(buffer, 17 * BLOCK, BLOCK),
  };
}

// -0 is kept aside with the odd shapes: a typed column would give it back as 0.
const isU32 = (n: number | undefined): n is number => n !== undefined && n >>> 0 === n && !Object.is(n, -0);

/** Only the keys given, in this order: then the object made again is the one stored, key for key. */
function onlyKeys(detail: FindingDetail, keys: readonly string[]): boolean {
  const own = Object.keys(detail);
  return own.length === keys.length && own.every((k, i) => k === keys[i]);
}

/** An append-only list of findings in columns. */
export interface FindingStore extends Iterable<Finding> {
  readonly length: number;
  push(finding: Finding): void;
  /** The i-th finding (0-based), as a new object equal to the one pushed. */
  at(i: number): Finding;
  /** Releases the spill, if any; the store is not read after. */
  close(): void;
}

/**
 * Creates an empty store.
 * @param spill where blocks older than the newest RESIDENT_BLOCKS go; without one, all stay in memory
 */
export function createFindingStore(spill?: FindingSpill): FindingStore {
  const ids = Object.keys(Expert) as ExpertId[];
  const idIndex = new Map<string, number>(ids.map((id, i) => [id, i]));
  /** Block k, or undefined once it went to the spill. */
  const blocks: (Block | undefined)[] = [];
  let spilledBlocks = 0;
  /** The last block read back from the spill. */
  let cached: { index: number; block: Block } | undefined;
  const blockAt = (k: number): Block => {
    const resident = blocks[k];
    if (resident !== undefined) return resident;
    if (cached?.index !== k) {
      const block = cached?.block ?? newBlock();
      spill!.readBlock(k, block.bytes);
      cached = { index: k, block };
    }
    return cached.block;
  };
  /** Findings whose id is not in the table or whose detail has another shape, by position. */
  const aside = new Map<number, Finding>();
  let length = 0;
  const store: FindingStore = {
    get length() {
      return length;
    },
    push(finding: Finding): void {
      const n = length++;
      const slot = n & (BLOCK - 1);
      if (slot === 0) {
        blocks.push(newBlock());
        // Full blocks beyond the resident ones go to the spill, oldest first (they are written in order).
        if (spill !== undefined && blocks.length - spilledBlocks > RESIDENT_BLOCKS) {
          spill.append(blocks[spilledBlocks]!.bytes);
          blocks[spilledBlocks++] = undefined;
        }
      }
      const block = blocks[blocks.length - 1]!;
      const id = idIndex.get(finding.id);
      const stream = finding.stream;
      const d = finding.detail;
      let kind: number = DetailKind.Other;
      if (d === undefined) kind = DetailKind.None;
      else if (isU32(d.serverPort) && onlyKeys(d, ['serverPort'])) kind = DetailKind.ServerPort;
      else if (isU32(d.dupAckNum) && isU32(d.dupAckFrame) && onlyKeys(d, ['dupAckNum', 'dupAckFrame'])) kind = DetailKind.DupAck;
      if (id === undefined || kind === DetailKind.Other || !isU32(finding.frame) || (stream !== undefined && ((stream | 0) !== stream || Object.is(stream, -0)))) {
        block.kind[slot] = DetailKind.Other;
        aside.set(n, finding);
        return;
      }
      block.frame[slot] = finding.frame;
      block.stream[slot] = stream === undefined ? NO_STREAM : stream;
      block.id[slot] = id;
      block.kind[slot] = kind;
      if (kind === DetailKind.ServerPort) block.a[slot] = d!.serverPort!;
      else if (kind === DetailKind.DupAck) {
        block.a[slot] = d!.dupAckNum!;
        block.b[slot] = d!.dupAckFrame!;
      }
    },
    at(i: number): Finding {
      if (!(i >= 0 && i < length)) throw new RangeError(`finding ${i} of ${length}`);
      const block = blockAt(i >>> 16);
      const slot = i & (BLOCK - 1);
      const kind = block.kind[slot]!;
      if (kind === DetailKind.Other) return aside.get(i)!;
      const s = block.stream[slot]!;
      const base = { frame: block.frame[slot]!, stream: s === NO_STREAM ? undefined : s, id: ids[block.id[slot]!]! };
      if (kind === DetailKind.ServerPort) return { ...base, detail: { serverPort: block.a[slot]! } };
      if (kind === DetailKind.DupAck) return { ...base, detail: { dupAckNum: block.a[slot]!, dupAckFrame: block.b[slot]! } };
      return base;
    },
    *[Symbol.iterator](): Iterator<Finding> {
      for (let i = 0; i < length; i++) yield store.at(i);
    },
    close(): void {
      spill?.close();
    },
  };
  return store;
}
