import * as chai from 'chai';
import { chaiWirelab } from '../../../harness/chai-wirelab.js';
import { analysisOf, conversation, finding } from './scenario/analysis-fixture.js';

chai.use(chaiWirelab);
const { expect } = chai;

const analysis = analysisOf(
  [finding(10, 'tcp.analysis.duplicate_ack'), finding(11, 'tcp.analysis.duplicate_ack'), finding(12, 'tcp.analysis.fast_retransmission')],
  [conversation(0, 'fin-then-rst', { version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' })],
  [{ client: '198.18.0.1', server: '198.18.0.2:443', streams: [0, 1], idleStreams: [1] }],
);

describe('unit', () => {
  describe('chaiWirelab', () => {
    it('asserts flag counts with exactly, atLeast and atMost', () => {
      expect(analysis).to.have.flag('fast_retransmission').exactly(1);
      expect(analysis).to.have.flag('tcp.analysis.duplicate_ack').atLeast(2).and.atMost(2);
      expect(analysis).not.to.have.flag('lost_segment');
    });
    it('fails a wrong count with expected and found frames', () => {
      expect(() => expect(analysis).to.have.flag('duplicate_ack').exactly(3)).to.throw('expected exactly 3 tcp.analysis.duplicate_ack, found 2 (frames 10, 11)');
    });
    it('fails a missing flag and a present one under not', () => {
      expect(() => expect(analysis).to.have.flag('out_of_order')).to.throw('expected at least one tcp.analysis.out_of_order, found none');
      expect(() => expect(analysis).not.to.have.flag('fast_retransmission')).to.throw('expected no tcp.analysis.fast_retransmission, found 1 (frames 12)');
    });
    it('asserts teardown, TLS and parallel connections', () => {
      expect(analysis).to.have.teardown('fin-then-rst');
      expect(analysis).to.have.tls({ version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' });
      expect(analysis).to.have.parallelConnections({ connections: 2, idle: 1 });
      expect(() => expect(analysis).to.have.teardown('fin-close', 0)).to.throw('expected stream 0 ends fin-close, found stream 0: fin-then-rst');
    });
    it('refuses a count without a preceding flag and a subject that is not an Analysis', () => {
      expect(() => expect(analysis).to.exactly(1)).to.throw(".exactly(1) must follow .flag(id), e.g. expect(analysis).to.have.flag('duplicate_ack').exactly(1)");
      expect(() => expect(42).to.have.flag('duplicate_ack')).to.throw('expected an Analysis (from analyzeCapture), got 42');
    });
  });
});
