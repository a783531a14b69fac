/**
 * Unit tests of the streaming expert tally: its rows must be exactly those of grouping every finding
 * by id and rendered summary, however the tally avoids rendering them.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Expert, renderExpertSummary } from '../../../analyzer/analysis/expert.js';
import type { ExpertId, Finding } from '../../../analyzer/analysis/expert.js';
import { createExpertTally } from '../../../analyzer/report/expert-tally.js';

const SEVERITY_RANK = { error: 0, warn: 1, note: 2, chat: 3 } as const;

/** The plain definition: group by (id, rendered summary), most severe first, then first appearance. */
function referenceRows(findings: readonly Finding[]): { severity: string; group: string; summary: string; count: number }[] {
  const rows = new Map<string, { severity: keyof typeof SEVERITY_RANK; group: string; summary: string; count: number }>();
  for (const f of findings) {
    const summary = renderExpertSummary(f.id, f.detail);
    const key = `${f.id}\u0000${summary}`;
    const row = rows.get(key);
    if (row === undefined) rows.set(key, { severity: Expert[f.id].severity, group: Expert[f.id].group, summary, count: 1 });
    else row.count++;
  }
  return [...rows.values()]
    .map((r, order) => ({ r, order }))
    .sort((a, b) => SEVERITY_RANK[a.r.severity] - SEVERITY_RANK[b.r.severity] || a.order - b.order)
    .map(({ r }) => r);
}

const ids = Object.keys(Expert) as ExpertId[];
const finding: fc.Arbitrary<Finding> = fc
  .record({
    id: fc.constantFrom(...ids),
    dupAckNum: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    dupAckFrame: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
    serverPort: fc.option(fc.constantFrom(80, 443), { nil: undefined }),
    message: fc.option(fc.constantFrom('tcp: cut', 'ipv4: bad'), { nil: undefined }),
    withDetail: fc.boolean(),
  })
  .map(({ id, withDetail, ...values }) => {
    const detail = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
    return withDetail ? { frame: 1, stream: 0, id, detail } : { frame: 1, stream: 0, id };
  });

describe('unit', () => {
  describe('createExpertTally', () => {
    it('gives the rows and counts of grouping every finding by id and rendered summary', () => {
      fc.assert(
        fc.property(fc.array(finding, { maxLength: 60 }), (findings) => {
          const tally = createExpertTally();
          for (const f of findings) tally.add(f);
          expect(tally.rows()).to.deep.equal(referenceRows(findings));
          const counts: Record<string, number> = {};
          for (const f of findings) counts[f.id] = (counts[f.id] ?? 0) + 1;
          expect(tally.counts).to.deep.equal(counts);
        }),
        { numRuns: 300 },
      );
    });

    it('keeps one row per duplicate-ACK number and one for a constant summary, in order of first appearance', () => {
      const tally = createExpertTally();
      const dup = (n: number): Finding => ({ frame: 5, stream: 0, id: 'tcp.analysis.duplicate_ack', detail: { dupAckNum: n, dupAckFrame: 4 } });
      for (const f of [dup(1), dup(2), dup(1), { frame: 6, stream: 0, id: 'tcp.analysis.retransmission' } as const, dup(2), dup(2)]) tally.add(f);
      expect(tally.rows().map((r) => `${r.summary} ×${r.count}`)).to.deep.equal([
        'Duplicate ACK (#1) ×2',
        'Duplicate ACK (#2) ×3',
        'This frame is a (suspected) retransmission ×1',
      ]);
    });
  });
});
