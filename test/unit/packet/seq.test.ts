import { expect } from 'chai';
import { seqDiff, seqGt, seqLe, seqLt, seqAdd } from '../../../analyzer/packet/seq.js';
import { formatIp } from '../../../analyzer/packet/packet.js';

describe('seq', () => {
  it('compares across the 2^32 wrap', () => {
    expect(seqLt(0xfffffff0, 0x10)).to.equal(true);
    expect(seqGt(0x10, 0xfffffff0)).to.equal(true);
    expect(seqLe(5, 5)).to.equal(true);
    expect(seqDiff(0x10, 0xfffffff0)).to.equal(0x20);
    expect(seqAdd(0xffffffff, 2)).to.equal(1);
  });
});

describe('formatIp', () => {
  it('prints IPv4 dotted and IPv6 compressed per RFC 5952', () => {
    expect(formatIp(Buffer.from([198, 18, 0, 1]))).to.equal('198.18.0.1');
    expect(formatIp(Buffer.from('fd000000000000000000000000000001', 'hex'))).to.equal('fd00::1');
    expect(formatIp(Buffer.from('20010db8000000010000000000000001', 'hex'))).to.equal('2001:db8:0:1::1');
  });
});
