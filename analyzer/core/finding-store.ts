/**
 * finding-store.ts: findings kept as compact columns (about 18 bytes each instead of two objects),
 * so a capture with millions of expert items stays small in memory; Finding objects are made again
 * only when read. Pure; no I/O.
 */
import { Expert } from '../analysis/expert.js';
import type { ExpertId, Finding, FindingDetail } from '../analysis/expert.js';

/** Findings per column block: blocks are added, never copied, as the store grows. */
const BLOCK = 1 << 16;
const NO_STREAM = -1;

// How a finding's detail is stored: the two shapes tcp-findings.ts makes in columns, anything else aside.
const DetailKind = { None: 0, ServerPort: 1, DupAck: 2, Other: 3 } as const;

interface Block {
  readonly frame: Uint32Array;
  readonly stream: Int32Array;
  readonly id: Uint8Array;
  readonly kind: Uint8Array;
  readonly a: Uint32Array;
  readonly b: Uint32Array;
}

function newBlock(): Block {
  return {
    frame: new Uint32Array(BLOCK),
    stream: new Int32Array(BLOCK),
    id: new Uint8Array(BLOCK),
    kind: new Uint8Array(BLOCK),
    a: new Uint32Array(BLOCK),
    b: new Uint32Array(BLOCK),
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
}

/** Creates an empty store. */
export function createFindingStore(): FindingStore {
  const ids = Object.keys(Expert) as ExpertId[];
  const idIndex = new Map<string, number>(ids.map((id, i) => [id, i]));
  const blocks: Block[] = [];
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
      if (slot === 0) blocks.push(newBlock());
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
      const block = blocks[i >>> 16]!;
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
  };
  return store;
}
