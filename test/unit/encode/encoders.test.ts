import { expect } from 'chai';
import {
  buildTcpDatagram, encodeGtpU, encodeIpv4, encodeMpls, encodeTcpOptions, encodeVlan, fragmentIpv4, fragmentIpv6,
  internetChecksum, parseIp, pseudoHeader,
} from '../../../analyzer/encode/index.js';
import { ConfigError, ErrorCode } from '../../../analyzer/errors.js';
import { TcpFlag } from '../../../analyzer/packet/packet.js';

function expectConfigError(fn: () => unknown, message: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    expect((e as ConfigError).code).to.equal(ErrorCode.Config);
    expect((e as ConfigError).message).to.equal(message);
    return;
  }
  expect.fail('expected a ConfigError');
}

describe('unit', () => {
  describe('encoders', () => {
    it('parses IPv4 and compressed IPv6 addresses', () => {
      expect([...parseIp('198.18.0.1')]).to.deep.equal([198, 18, 0, 1]);
      expect(parseIp('fd00::1:2').toString('hex')).to.equal('fd000000000000000000000000010002');
      expectConfigError(() => parseIp('fd00:::1'), '"fd00:::1" is not an IPv4 or IPv6 address');
    });

    it('writes IPv4 header and TCP checksums that verify to zero', () => {
      for (const v6 of [false, true]) {
        const ip = buildTcpDatagram({
          src: v6 ? 'fd00::1' : '198.18.0.1', dst: v6 ? 'fd00::2' : '198.18.0.2', sport: 1, dport: 2, seq: 3,
          flags: TcpFlag.Syn, payload: Buffer.from('abc'), options: { mss: 1460, windowScale: 7, sackPermitted: true, timestamp: { value: 1, echo: 0 } },
        });
        const hl = v6 ? 40 : 20;
        if (!v6) expect(internetChecksum(ip.subarray(0, 20))).to.equal(0);
        const seg = ip.subarray(hl);
        expect(internetChecksum(pseudoHeader(ip.subarray(v6 ? 8 : 12, v6 ? 24 : 16), ip.subarray(v6 ? 24 : 16, v6 ? 40 : 20), 6, seg.length), seg)).to.equal(0);
      }
    });

    it('lays out SYN options like Linux and pads to a multiple of 4', () => {
      expect(encodeTcpOptions({ mss: 1460, sackPermitted: true, timestamp: { value: 1, echo: 0 }, windowScale: 7 }).toString('hex'))
        .to.equal('020405b40402080a000000010000000001030307');
      expect(encodeTcpOptions({ windowScale: 2 }).toString('hex')).to.equal('01030302');
      expectConfigError(() => encodeTcpOptions({ sack: [[1, 2], [3, 4], [5, 6], [7, 8]], timestamp: { value: 1, echo: 1 } }),
        'tcp options need 48 bytes; at most 40 fit in the header');
    });

    it('fragments IPv4 and IPv6 datagrams into 8-byte-aligned pieces', () => {
      const ip = buildTcpDatagram({ src: '198.18.0.1', dst: '198.18.0.2', sport: 1, dport: 2, seq: 3, flags: TcpFlag.Ack, payload: Buffer.alloc(100), dontFragment: false });
      const f4 = fragmentIpv4(ip, 50);
      expect(f4.map((f) => [f.readUInt16BE(2), f.readUInt16BE(6)])).to.deep.equal([[68, 0x2000], [68, 0x2006], [44, 0x000c]]);
      expect(f4.every((f) => internetChecksum(f.subarray(0, 20)) === 0)).to.equal(true);
      const ip6 = buildTcpDatagram({ src: 'fd00::1', dst: 'fd00::2', sport: 1, dport: 2, seq: 3, flags: TcpFlag.Ack, payload: Buffer.alloc(100) });
      const f6 = fragmentIpv6(ip6, 64, 5);
      expect(f6.map((f) => [f[6], f.readUInt16BE(4), f.readUInt16BE(42), f[40]])).to.deep.equal([[44, 72, 1, 6], [44, 64, 64, 6]]);
      expectConfigError(() => fragmentIpv4(ip, 7), 'fragmentIpv4: fragmentBytes 7 must be at least 8');
    });

    it('validates field ranges at the boundary', () => {
      expectConfigError(() => encodeVlan(Buffer.alloc(0), { vid: 4096, etherType: 0x0800 }), 'vlan id 4096 is out of range; expected 0…4095');
      expectConfigError(() => encodeMpls(Buffer.alloc(0), { labels: [] }), 'mpls: labels must not be empty');
      expectConfigError(() => encodeIpv4(Buffer.alloc(0), { src: '198.18.0.1', dst: '198.18.0.2', protocol: 6, fragmentOffset: 3 }),
        'ipv4 fragment offset 3 must be a multiple of 8 below 65536');
      expectConfigError(() => encodeGtpU(Buffer.alloc(0), { teid: 1, extensions: [{ type: 0x85, content: Buffer.alloc(3) }] }),
        'gtp extension 0x85: content of 3 bytes; content + 2 must be a multiple of 4');
    });

    it('chains GTP-U extension headers with their next-type bytes', () => {
      const g = encodeGtpU(Buffer.from([0x45]), { teid: 0x01020304, sequence: 9, extensions: [{ type: 0x85, content: Buffer.from([1, 2]) }, { type: 0x40, content: Buffer.from([3, 4]) }] });
      expect(g.toString('hex')).to.equal('36ff000d' + '01020304' + '0009' + '00' + '85' + '01010240' + '01030400' + '45');
    });
  });
});
