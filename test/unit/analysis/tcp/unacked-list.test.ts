/**
 * UnackedList keeps its entries as in-order runs so an ACK can stop early. Its observable results
 * (acks_frame and its time, what stays listed with which start, the oldest entry, the span used for
 * bytes in flight) must equal the plain walk over one array that Wireshark's list amounts to.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_UNACKED_SEGMENTS, UnackedList } from '../../../../analyzer/analysis/tcp/unacked-list.js';
import { seqGt, seqLe } from '../../../../analyzer/packet/seq.js';

interface Entry {
  frame: number;
  seq: number;
  end: number;
  timeNs: number;
}

/** The reference: one array, every ACK walks all of it (the analyzer's walk before the runs). */
class ReferenceList {
  entries: Entry[] = [];

  push(e: Entry): void {
    if (this.entries.length < MAX_UNACKED_SEGMENTS) this.entries.push(e);
  }

  ack(ack: number): Entry | undefined {
    let matched: Entry | undefined;
    const kept: Entry[] = [];
    for (const e of this.entries) {
      if (ack === e.end) {
        matched ??= e;
        continue;
      }
      if (seqGt(ack, e.seq) && seqLe(ack, e.end)) kept.push({ ...e, seq: ack });
      else if (seqGt(e.end, ack)) kept.push(e);
    }
    this.entries = kept;
    return matched;
  }

  span(base: number): [number, number] {
    let first = 0xffffffff;
    let last = 0;
    for (const e of this.entries) {
      first = Math.min(first, (e.seq - base) >>> 0);
      last = Math.max(last, (e.end - base) >>> 0);
    }
    return [first, last];
  }
}

/** The live entries of `list`, oldest first, read through its public fields only. */
function liveEntries(list: UnackedList, ref: ReferenceList): void {
  expect(list.count).to.equal(ref.entries.length);
  if (ref.entries.length === 0) return;
  const oldest = ref.entries[0]!;
  expect(list.frame[list.oldest]).to.equal(oldest.frame);
  expect(list.timeNs[list.oldest]).to.equal(oldest.timeNs);
  for (const base of [0, oldest.seq, (oldest.seq + 0x9000_0000) >>> 0]) {
    list.span(base);
    expect([list.first, list.last]).to.deep.equal(ref.span(base));
  }
}

/** An operation: send `len` bytes at `offset` from the running position, or ACK at `offset`. */
const op = fc.record({
  kind: fc.constantFrom('send', 'send', 'resend', 'ack', 'ack-far'),
  offset: fc.integer({ min: -3000, max: 3000 }),
  len: fc.integer({ min: 1, max: 1500 }),
});

describe('unit', () => {
  describe('UnackedList', () => {
    it('gives the same acks_frame, remaining entries, oldest entry and span as a whole-list walk', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.array(op, { maxLength: 120 }), (isn, ops) => {
          const list = new UnackedList();
          const ref = new ReferenceList();
          let next = isn;
          let frame = 0;
          for (const o of ops) {
            frame++;
            if (o.kind === 'send' || o.kind === 'resend') {
              // New data continues (sometimes after a gap); a resend starts before the position.
              const seq = o.kind === 'send' ? (next + Math.max(0, o.offset)) >>> 0 : (next - Math.abs(o.offset) - 1) >>> 0;
              const end = (seq + o.len) >>> 0;
              const e = { frame, seq, end, timeNs: frame * 1000 };
              list.push(e.frame, e.seq, e.end, e.timeNs);
              ref.push(e);
              if (o.kind === 'send') next = end;
            } else {
              const ack = o.kind === 'ack' ? (next + o.offset) >>> 0 : (next + 0x7000_0000 + o.offset) >>> 0;
              const expected = ref.ack(ack);
              list.ack(ack);
              expect(list.acked).to.equal(expected !== undefined);
              if (expected !== undefined) {
                expect(list.ackedFrame).to.equal(expected.frame);
                expect(list.ackedTimeNs).to.equal(expected.timeNs);
              }
            }
            liveEntries(list, ref);
          }
        }),
        { numRuns: 400 },
      );
    });

    it('keeps the oldest entry and stops listing at the cap', () => {
      const list = new UnackedList();
      for (let i = 0; i < MAX_UNACKED_SEGMENTS + 5; i++) list.push(i + 1, i * 10, i * 10 + 10, i);
      expect(list.count).to.equal(MAX_UNACKED_SEGMENTS);
      list.ack(100);
      expect([list.acked, list.ackedFrame, list.count]).to.deep.equal([true, 10, MAX_UNACKED_SEGMENTS - 10]);
      expect(list.frame[list.oldest]).to.equal(11);
    });
  });
});
