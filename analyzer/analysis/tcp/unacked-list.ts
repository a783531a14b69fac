/**
 * unacked-list.ts: one flow's unacknowledged segments (Wireshark's ual list), with the per-ACK walk.
 * Pure state, no I/O; must not import capture/, decode/, harness/ or cap.
 */
import { seqGt as importedSeqGt, seqLe as importedSeqLe } from '../../packet/seq.js';

/** Wireshark keeps at most this many unacknowledged segments per flow (tcp_analyze_sequence_number). */
export const MAX_UNACKED_SEGMENTS = 10_000;

// Module-local copies: under tsx every read of an imported binding is a getter call.
const seqGt = importedSeqGt;
const seqLe = importedSeqLe;

/** Bound of an in-order run's span: well inside 2^31, so mod-2^32 compares within it stay ordered. */
const SPAN = 0x4000_0000;
/** More runs than this (many retransmissions at once) and the list is walked whole instead. */
const MAX_RUNS = 8;
/** Dead slots (acked entries) tolerated before the arrays are compacted, when also half the arrays. */
const COMPACT_AFTER = 16;

/**
 * The unacked segments of one flow, oldest first, with Wireshark's results for an ACK: every entry
 * the ACK completes is removed (the oldest one ending exactly at the ACK is acks_frame), a partly
 * acked one starts at the ACK from then on, the rest stay.
 *
 * Why runs: a retransmission breaks the sequence order, but what was sent before it and after it
 * is each in order. The entries are kept as up to MAX_RUNS chronological *runs*, each in sequence
 * order and spanning less than 2^30: relative to its first start, every start and end is ≥ the
 * previous end. Against an ACK within 2^30 of a run's first start the mod-2^32 compares agree with
 * integer order, so the ACK removes a prefix of the run and leaves every entry after the first one
 * it does not complete untouched: the walk of a run stops there. With more runs (or a run that does
 * not fit) the list becomes one unordered run that each ACK walks whole, until it is back in order.
 */
export class UnackedList {
  /** Segment frame, start, end (incl. SYN/FIN) and time, indexed by slot. */
  readonly frame: number[] = [];
  readonly seq: number[] = [];
  readonly end: number[] = [];
  readonly timeNs: number[] = [];
  /** Live entries. */
  count = 0;
  /** Per run (0 = oldest): first live slot and one past its last slot. Slots between runs are dead. */
  private runHead: number[] = [0];
  private runStop: number[] = [0];
  /** walkAll builds the new runs here, then swaps them in (it still reads the old ones meanwhile). */
  private nextHead: number[] = [0];
  private nextStop: number[] = [0];
  private runs = 0;
  /** False when the list is one run that is not in order (walked whole). */
  private ordered = true;
  /** Outputs of ack(): whether an entry ended exactly at the ACK, its frame (acks_frame) and time. */
  acked = false;
  ackedFrame = 0;
  ackedTimeNs = 0;

  /** Slot of the oldest live entry (valid when count > 0). */
  get oldest(): number {
    return this.runHead[0]!;
  }

  /** Appends a segment occupying sequence space, unless the list is at Wireshark's cap. */
  push(frame: number, seq: number, end: number, timeNs: number): void {
    if (this.count >= MAX_UNACKED_SEGMENTS) return;
    let top: number;
    if (this.count === 0) {
      top = 0;
      this.runs = 1;
      this.runHead[0] = 0;
      this.ordered = ((end - seq) >>> 0) < SPAN;
    } else {
      top = this.runStop[this.runs - 1]!;
      if (top - this.count >= COMPACT_AFTER && (top - this.count) * 2 >= top) top = this.compact();
      const last = this.runs - 1;
      if (this.ordered) {
        const origin = this.seq[this.runHead[last]!]!;
        const lastEnd = (this.end[top - 1]! - origin) >>> 0;
        const start = (seq - origin) >>> 0;
        const stop = (end - origin) >>> 0;
        if (!(lastEnd <= start && start <= stop && stop < SPAN)) {
          if (this.runs < MAX_RUNS && ((end - seq) >>> 0) < SPAN) {
            this.runHead[this.runs] = top;
            this.runs++;
          } else {
            top = this.compact();
            this.runs = 1;
            this.runHead[0] = 0;
            this.ordered = false;
          }
        }
      }
    }
    this.frame[top] = frame;
    this.seq[top] = seq;
    this.end[top] = end;
    this.timeNs[top] = timeNs;
    this.runStop[this.runs - 1] = top + 1;
    this.count++;
  }

  /**
   * Removes what `ack` acknowledges (spec §6 B1.5). Sets acked, ackedFrame and ackedTimeNs from the
   * oldest entry ending exactly at `ack` (Wireshark walks newest first and keeps the last match).
   */
  ack(ack: number): void {
    this.acked = false;
    if (this.count === 0) return;
    const seqs = this.seq;
    const ends = this.end;
    let fast = this.ordered;
    for (let r = 0; fast && r < this.runs; r++) {
      if (((ack - seqs[this.runHead[r]!]! + SPAN) >>> 0) >= 2 * SPAN) fast = false;
    }
    if (!fast) {
      this.walkAll(ack);
      return;
    }
    let runs = 0;
    let removed = 0;
    for (let r = 0; r < this.runs; r++) {
      let i = this.runHead[r]!;
      const stop = this.runStop[r]!;
      const first = i;
      for (; i < stop; i++) {
        const e = ends[i]!;
        if (ack === e) {
          if (!this.acked) this.note(i);
          continue;
        }
        const s = seqs[i]!;
        if (seqGt(ack, s) && seqLe(ack, e)) {
          seqs[i] = ack;
          break;
        }
        if (seqGt(e, ack)) break;
      }
      removed += i - first;
      // Emptied runs are dropped; the rest move down (runs ≤ MAX_RUNS, so this is a few moves).
      if (i < stop) {
        this.runHead[runs] = i;
        this.runStop[runs] = stop;
        runs++;
      }
    }
    this.runs = runs;
    this.count -= removed;
  }

  /**
   * Lowest start and highest end of the live entries relative to `base`, as unsigned offsets
   * (bytes in flight, spec §6 B1.6): `first` and `last` after the call. Needs count > 0.
   */
  span(base: number): void {
    const seqs = this.seq;
    const ends = this.end;
    let first = 0xffffffff;
    let last = 0;
    for (let r = 0; r < this.runs; r++) {
      const head = this.runHead[r]!;
      const stop = this.runStop[r]!;
      let s = (seqs[head]! - base) >>> 0;
      let e = (ends[stop - 1]! - base) >>> 0;
      // An in-order run that does not wrap past `base` has its lowest start first and highest end last.
      if (!this.ordered || s > e) {
        for (let i = head; i < stop; i++) {
          const si = (seqs[i]! - base) >>> 0;
          const ei = (ends[i]! - base) >>> 0;
          if (si < s) s = si;
          if (ei > e) e = ei;
        }
      }
      if (s < first) first = s;
      if (e > last) last = e;
    }
    this.first = first;
    this.last = last;
  }

  /** Outputs of span(). */
  first = 0;
  last = 0;

  private note(i: number): void {
    this.acked = true;
    this.ackedFrame = this.frame[i]!;
    this.ackedTimeNs = this.timeNs[i]!;
  }

  /** The walk over every live entry, compacting in place and rebuilding the runs as it goes. */
  private walkAll(ack: number): void {
    const frames = this.frame;
    const seqs = this.seq;
    const ends = this.end;
    const times = this.timeNs;
    const runs = this.runs;
    const nextHead = this.nextHead;
    const nextStop = this.nextStop;
    let w = 0;
    let newRuns = 0;
    let ordered = true;
    let origin = 0;
    let prevEnd = 0;
    for (let r = 0; r < runs; r++) {
      const stop = this.runStop[r]!;
      for (let i = this.runHead[r]!; i < stop; i++) {
        const s = seqs[i]!;
        const e = ends[i]!;
        if (ack === e) {
          if (!this.acked) this.note(i);
          continue;
        }
        let keepSeq: number;
        if (seqGt(ack, s) && seqLe(ack, e)) keepSeq = ack;
        else if (seqGt(e, ack)) keepSeq = s;
        else continue;
        const start = (keepSeq - origin) >>> 0;
        const stopRel = (e - origin) >>> 0;
        if (w === 0 || !(prevEnd <= start && start <= stopRel && stopRel < SPAN)) {
          // A new run starts here (the first entry, or one out of order with the run before).
          if (((e - keepSeq) >>> 0) >= SPAN || newRuns === MAX_RUNS) ordered = false;
          else {
            nextHead[newRuns] = w;
            if (newRuns > 0) nextStop[newRuns - 1] = w;
            newRuns++;
          }
          origin = keepSeq;
          prevEnd = (e - origin) >>> 0;
        } else {
          prevEnd = stopRel;
        }
        frames[w] = frames[i]!;
        seqs[w] = keepSeq;
        ends[w] = e;
        times[w] = times[i]!;
        w++;
      }
    }
    this.count = w;
    if (w === 0) {
      this.runs = 0;
      this.ordered = true;
    } else if (ordered) {
      nextStop[newRuns - 1] = w;
      this.nextHead = this.runHead;
      this.nextStop = this.runStop;
      this.runHead = nextHead;
      this.runStop = nextStop;
      this.runs = newRuns;
      this.ordered = true;
    } else {
      this.runs = 1;
      this.runHead[0] = 0;
      this.runStop[0] = w;
      this.ordered = false;
    }
  }

  /**
   * Moves the live entries to slots 0…count−1 (runs kept); returns the new top. The arrays keep
   * their length: truncating them made V8 shrink and regrow the backing stores (3× slower pushes).
   */
  private compact(): number {
    const frames = this.frame;
    const seqs = this.seq;
    const ends = this.end;
    const times = this.timeNs;
    let w = 0;
    for (let r = 0; r < this.runs; r++) {
      const stop = this.runStop[r]!;
      const head = this.runHead[r]!;
      this.runHead[r] = w;
      for (let i = head; i < stop; i++) {
        frames[w] = frames[i]!;
        seqs[w] = seqs[i]!;
        ends[w] = ends[i]!;
        times[w] = times[i]!;
        w++;
      }
      this.runStop[r] = w;
    }
    return w;
  }
}
