import { expect } from 'chai';
import fc from 'fast-check';
import { Expert } from '../../../analyzer/analysis/expert.js';
import type { ExpertId, Finding } from '../../../analyzer/analysis/expert.js';
import { createFindingStore } from '../../../analyzer/core/finding-store.js';

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
  });
});
