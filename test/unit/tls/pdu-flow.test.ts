// Unit tests of the per-direction multisegment-PDU table (analyzer/analysis/tls/pdu-flow.ts).
import { expect } from 'chai';
import fc from 'fast-check';
import { addPduBytes, PduFlow, takePduBytes } from '../../../analyzer/analysis/tls/pdu-flow.js';

const bytes = (n: number, first = 0): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (first + i) & 0xff));

describe('unit', function () {
  describe('PduFlow', function () {
    it('gives positions that grow with the sequence number across the 2^32 wrap', function () {
      const flow = new PduFlow();
      const p = flow.position(0xffff_fff0);
      expect(flow.position(0x10) - p).to.equal(0x20);
      expect(flow.position(0xffff_ff00) - p).to.equal(-0xf0);
    });

    it('finds the PDU with the greatest start at or before a position', function () {
      const flow = new PduFlow();
      const base = flow.position(5000);
      const src = bytes(10);
      flow.add(base + 100, base + 200, false, Infinity, src, 0, 10);
      flow.add(base + 300, base + 400, false, Infinity, src, 0, 10);
      flow.add(base + 200, base + 300, false, Infinity, src, 0, 10);
      expect(flow.indexAtOrBefore(base + 99)).to.equal(-1);
      expect([150, 200, 299, 300, 1000].map((d) => flow.at(flow.indexAtOrBefore(base + d)).start - base)).to.deep.equal([100, 200, 200, 300, 300]);
    });

    it('replaces a PDU that starts at the same position', function () {
      const flow = new PduFlow();
      const base = flow.position(1);
      flow.add(base, base + 100, false, Infinity, bytes(10), 0, 10);
      flow.add(base, base + 50, true, Infinity, bytes(3), 0, 3);
      const pdu = flow.at(flow.indexAtOrBefore(base + 10));
      expect([pdu.end - base, pdu.entireSegment, flow.indexAtOrBefore(base - 1)]).to.deep.equal([50, true, -1]);
    });

    it('forgets the oldest PDU beyond 256 per direction', function () {
      const flow = new PduFlow();
      const base = flow.position(1);
      for (let i = 0; i <= 256; i++) flow.add(base + i * 10, base + i * 10 + 10, false, Infinity, bytes(5), 0, 5);
      expect(flow.indexAtOrBefore(base + 5)).to.equal(-1);
      expect(flow.at(flow.indexAtOrBefore(base + 15)).start).to.equal(base + 10);
    });

    it('keeps private copies, never views of the source', function () {
      const flow = new PduFlow();
      const base = flow.position(1);
      const src = bytes(100);
      flow.add(base, base + 300, false, Infinity, src, 10, 90);
      const pdu = flow.at(0);
      expect(pdu.data.buffer).to.not.equal(src.buffer);
      expect(pdu.data.buffer.byteLength).to.equal(pdu.data.length);
      expect(addPduBytes(pdu, 90, src, 0, 100)).to.equal(false);
      expect(pdu.data.buffer).to.not.equal(src.buffer);
      expect(pdu.data.buffer.byteLength).to.equal(pdu.data.length);
    });
  });

  describe('addPduBytes / takePduBytes', function () {
    it('completes only when every byte arrived, in any order, and joins the bytes in place', function () {
      const flow = new PduFlow();
      const base = flow.position(1);
      const all = bytes(300);
      flow.add(base, base + 300, false, Infinity, all, 0, 100);
      const pdu = flow.at(0);
      expect(addPduBytes(pdu, 200, all, 200, 100)).to.equal(false);
      expect(pdu.covered).to.deep.equal([0, 100, 200, 300]);
      expect(addPduBytes(pdu, 150, all, 150, 20)).to.equal(false);
      expect(pdu.covered).to.deep.equal([0, 100, 150, 170, 200, 300]);
      expect(addPduBytes(pdu, 90, all, 90, 110)).to.equal(true);
      expect(pdu.complete).to.equal(true);
      expect(takePduBytes(pdu).equals(all)).to.equal(true);
      expect([pdu.fragments.length, pdu.covered.length]).to.deep.equal([0, 0]);
    });

    it('keeps only the first `keep` bytes and tracks the rest by position', function () {
      const flow = new PduFlow();
      const base = flow.position(1);
      const all = bytes(16_405, 7);
      flow.add(base, base + all.length, false, 5, all, 0, 1448);
      const pdu = flow.at(0);
      for (let at = 1448; at < all.length; at += 1448) addPduBytes(pdu, at, all, at, Math.min(1448, all.length - at));
      // Only the header copied at creation is kept.
      expect(pdu.fragments).to.deep.equal([{ offset: 0, end: 5 }]);
      expect(pdu.data.length).to.equal(5);
      expect(pdu.complete).to.equal(true);
      expect(takePduBytes(pdu).equals(all.subarray(0, 5))).to.equal(true);
    });

    it('lays overlapping resends down as if in order of offset, later offsets last, whatever their arrival (property)', function () {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 200 }),
          fc.array(fc.record({ offset: fc.nat(199), length: fc.integer({ min: 1, max: 80 }), fill: fc.integer({ min: 1, max: 255 }) }), { maxLength: 12 }),
          (first, pieces) => {
            const total = 200;
            const flow = new PduFlow();
            const base = flow.position(1);
            flow.add(base, base + total, false, Infinity, Buffer.alloc(first, 0), 0, Math.min(first, total));
            const pdu = flow.at(0);
            // The reference: every piece that added coverage, sorted by offset (stably), laid down in turn.
            const laid: { offset: number; data: Buffer }[] = [{ offset: 0, data: Buffer.alloc(Math.min(first, total), 0) }];
            const covered: [number, number][] = [[0, Math.min(first, total)]];
            let complete = false;
            for (const p of pieces) {
              if (complete) break;
              const length = Math.min(p.length, total - p.offset);
              const data = Buffer.alloc(length, p.fill);
              let isCovered = true;
              for (let i = p.offset; i < p.offset + length && isCovered; i++) isCovered = covered.some(([a, b]) => a <= i && i < b);
              if (!isCovered) laid.push({ offset: p.offset, data });
              covered.push([p.offset, p.offset + length]);
              complete = addPduBytes(pdu, p.offset, data, 0, length);
            }
            if (!complete) return;
            const expected = Buffer.alloc(total);
            for (const f of [...laid].sort((a, b) => a.offset - b.offset)) f.data.copy(expected, f.offset);
            expect(takePduBytes(pdu).equals(expected)).to.equal(true);
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
