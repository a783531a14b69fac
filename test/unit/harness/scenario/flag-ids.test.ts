/**
 * Typed flag ids, zero and upper-bound counts, and failures that explain themselves, on real kernel
 * captures: 05_reorder_ooo_large_irtt resends a segment after one dup ACK (tshark: Out-Of-Order),
 * 02_lost_fast_retrans after enough dup ACKs (tshark: Fast Retransmission).
 */
import * as chai from 'chai';
import { analyzeCapture } from '../../../../analyzer/analyze-capture.js';
import type { Analysis } from '../../../../analyzer/analysis-result.js';
import { chaiWirelab } from '../../../../harness/chai-wirelab.js';
import { atMost, before as beforeFlag, count, exactly, FLAG_IDS, resolveFlagId } from '../../../../harness/scenario/expect.js';

chai.use(chaiWirelab);
const { expect } = chai;
const kernel = new URL('../../../fixtures/captures/kernel/', import.meta.url).pathname;

describe('unit', () => {
  describe('flag ids, bounds and explanations', () => {
    let ooo: Analysis;
    let fast: Analysis;
    before(async () => {
      ooo = await analyzeCapture(`${kernel}05_reorder_ooo_large_irtt.pcap`);
      fast = await analyzeCapture(`${kernel}02_lost_fast_retrans.pcap`);
    });

    it('rejects a misspelt id at run time with a suggestion and the known names (JS users)', () => {
      const typo = 'fast_retransmision' as Parameters<typeof count>[0];
      expect(() => count(typo, { exactly: 1 })).to.throw(/^unknown flag id "fast_retransmision" \(did you mean fast_retransmission\?\); known: retransmission, fast_retransmission, /);
      expect(() => beforeFlag('duplicate_ack', 'tcp.analysis.nope' as Parameters<typeof count>[0])).to.throw(/unknown flag id "tcp.analysis.nope"/);
      expect(() => expect(ooo).to.have.flag('zero_windw' as Parameters<typeof count>[0])).to.throw(/did you mean zero_window\?/);
    });

    it('makes a misspelt id a type error', () => {
      // @ts-expect-error 'fast_retransmision' is not a tshark flag name
      expect(() => count('fast_retransmision', { atLeast: 1 })).to.throw();
      // The table's ids, full and short, type-check.
      expect(resolveFlagId('tcp.connection.rst')).to.equal('tcp.connection.rst');
      expect(FLAG_IDS).to.include('tcp.analysis.zero_window');
    });

    it('passes exactly(0) and atMost(n) in the DSL and in the chai plugin', () => {
      expect(count('zero_window', exactly(0)).evaluate(ooo).ok).to.equal(true);
      expect(count('out_of_order', atMost(1)).evaluate(ooo).ok).to.equal(true);
      expect(count('out_of_order', exactly(0)).evaluate(ooo).ok).to.equal(false);
      expect(ooo).to.have.flag('zero_window', { exactly: 0 });
      expect(ooo).to.have.flag('out_of_order', { atMost: 1 });
      expect(() => expect(ooo).to.have.flag('zero_window').exactly(0)).to.throw(/use \.flag\('zero_window', \{ exactly: 0 \}\)/);
    });

    it('explains a missing fast retransmission: the resend, its label and why (tshark says Out-Of-Order)', () => {
      const outcome = count('fast_retransmission', { exactly: 1 }).evaluate(ooo);
      expect(outcome.ok).to.equal(false);
      expect(outcome.explanation?.[0]).to.equal('frame 26 resends seq 13033 but only 1 dup ACK preceded it (Wireshark needs 2), so it is Out-Of-Order');
      expect(outcome.explanation?.at(-1)).to.match(/deterministic-loss/);
      expect(outcome.frames).to.include(26);
      expect(() => expect(ooo).to.have.flag('fast_retransmission', { exactly: 1 })).to.throw(/frame 26 resends seq 13033 but only 1 dup ACK/);
    });

    it('explains the other way round: an expected Out-Of-Order that Wireshark calls a Fast Retransmission', () => {
      const outcome = count('out_of_order', { atLeast: 1 }).evaluate(fast);
      expect(outcome.ok).to.equal(false);
      expect(outcome.explanation?.[0]).to.match(/^frame \d+ resends seq \d+ but \d+ dup ACKs of seq \d+ preceded it within 20 ms, so it is a Fast Retransmission$/);
    });

    it('adds no explanation when the count passes or is too high', () => {
      expect(count('fast_retransmission', { exactly: 1 }).evaluate(fast).explanation).to.equal(undefined);
      expect(count('out_of_order', { exactly: 0 }).evaluate(ooo).explanation).to.equal(undefined);
    });
  });
});
