import { expect } from 'chai';
import { before as beforeFlag, count, evaluateExpectations, handshakes, resolveFlagId, parallel, teardown, tls, transferred } from '../../../../harness/scenario/expect.js';
import { analysisOf, conversation, finding } from './analysis-fixture.js';

const TLS12 = { version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' };
const analysis = analysisOf(
  [finding(10, 'tcp.analysis.duplicate_ack'), finding(11, 'tcp.analysis.duplicate_ack'), finding(12, 'tcp.analysis.fast_retransmission'), finding(12, 'tcp.analysis.retransmission')],
  [conversation(0, 'fin-close', TLS12, 300_000), conversation(1, 'fin-then-rst', TLS12, 0)],
  [{ client: '198.18.0.1', server: '198.18.0.2:443', streams: [0, 1], idleStreams: [1] }],
);

describe('unit', () => {
  describe('resolveFlagId', () => {
    it('prefixes short names with tcp.analysis. and keeps dotted ids', () => {
      expect([resolveFlagId('duplicate_ack'), resolveFlagId('tcp.connection.rst')]).to.deep.equal(['tcp.analysis.duplicate_ack', 'tcp.connection.rst']);
    });
  });

  describe('count', () => {
    it('passes an exact count and lists the frames it found', () => {
      const outcome = count('fast_retransmission', { exactly: 1 }).evaluate(analysis);
      expect(outcome).to.deep.equal({ ok: true, expected: 'exactly 1 tcp.analysis.fast_retransmission', found: '1 (frame 12)', tolerance: '', frames: [12] });
    });
    it('fails with expected, found and the tolerance of a range', () => {
      const outcome = count('duplicate_ack', { atLeast: 3, atMost: 5 }).evaluate(analysis);
      expect(outcome).to.include({ ok: false, expected: '3 to 5 tcp.analysis.duplicate_ack', found: '2 (frames 10, 11)', tolerance: '3..5' });
    });
    it('counts zero findings as "none"', () => {
      expect(count('lost_segment', { exactly: 0 }).evaluate(analysis)).to.include({ ok: true, found: '0 (none)' });
    });
    it('rejects a bound with both exactly and atLeast', () => {
      expect(() => count('duplicate_ack', { exactly: 1, atLeast: 1 }))
        .to.throw('count("tcp.analysis.duplicate_ack"): give exactly, or atLeast/atMost, not both')
        .with.property('code', 'ERR_CONFIG');
    });
    it('rejects an empty bound', () => {
      expect(() => count('duplicate_ack', {})).to.throw('count("tcp.analysis.duplicate_ack"): give exactly, atLeast or atMost');
    });
  });

  describe('before', () => {
    it('passes when the first finding of a precedes the first of b', () => {
      expect(beforeFlag('duplicate_ack', 'fast_retransmission').evaluate(analysis)).to.include({ ok: true });
    });
    it('fails, naming both first frames, when the order is reversed', () => {
      expect(beforeFlag('fast_retransmission', 'duplicate_ack').evaluate(analysis)).to.include({
        ok: false,
        found: 'first tcp.analysis.fast_retransmission at frame 12, first tcp.analysis.duplicate_ack at frame 10',
      });
    });
    it('fails when one of the two never occurs', () => {
      expect(beforeFlag('duplicate_ack', 'out_of_order').evaluate(analysis)).to.include({ ok: false });
    });
  });

  describe('teardown', () => {
    it('finds a teardown class in any stream and shows every stream when it fails', () => {
      expect(teardown('any', 'fin-then-rst').evaluate(analysis).ok).to.equal(true);
      expect(teardown(0, 'rst-abort').evaluate(analysis)).to.include({ ok: false, expected: 'stream 0 ends rst-abort', found: 'stream 0: fin-close' });
      expect(teardown('all', 'fin-close').evaluate(analysis).ok).to.equal(false);
    });
    it('rejects an unknown teardown class', () => {
      expect(() => teardown('any', 'fin' as never)).to.throw('teardown("fin"): expected one of fin-close, fin-then-rst, rst-abort, refused, half-open, open');
    });
  });

  describe('tls', () => {
    it('matches version and IANA cipher suite in every stream', () => {
      expect(tls({ ...TLS12, sni: 'lab.wirelab.test', alpn: 'http/1.1' }, 'all').evaluate(analysis).ok).to.equal(true);
    });
    it('fails with what each stream negotiated', () => {
      expect(tls({ version: 'TLS 1.3' }, 0).evaluate(analysis)).to.include({
        ok: false,
        found: 'stream 0: TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 sni=lab.wirelab.test',
      });
    });
  });

  describe('parallel, handshakes, transferred', () => {
    it('recognises a dual connection with one idle stream', () => {
      expect(parallel({ connections: 2, idle: 1 }).evaluate(analysis).ok).to.equal(true);
      expect(parallel({ connections: 2, idle: 0 }).evaluate(analysis)).to.include({ ok: false, found: 'streams [0, 1] idle [1]' });
    });
    it('counts complete handshakes and bytes per direction', () => {
      expect(handshakes({ exactly: 2 }).evaluate(analysis).ok).to.equal(true);
      expect(transferred({ downlinkBytes: { atLeast: 300_000 } }).evaluate(analysis).ok).to.equal(true);
      expect(transferred({ downlinkBytes: { atLeast: 300_001 } }).evaluate(analysis).ok).to.equal(false);
    });
  });

  describe('evaluateExpectations', () => {
    it('turns an expectation that throws into a failed outcome carrying the error', () => {
      const broken = { label: 'broken', evaluate: () => { throw new Error('boom'); } };
      const [result] = evaluateExpectations(analysis, [broken]);
      expect(result!.outcome).to.include({ ok: false, found: 'error: boom' });
    });
  });
});
