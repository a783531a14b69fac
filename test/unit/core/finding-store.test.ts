import { expect } from 'chai';
import fc from 'fast-check';
import { Expert } from '../../../analyzer/analysis/expert.js';
import type { ExpertId, Finding } from '../../../analyzer/analysis/expert.js';
import { createFindingStore, FINDING_BLOCK_BYTES, type FindingSpill } from '../../../analyzer/core/finding-store.js';
import { createFileFindingSpill } from '../../../cli/finding-spill.js';

const ids = Object.keys(Expert) as ExpertId[];
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** Findings of every shape the analyzer makes, plus shapes the columns do not hold. */
const finding: fc.Arbitrary<Finding> = fc
  .record({
    frame: fc.oneof(u32, fc.constant(2 ** 40)),
    stream: fc.option(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { nil: undefined }),
    id: fc.constantFrom(...ids),
    detail: fc.oneof(
      fc.constant(undefined),
      fc.record({ serverPort: fc.integer({ min: 0, max: 65535 }) }),
      fc.record({ dupAckNum: u32, dupAckFrame: u32 }),
      fc.record({ message: fc.string() }),
      fc.record({ dupAckNum: fc.double(), dupAckFrame: u32 }),
      fc.record({ dupAckNum: fc.constant(-0), dupAckFrame: u32 }),
    ),
  })
  .map(({ detail, ...rest }) => (detail === undefined ? rest : { ...rest, detail }));

describe('unit', () => {
  describe('finding store', () => {
    it('gives back every finding pushed, key for key and in order (property)', () => {
      fc.assert(
        fc.property(fc.array(finding, { maxLength: 200 }), (findings) => {
          const store = createFindingStore();
          for (const f of findings) store.push(f);
          expect(store.length).to.equal(findings.length);
          const back = [...store];
          expect(back).to.deep.equal(findings);
          expect(back.map((f) => JSON.stringify(f))).to.deep.equal(findings.map((f) => JSON.stringify(f)));
        }),
      );
    });

    it('grows past one column block', () => {
      const store = createFindingStore();
      const n = (1 << 16) * 2 + 5;
      for (let i = 0; i < n; i++) store.push({ frame: i + 1, stream: i % 7, id: 'tcp.analysis.duplicate_ack', detail: { dupAckNum: i, dupAckFrame: i + 1 } });
      expect(store.length).to.equal(n);
      expect(store.at(n - 1)).to.deep.equal({ frame: n, stream: (n - 1) % 7, id: 'tcp.analysis.duplicate_ack', detail: { dupAckNum: n - 1, dupAckFrame: n } });
      expect(() => store.at(n)).to.throw(RangeError);
    });

    it('spills all but the newest blocks and gives every finding back, in order, from memory and from a file', () => {
      // 20 full blocks and part of a 21st: the oldest 5 go to the spill (16 stay resident).
      const n = 20 * 65_536 + 123;
      const make = (i: number) => ({ frame: i + 1, stream: i % 7, id: 'tcp.analysis.duplicate_ack' as const, detail: { dupAckNum: (i % 5) + 1, dupAckFrame: i } });
      const appended: Uint8Array[] = [];
      const inMemory: FindingSpill = {
        append: (bytes) => void appended.push(Uint8Array.from(bytes)),
        readBlock: (block, into) => into.set(appended[block]!),
        close: () => {},
      };
      for (const spill of [inMemory, createFileFindingSpill()]) {
        const store = createFindingStore(spill);
        for (let i = 0; i < n; i++) store.push(make(i));
        let i = 0;
        for (const f of store) {
          if (i % 9973 === 0 || i === n - 1) expect(f).to.deep.equal(make(i));
          i++;
        }
        expect([i, store.at(3).frame, store.at(n - 1).frame]).to.deep.equal([n, 4, n]);
        store.close();
      }
      expect(appended.map((b) => b.length)).to.deep.equal(Array(5).fill(FINDING_BLOCK_BYTES));
    });
  });
});
