/**
 * pdu-flow.ts: the TLS records that TCP reassembles in one direction of a stream (tshark's multisegment PDUs,
 * spec/tls-analysis.md §3), found by sequence number. Pure data structure; must not import capture/, harness/ or cap.
 */

/** A range of a PDU's kept bytes written by one segment, [offset, end), in arrival order. */
interface PduFragment {
  readonly offset: number;
  readonly end: number;
}

/**
 * One multisegment PDU: a TLS record (or a partial header) that began in one segment and needs later ones.
 * Positions are relative to the flow's base (see `PduFlow.position`).
 */
export interface Pdu {
  start: number;
  /** Exclusive end; for `entireSegment`, the end of the segment that asked, plus one. */
  end: number;
  /** Only part of a header was seen: the whole next segment joins (tshark's DESEGMENT_ONE_MORE_SEGMENT). */
  entireSegment: boolean;
  /** Every byte arrived. A complete PDU stays known: a later segment landing in it is swallowed whole. */
  complete: boolean;
  /**
   * Bytes kept from the front (`Infinity` = all). Only the 5-byte header of an application-data record is
   * parsed again, so its body is tracked by position alone.
   */
  readonly keep: number;
  /** The ranges of the kept bytes that segments wrote, in arrival order; emptied on completion. */
  fragments: PduFragment[];
  /**
   * The kept bytes, a private copy (never a view into a frame): the first segment's part until another
   * segment adds some, then one buffer of the PDU's kept length that later segments write into.
   */
  data: Buffer;
  /** Received ranges relative to `start`, sorted and merged: [from0, to0, from1, to1, …]. */
  readonly covered: number[];
}

/**
 * How many PDUs a direction remembers. tshark keeps every one for the whole capture; a copy of data older
 * than the last 256 records that spanned segments is treated as new data here.
 */
const MAX_PDUS = 256;

/**
 * Positions are unsigned 32-bit distances from a base set 2^30 before the first segment, so copies of data
 * up to 1 GiB older than that segment still sort before it. Past 3 * 2^30 the base moves 2^30 forward.
 */
const INITIAL_POSITION = 2 ** 30;
const REBASE_AT = 3 * 2 ** 30;
const REBASE_SHIFT = 2 ** 30;

/** A private copy of `length` bytes of `src` from `from` (own ArrayBuffer, so it pins nothing else). */
function ownCopy(src: Buffer, from: number, length: number): Buffer {
  const out = Buffer.allocUnsafeSlow(length);
  src.copy(out, 0, from, from + length);
  return out;
}

/** The largest PDU a pooled buffer holds: a TLS record header and the most ciphertext TLS allows (2^14 + 2048). */
export const POOLED_PDU_BYTES = 5 + 16384 + 2048;
/** Smaller PDUs are not worth pooling. */
const MIN_POOLED_BYTES = 1024;

/**
 * Record buffers handed back after their record was parsed and nothing kept a view of them (a decrypted
 * record's plaintext is a fresh buffer), lent again to the next PDU. With keys every application record is
 * reassembled whole; a fresh 16 kB buffer per record cost more than its decryption's bookkeeping. Bounded:
 * it holds at most `limit` buffers, however many connections lend from it.
 */
export class PduBufferPool {
  private readonly free: Buffer[] = [];
  constructor(private readonly limit = 16) {}

  /** A buffer of `length` bytes: a pooled one when the size fits, else a fresh one. */
  take(length: number): Buffer {
    if (length < MIN_POOLED_BYTES || length > POOLED_PDU_BYTES) return Buffer.allocUnsafeSlow(length);
    return (this.free.pop() ?? Buffer.allocUnsafeSlow(POOLED_PDU_BYTES)).subarray(0, length);
  }

  /** Hands back a buffer `take` lent; the caller keeps no view of it. Others are ignored. */
  release(buf: Buffer): void {
    if (buf.buffer.byteLength !== POOLED_PDU_BYTES || buf.byteOffset !== 0 || this.free.length >= this.limit) return;
    this.free.push(Buffer.from(buf.buffer, 0, POOLED_PDU_BYTES));
  }
}

/** True when [from, to) lies inside one range of `covered`. */
function isCovered(covered: readonly number[], from: number, to: number): boolean {
  for (let i = 0; i < covered.length; i += 2) {
    if (covered[i] <= from && to <= covered[i + 1]) return true;
  }
  return false;
}

/** Adds [from, to) to the sorted, merged ranges. */
function cover(covered: number[], from: number, to: number): void {
  // Common case: data arriving in order extends the last range.
  const n = covered.length;
  if (n >= 2 && covered[n - 2] <= from && from <= covered[n - 1]) {
    if (to > covered[n - 1]) covered[n - 1] = to;
    return;
  }
  let i = 0;
  while (i < covered.length && covered[i + 1] < from) i += 2;
  let lo = from;
  let hi = to;
  let j = i;
  while (j < covered.length && covered[j] <= hi) {
    if (covered[j] < lo) lo = covered[j];
    if (covered[j + 1] > hi) hi = covered[j + 1];
    j += 2;
  }
  covered.splice(i, j - i, lo, hi);
}

/**
 * The multisegment PDUs of one TCP direction, sorted by start. A segment is matched as tshark's
 * desegment_tcp does: a PDU starting exactly at the segment's first byte makes it a copy (ignored); else the
 * PDU with the greatest start before it takes the bytes it covers.
 * @example
 * const flow = new PduFlow();
 * const pos = flow.position(seq);
 * const i = flow.indexAtOrBefore(pos);
 */
export class PduFlow {
  /** @param pool lends the buffers PDUs are reassembled in (shared by the flows of one analysis) */
  constructor(private readonly pool = new PduBufferPool(0)) {}

  private base = 0;
  private started = false;
  private readonly pdus: Pdu[] = [];

  /**
   * Position of raw sequence number `seq` in this flow: an unsigned distance that grows with the stream
   * (mod-2^32 arithmetic, like tshark's comparisons of relative sequence numbers).
   */
  position(seq: number): number {
    if (!this.started) {
      this.started = true;
      this.base = (seq - INITIAL_POSITION) >>> 0;
    }
    const pos = (seq - this.base) >>> 0;
    if (pos < REBASE_AT) return pos;
    this.base = (this.base + REBASE_SHIFT) >>> 0;
    let drop = 0;
    for (const p of this.pdus) {
      p.start -= REBASE_SHIFT;
      p.end -= REBASE_SHIFT;
      if (p.start < 0) drop++;
    }
    // PDUs that began before the new base are over a gigabyte old: forget them.
    if (drop > 0) this.pdus.splice(0, drop);
    return pos - REBASE_SHIFT;
  }

  /** Index of the PDU with the greatest start ≤ `pos`, or −1. */
  indexAtOrBefore(pos: number): number {
    const pdus = this.pdus;
    const n = pdus.length;
    if (n === 0) return -1;
    // In-order data lies after the newest PDU's start.
    if (pdus[n - 1].start <= pos) return n - 1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pdus[mid].start <= pos) lo = mid;
      else hi = mid - 1;
    }
    return pdus[lo].start <= pos ? lo : -1;
  }

  /** Hands back the bytes `takePduBytes` gave once their record was parsed and no view of them was kept. */
  releaseBytes(bytes: Buffer): void {
    this.pool.release(bytes);
  }

  /** The PDU at index `i` of `indexAtOrBefore`. */
  at(i: number): Pdu {
    return this.pdus[i];
  }

  /**
   * Records a new PDU whose first `length` bytes are `src[from, from + length)`; copies what it keeps. A PDU
   * with the same start is replaced (tshark re-keys it); the oldest is forgotten past MAX_PDUS.
   */
  add(start: number, end: number, entireSegment: boolean, keep: number, src: Buffer, from: number, length: number): void {
    const kept = Math.min(keep, length);
    // A PDU of known length gets its whole buffer now (later segments write into it); one that waits for
    // "one more segment" keeps only this part until then.
    const total = entireSegment ? kept : Math.min(keep, end - start);
    let data: Buffer;
    if (total > kept) {
      data = this.pool.take(total);
      src.copy(data, 0, from, from + kept);
    } else {
      data = ownCopy(src, from, kept);
    }
    const pdu: Pdu = {
      start,
      end,
      entireSegment,
      complete: false,
      keep,
      fragments: kept > 0 ? [{ offset: 0, end: kept }] : [],
      data,
      covered: [0, length],
    };
    const pdus = this.pdus;
    const i = this.indexAtOrBefore(start);
    if (i >= 0 && pdus[i].start === start) {
      pdus[i] = pdu;
      return;
    }
    pdus.splice(i + 1, 0, pdu);
    if (pdus.length > MAX_PDUS) pdus.shift();
  }
}

/**
 * Stores `src[from, from + length)` at `offset` bytes into an incomplete `pdu`; true when this completed it.
 * Only bytes inside `pdu.keep` that add coverage are copied.
 */
export function addPduBytes(pdu: Pdu, offset: number, src: Buffer, from: number, length: number): boolean {
  const keptEnd = Math.min(pdu.keep, offset + length);
  if (keptEnd > offset && !isCovered(pdu.covered, offset, keptEnd)) writeKept(pdu, offset, keptEnd, src, from);
  cover(pdu.covered, offset, offset + length);
  const c = pdu.covered;
  if (c.length !== 2 || c[0] !== 0 || c[1] < pdu.end - pdu.start) return false;
  pdu.complete = true;
  return true;
}

/**
 * The kept bytes of a PDU that just completed (all of it, or its first `keep` bytes), and releases them.
 * Overlapping copies are laid down in offset order, later offsets last.
 */
export function takePduBytes(pdu: Pdu): Buffer {
  const total = Math.min(pdu.keep, pdu.end - pdu.start);
  const data = pdu.data;
  pdu.fragments = [];
  pdu.data = EMPTY;
  pdu.covered.length = 0;
  return data.length === total ? data : data.subarray(0, total);
}

const EMPTY = Buffer.alloc(0);

/**
 * Writes `src[from…]` as the PDU's kept bytes [offset, end) straight into its one buffer (made, with the
 * first segment's part copied in, when a second segment brings bytes). Where segments overlap, the one that
 * starts later wins, as if every segment's bytes were laid down in order of offset (equal offsets: the later
 * arrival), so resent bytes that differ give the same record whatever order they came in.
 */
function writeKept(pdu: Pdu, offset: number, end: number, src: Buffer, from: number): void {
  const total = Math.min(pdu.keep, pdu.end - pdu.start);
  end = Math.min(end, total);
  if (end <= offset) return;
  if (pdu.data.length < total) {
    const whole = Buffer.allocUnsafeSlow(total);
    pdu.data.copy(whole, 0);
    pdu.data = whole;
  }
  // The parts of [offset, end) no later-starting segment wrote.
  let parts = [offset, end];
  for (const f of pdu.fragments) {
    if (f.offset <= offset || f.offset >= end || parts.length === 0) continue;
    const next: number[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const a = parts[i];
      const b = parts[i + 1];
      if (f.end <= a || f.offset >= b) next.push(a, b);
      else {
        if (a < f.offset) next.push(a, f.offset);
        if (f.end < b) next.push(f.end, b);
      }
    }
    parts = next;
  }
  for (let i = 0; i < parts.length; i += 2) src.copy(pdu.data, parts[i], from + parts[i] - offset, from + parts[i + 1] - offset);
  pdu.fragments.push({ offset, end });
}
