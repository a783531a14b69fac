/** The report's fast paths (no BigInt arithmetic per line) must print exactly what the plain formulas print. */
import { expect } from 'chai';
import fc from 'fast-check';
import type { FrameRecord } from '../../../analyzer/analysis-result.js';
import { formatEpoch, parseEpoch } from '../../../analyzer/report/frame-record.js';
import { formatPacketLine } from '../../../analyzer/report/text.js';

function slowEpoch(ns: bigint): string {
  const negative = ns < 0n;
  const abs = negative ? -ns : ns;
  return `${negative ? '-' : ''}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`;
}

const record = (time_epoch: string): FrameRecord =>
  ({ frame: 1, time_epoch, frame_len: 60, src: null, dst: null, tls: null, stream: null, protocols: 'eth', encap: [], info: 'x' }) as unknown as FrameRecord;

const ns = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 63n }),
  fc.bigInt({ min: 1_700_000_000_000_000_000n, max: 1_700_100_000_000_000_000n }),
  fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
);

describe('unit', () => {
  describe('report fast formatting', () => {
    it('formatEpoch equals the division formula (property)', () => {
      fc.assert(
        fc.property(ns, (t) => {
          expect(formatEpoch(t)).to.equal(slowEpoch(t));
        }),
        { numRuns: 2000 },
      );
    });

    it("formatPacketLine's relative time equals Number(parse − start) / 1e9 (property)", () => {
      fc.assert(
        fc.property(ns, ns, fc.boolean(), (t, start, trim) => {
          // Also epochs with fewer decimals, which parseEpoch accepts.
          const epoch = trim ? formatEpoch(t).replace(/0+$/, '') : formatEpoch(t);
          const rel = Number(parseEpoch(epoch) - start) / 1e9;
          expect(formatPacketLine(record(epoch), start).startsWith(`     1 ${rel.toFixed(6).padStart(11)} `)).to.equal(true);
        }),
        { numRuns: 3000 },
      );
    });
  });
});
