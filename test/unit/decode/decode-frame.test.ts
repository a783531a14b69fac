import { expect } from 'chai';
import { decodeFrame, DecodeLimits } from '../../../analyzer/decode/index.js';
import {
  buildTcpDatagram, buildTcpFrame, ciscoHdlcEncap, encodeEthernet, encodeGre, encodeGtpU, encodeIpv4, encodeIpv6,
  encodeMpls, encodeTcp, encodeUdp, encodeVlan, erspanEncap, ethernetEncap, geneveEncap, greEncap, greWlanEncap,
  gtpUEncap, ipInIpv4Encap, ipInIpv6Encap, loopbackEncap, mplsEncap, pppEncap, pppoeEncap, rawEncap, sllEncap,
  vxlanEncap, wlanEncap, encodeRadiotap, encodeIeee80211Data,
} from '../../../analyzer/encode/index.js';
import type { Encapsulation, TcpFrameSpec } from '../../../analyzer/encode/index.js';
import { LinkType } from '../../../analyzer/packet/frame.js';
import { EtherType, formatIp, IpProtocol, TcpFlag } from '../../../analyzer/packet/packet.js';
import type { Packet } from '../../../analyzer/packet/packet.js';
import { frameOf } from './frame-shim.js';

const SYN: TcpFrameSpec = {
  src: '198.18.0.1', dst: '198.18.0.2', sport: 40000, dport: 443, seq: 0xfffffff0, ack: 0, flags: TcpFlag.Syn,
  window: 64240, options: { mss: 1460, sackPermitted: true, timestamp: { value: 7, echo: 0 }, windowScale: 7 },
};

function decode(e: Encapsulation, spec: Partial<TcpFrameSpec> = {}): Packet {
  return decodeFrame(frameOf(buildTcpFrame({ ...SYN, ...spec, encap: e }), e.linkType));
}

function codes(p: Packet): string[] {
  return p.issues.map((i) => `${i.code}:${i.layer}`);
}

describe('unit', () => {
  describe('decodeFrame', () => {
    it('decodes a hex Ethernet/IPv4/TCP SYN captured by tcpdump', () => {
      // 02:10:54.280086 IP 198.18.0.1.50306 > 198.18.0.2.41000: Flags [S], seq 3802283180, win 64240,
      //   options [mss 1460,sackOK,TS val 1871310199 ecr 0,nop,wscale 10], length 0
      // (frame 1 of test/fixtures/captures/kernel/01_handshake_fin_close.pcap, tcpdump -xx)
      const hex =
        '1ee4f5e4e0f3529139957735080045000 03c9bf44000400612a0c6120001c612' +
        '0002c482a028e2a23cac00000000a002 faf0dfe800000204 05b40402080a6f89' +
        'ed77000000000103030a';
      const p = decodeFrame(frameOf(Buffer.from(hex.replaceAll(' ', ''), 'hex'), LinkType.Ethernet));
      expect(p.layers).to.deep.equal(['eth', 'ipv4', 'tcp']);
      expect(p.issues).to.deep.equal([]);
      expect(formatIp(p.ip!.src)).to.equal('198.18.0.1');
      expect(p.ip).to.include({ identification: 39924, ttl: 64, dontFragment: true, totalLength: 60 });
      expect(p.tcp).to.include({ srcPort: 50306, dstPort: 41000, seq: 3802283180, ack: 0, flags: TcpFlag.Syn, windowRaw: 64240, headerLength: 40, segmentLength: 0, checksum: 0xdfe8 });
      expect(p.tcp!.options).to.deep.equal({ mss: 1460, sackPermitted: true, timestamp: { value: 1871310199, echo: 0 }, windowScale: 10 });
    });

    it('decodes every TCP option kind it knows, including both TFO forms', () => {
      const p = decode(ethernetEncap(), {
        flags: TcpFlag.Ack,
        options: { sack: [[1, 2], [3, 4]], fastOpenCookie: Buffer.from('0102030405060708', 'hex') },
      });
      expect(p.tcp!.options.sackBlocks).to.deep.equal([[1, 2], [3, 4]]);
      expect(p.tcp!.options.fastOpenCookie!.toString('hex')).to.equal('0102030405060708');
      const exp = decode(ethernetEncap(), { options: { raw: Buffer.from('fe08f989aabbccdd', 'hex') } });
      expect(exp.tcp!.options.fastOpenCookie!.toString('hex')).to.equal('aabbccdd');
    });

    it('records a bad-option issue and keeps the options before a bad length', () => {
      const p = decode(ethernetEncap(), { options: { mss: 1400, raw: Buffer.from([3, 4, 7, 0]) } });
      expect(p.tcp!.options).to.deep.equal({ mss: 1400 });
      expect(p.issues).to.deep.equal([{ code: 'bad-option', layer: 'tcp', offset: 58, message: 'frame 1: tcp option 3 has length 4; expected 3' }]);
      const over = decode(ethernetEncap(), { options: { raw: Buffer.from([8, 40, 0, 0]) } });
      expect(codes(over)).to.deep.equal(['bad-option:tcp']);
    });

    it('counts segment length from the IP total length, not the captured bytes', () => {
      const data = buildTcpFrame({ ...SYN, flags: TcpFlag.Ack, options: {}, payload: Buffer.alloc(1000) });
      const cut = data.subarray(0, 100);
      const p = decodeFrame({ ...frameOf(cut, LinkType.Ethernet), originalLength: data.length });
      expect(p.issues).to.deep.equal([]);
      expect(p.tcp!.segmentLength).to.equal(1000);
      expect(p.tcp!.payload.length).to.equal(100 - 14 - 20 - 20);
    });

    it('ignores Ethernet padding after a short IP datagram', () => {
      const data = Buffer.concat([buildTcpFrame({ ...SYN, options: {} }), Buffer.alloc(6)]);
      const p = decodeFrame(frameOf(data, LinkType.Ethernet));
      expect(p.tcp!.segmentLength).to.equal(0);
      expect(p.payload.length).to.equal(0);
    });

    it('keeps only the fixed fields, with a protocol-error issue, for a data offset below 5 words', () => {
      const tcp = encodeTcp(Buffer.alloc(6), { src: '198.18.0.1', dst: '198.18.0.2', sport: 1, dport: 2, seq: 1, flags: TcpFlag.Ack, dataOffsetWords: 4 });
      const data = encodeEthernet(encodeIpv4(tcp, { src: '198.18.0.1', dst: '198.18.0.2', protocol: IpProtocol.Tcp }), { etherType: EtherType.Ipv4 });
      const p = decodeFrame(frameOf(data, LinkType.Ethernet));
      // tshark's tcp.len: the 26-byte IP payload less the 16-byte header the offset claims.
      expect(p.tcp).to.include({ headerLength: 16, segmentLength: 10, seq: 1 });
      expect(p.tcp!.payload.length).to.equal(0);
      expect(p.issues).to.deep.equal([{ code: 'protocol-error', layer: 'tcp', offset: 34, message: 'frame 1: tcp data offset 16 bytes is below the 20-byte minimum' }]);
    });

    it('gives a negative segment length and a bad-length issue for a header longer than the ip payload', () => {
      const tcp = encodeTcp(Buffer.alloc(10), { src: '198.18.0.1', dst: '198.18.0.2', sport: 1, dport: 2, seq: 1, flags: TcpFlag.Ack, dataOffsetWords: 15 });
      const data = encodeEthernet(encodeIpv4(tcp, { src: '198.18.0.1', dst: '198.18.0.2', protocol: IpProtocol.Tcp }), { etherType: EtherType.Ipv4 });
      const p = decodeFrame(frameOf(data, LinkType.Ethernet));
      expect(p.tcp).to.include({ headerLength: 60, segmentLength: -30 });
      expect(p.issues.map((i) => i.message)).to.deep.equal(['frame 1: tcp data offset 60 bytes exceeds the 30-byte ip payload']);
    });

    it('ends an ipv4 datagram whose total length claims more than the frame with the frame', () => {
      const tcp = encodeTcp(Buffer.alloc(10), { src: '198.18.0.1', dst: '198.18.0.2', sport: 1, dport: 2, seq: 1, flags: TcpFlag.Ack });
      const data = encodeEthernet(encodeIpv4(tcp, { src: '198.18.0.1', dst: '198.18.0.2', protocol: IpProtocol.Tcp, totalLength: 150 }), { etherType: EtherType.Ipv4 });
      expect(decodeFrame(frameOf(data, LinkType.Ethernet)).tcp!.segmentLength).to.equal(10);
      // Cut by the snapshot instead, the bytes were on the wire: the total length stands.
      const cut = decodeFrame({ ...frameOf(data, LinkType.Ethernet), originalLength: 14 + 150 });
      expect(cut.tcp!.segmentLength).to.equal(110);
    });

    it('takes an ipv6 payload length of 0 without a hop-by-hop header at its word', () => {
      const tcp = encodeTcp(Buffer.alloc(10), { src: 'fd00::1', dst: 'fd00::2', sport: 1, dport: 2, seq: 1, flags: TcpFlag.Ack });
      const data = encodeEthernet(encodeIpv6(tcp, { src: 'fd00::1', dst: 'fd00::2', protocol: IpProtocol.Tcp, payloadLength: 0 }), { etherType: EtherType.Ipv6 });
      const p = decodeFrame(frameOf(data, LinkType.Ethernet));
      expect(p.tcp).to.equal(undefined);
      expect(p.issues.map((i) => i.code)).to.deep.equal(['truncated']);
    });

    it('records a truncated tcp header when options are cut by the snaplen', () => {
      const data = buildTcpFrame(SYN);
      const p = decodeFrame({ ...frameOf(data.subarray(0, data.length - 4), LinkType.Ethernet), originalLength: data.length });
      expect(p.issues.map((i) => i.message)).to.deep.equal(['frame 1: tcp data offset 40 bytes exceeds the 36 captured bytes']);
      expect(p.tcp!.options.mss).to.equal(1460);
    });

    const cases: readonly [string, Encapsulation, string[]][] = [
      ['802.1Q', ethernetEncap([{ tpid: 0x8100, vid: 5 }]), ['eth', 'vlan', 'ipv4', 'tcp']],
      ['QinQ 0x88a8', ethernetEncap([{ tpid: 0x88a8, vid: 6 }, { tpid: 0x8100, vid: 5 }]), ['eth', 'vlan', 'vlan', 'ipv4', 'tcp']],
      ['MPLS', mplsEncap([1, 2, 3]), ['eth', 'mpls', 'ipv4', 'tcp']],
      ['PPPoE', pppoeEncap(), ['eth', 'pppoe', 'ppp', 'ipv4', 'tcp']],
      ['DLT_PPP', pppEncap(9), ['ppp', 'ipv4', 'tcp']],
      ['DLT_PPP_SERIAL', pppEncap(50), ['ppp', 'ipv4', 'tcp']],
      ['PPP_WITH_DIR', pppEncap(204), ['ppp', 'ipv4', 'tcp']],
      ['Cisco HDLC', ciscoHdlcEncap(), ['chdlc', 'ipv4', 'tcp']],
      ['SLL + VLAN', sllEncap(1, 9), ['sll', 'vlan', 'ipv4', 'tcp']],
      ['SLL2', sllEncap(2), ['sll2', 'ipv4', 'tcp']],
      ['NULL', loopbackEncap(0), ['null', 'ipv4', 'tcp']],
      ['LOOP', loopbackEncap(108), ['null', 'ipv4', 'tcp']],
      ['RAW', rawEncap(), ['ipv4', 'tcp']],
      ['802.11', wlanEncap(false), ['wlan', 'llc', 'ipv4', 'tcp']],
      ['radiotap + FCS', wlanEncap(true, true), ['radiotap', 'wlan', 'llc', 'ipv4', 'tcp']],
      ['ERSPAN II', erspanEncap(2), ['eth', 'ipv4', 'gre', 'erspan', 'eth', 'ipv4', 'tcp']],
      ['ERSPAN III', erspanEncap(3), ['eth', 'ipv4', 'gre', 'erspan', 'eth', 'ipv4', 'tcp']],
      ['GRE with checksum, key, sequence', greEncap({ checksum: true, key: 1, sequence: true }), ['eth', 'ipv4', 'gre', 'ipv4', 'tcp']],
      ['GRE Aruba 802.11', greWlanEncap(0x8370), ['eth', 'ipv4', 'gre', 'wlan', 'llc', 'ipv4', 'tcp']],
      ['GTP-U', gtpUEncap([{ type: 0x85, content: Buffer.from([1, 2]) }]), ['eth', 'ipv4', 'udp', 'gtp', 'ipv4', 'tcp']],
      ['VXLAN', vxlanEncap(), ['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'ipv4', 'tcp']],
      ['Geneve', geneveEncap(Buffer.alloc(8)), ['eth', 'ipv4', 'udp', 'geneve', 'eth', 'ipv4', 'tcp']],
      ['IPIP', ipInIpv4Encap(), ['eth', 'ipv4', 'ipv4', 'tcp']],
      ['IPv4 in IPv6', ipInIpv6Encap(), ['eth', 'ipv6', 'ipv4', 'tcp']],
    ];
    for (const [name, encap, layers] of cases) {
      it(`follows ${name} to the inner TCP segment`, () => {
        const p = decode(encap);
        expect(p.issues).to.deep.equal([]);
        expect(p.layers).to.deep.equal(layers);
        expect(formatIp(p.ip!.src)).to.equal('198.18.0.1');
        expect(p.tcp).to.include({ srcPort: 40000, dstPort: 443, seq: 0xfffffff0, segmentLength: 0 });
        expect(p.udp).to.equal(undefined);
        const tunnels = layers.filter((l) => l === 'ipv4' || l === 'ipv6').length - 1;
        expect(p.outerIps?.length ?? 0).to.equal(tunnels);
      });
    }

    it('keeps VLAN ids outermost first on the Ethernet header', () => {
      const p = decode(ethernetEncap([{ tpid: 0x9100, vid: 300 }, { tpid: 0x8100, vid: 17 }]));
      expect(p.link).to.include({ kind: 'ethernet', etherType: EtherType.Ipv4 });
      expect(p.link?.kind === 'ethernet' ? p.link.vlanIds : undefined).to.deep.equal([300, 17]);
    });

    it('decodes IPv6 in IPv4 (6in4) and IPv6 in IPv6', () => {
      for (const e of [ipInIpv4Encap(), ipInIpv6Encap()]) {
        const p = decode(e, { src: 'fd00::1', dst: 'fd00::2' });
        expect(p.issues).to.deep.equal([]);
        expect(formatIp(p.ip!.dst)).to.equal('fd00::2');
        expect(p.tcp!.srcPort).to.equal(40000);
      }
    });

    it('walks IPv6 extension headers and treats an atomic fragment as a whole datagram', () => {
      const tcp = encodeTcp(Buffer.alloc(10), { src: 'fd00::1', dst: 'fd00::2', sport: 1, dport: 2, seq: 5, flags: TcpFlag.Ack });
      const ip = encodeIpv6(tcp, {
        src: 'fd00::1', dst: 'fd00::2', protocol: IpProtocol.Tcp,
        extensionHeaders: [{ type: 0, data: Buffer.alloc(4) }, { type: 60, data: Buffer.alloc(12) }],
        fragment: { offset: 0, moreFragments: false, identification: 9 },
      });
      const p = decodeFrame(frameOf(ip, LinkType.Ipv6));
      expect(p.issues).to.deep.equal([]);
      expect(p.ipFragment).to.equal(undefined);
      expect(p.ip).to.include({ version: 6, protocol: IpProtocol.Tcp, payloadLength: 30 });
      expect(p.ip?.version === 6 ? p.ip.extensionHeaders : undefined).to.deep.equal([0, 60, 44]);
      expect(p.tcp!.segmentLength).to.equal(10);
    });

    it('marks IPv4 and IPv6 fragments and does not decode their payload', () => {
      const v4 = encodeIpv4(Buffer.alloc(16), { src: '198.18.0.1', dst: '198.18.0.2', protocol: 6, moreFragments: true });
      const p4 = decodeFrame(frameOf(v4, LinkType.Raw));
      expect(p4.ipFragment).to.equal(true);
      expect(p4.tcp).to.equal(undefined);
      expect(p4.layers).to.deep.equal(['ipv4']);
      const v6 = encodeIpv6(Buffer.alloc(16), { src: 'fd00::1', dst: 'fd00::2', protocol: 6, fragment: { offset: 8, moreFragments: false, identification: 1 } });
      const p6 = decodeFrame(frameOf(v6, LinkType.Raw));
      expect(p6.ipFragment).to.equal(true);
      expect(p6.ip).to.include({ protocol: 6, payloadLength: 16 });
      expect(p6.issues).to.deep.equal([]);
    });

    it('takes the captured length for an IPv4 total length of 0 (segmentation offload)', () => {
      const ip = buildTcpDatagram({ ...SYN, options: {}, payload: Buffer.alloc(3000) });
      ip.writeUInt16BE(0, 2);
      const p = decodeFrame(frameOf(ip, LinkType.Ipv4));
      expect(p.tcp!.segmentLength).to.equal(3000);
    });

    it('reports the quoted TCP header of an ICMP error without a top-level tcp', () => {
      const offending = buildTcpDatagram({ ...SYN, options: {} });
      const icmp = Buffer.concat([Buffer.from([3, 4, 0, 0, 0, 0, 0x05, 0xdc]), offending]);
      const ip = encodeIpv4(icmp, { src: '198.18.0.254', dst: '198.18.0.1', protocol: IpProtocol.Icmp });
      const p = decodeFrame(frameOf(ip, LinkType.Raw));
      expect(p.tcp).to.equal(undefined);
      expect(p.layers).to.deep.equal(['ipv4', 'icmp']);
      expect(p.icmp).to.include({ type: 3, code: 4, version: 4 });
      expect(p.icmp!.quoted!.tcp!.seq).to.equal(0xfffffff0);
      expect(formatIp(p.icmp!.quoted!.ip.dst)).to.equal('198.18.0.2');
    });

    it('decodes UDP and stops at an unknown port without an issue', () => {
      const udp = encodeUdp(Buffer.from('hello'), { src: '198.18.0.1', dst: '198.18.0.2', sport: 5000, dport: 53 });
      const p = decodeFrame(frameOf(encodeIpv4(udp, { src: '198.18.0.1', dst: '198.18.0.2', protocol: 17 }), LinkType.Raw));
      expect(p.udp).to.include({ srcPort: 5000, dstPort: 53, length: 13 });
      expect(p.payload.toString()).to.equal('hello');
      expect(p.issues).to.deep.equal([]);
    });

    it('records unsupported-layer for an unknown link type, EtherType and IP protocol', () => {
      expect(decodeFrame(frameOf(Buffer.alloc(20), 147)).issues).to.deep.equal([
        { code: 'unsupported-layer', layer: 'frame', offset: 0, message: 'frame 1: link type 147 is not decoded' }]);
      const arp = decodeFrame(frameOf(encodeEthernet(Buffer.alloc(28), { etherType: EtherType.Arp }), LinkType.Ethernet));
      expect(arp.issues.map((i) => i.message)).to.deep.equal(['frame 1: ethertype 0x0806 is not decoded']);
      expect(arp.payload.length).to.equal(28);
      const esp = decodeFrame(frameOf(encodeIpv4(Buffer.alloc(8), { src: '198.18.0.1', dst: '198.18.0.2', protocol: 50 }), LinkType.Raw));
      expect(codes(esp)).to.deep.equal(['unsupported-layer:ipv4']);
    });

    it('records a truncated issue for GRE cut inside its optional fields', () => {
      const full = decode(greEncap({ checksum: true, key: 1, sequence: true }));
      const greAt = 14 + 20;
      const data = full.frame.data;
      const cut = Buffer.from(data.subarray(0, greAt + 10));
      cut.writeUInt16BE(20 + 10, 14 + 2); // the outer IP header says the datagram ends there
      const p = decodeFrame(frameOf(cut, LinkType.Ethernet));
      expect(p.issues).to.deep.equal([{ code: 'truncated', layer: 'gre', offset: greAt, message: `frame 1: gre header needs 16 bytes at offset ${greAt}, only 10 captured` }]);
      expect(p.tcp).to.equal(undefined);
    });

    it('records a truncated issue for a GTP extension header longer than the datagram', () => {
      const inner = buildTcpDatagram(SYN);
      const gtp = encodeGtpU(inner, { teid: 1, extensions: [{ type: 0x85, content: Buffer.from([1, 2]) }] });
      gtp[12] = 200; // extension length 800 bytes
      const udp = encodeUdp(gtp, { src: '198.18.1.1', dst: '198.18.1.2', sport: 2152, dport: 2152 });
      const p = decodeFrame(frameOf(encodeIpv4(udp, { src: '198.18.1.1', dst: '198.18.1.2', protocol: 17 }), LinkType.Raw));
      expect(p.issues).to.deep.equal([{ code: 'truncated', layer: 'gtp', offset: 40, message: `frame 1: gtp extension header length 800 runs past the ${gtp.length - 12} bytes left` }]);
      expect(p.tcp).to.equal(undefined);
      gtp[12] = 0;
      const zero = decodeFrame(frameOf(encodeIpv4(encodeUdp(gtp, { src: '198.18.1.1', dst: '198.18.1.2', sport: 2152, dport: 2152 }), { src: '198.18.1.1', dst: '198.18.1.2', protocol: 17 }), LinkType.Raw));
      expect(codes(zero)).to.deep.equal(['bad-length:gtp']);
    });

    it('bounds MPLS label stacks, VLAN tags and tunnel nesting', () => {
      const ip = buildTcpDatagram(SYN);
      const deepMpls = encodeEthernet(Buffer.concat([Buffer.alloc(4 * 9, 0), ip]), { etherType: EtherType.Mpls });
      expect(codes(decodeFrame(frameOf(deepMpls, LinkType.Ethernet)))).to.deep.equal(['bad-length:mpls']);
      let tags = ip;
      let type: number = EtherType.Ipv4;
      for (let i = 0; i < 9; i++) {
        tags = encodeVlan(tags, { vid: i, etherType: type });
        type = EtherType.Vlan;
      }
      expect(codes(decodeFrame(frameOf(encodeEthernet(tags, { etherType: type }), LinkType.Ethernet)))).to.deep.equal(['bad-length:vlan']);
      let nested = ip;
      for (let i = 0; i < DecodeLimits.maxIpHeaders; i++) nested = encodeIpv4(nested, { src: '198.18.9.1', dst: '198.18.9.2', protocol: 4 });
      const p = decodeFrame(frameOf(nested, LinkType.Raw));
      expect(codes(p)).to.deep.equal(['bad-length:ipv4']);
      expect(p.outerIps!.length).to.equal(DecodeLimits.maxIpHeaders - 1);
    });

    it('stops at protected 802.11 frames and management frames with unsupported-layer', () => {
      const f = encodeIeee80211Data(buildTcpDatagram(SYN), { etherType: EtherType.Ipv4, direction: 'to-ds' });
      f[1] = f[1]! | 0x40;
      expect(codes(decodeFrame(frameOf(f, LinkType.Ieee80211)))).to.deep.equal(['unsupported-layer:wlan']);
      const beacon = Buffer.alloc(40);
      beacon[0] = 0x80;
      expect(codes(decodeFrame(frameOf(encodeRadiotap(beacon), LinkType.Radiotap)))).to.deep.equal(['unsupported-layer:wlan']);
    });

    it('decodes MPLS over PPP and GRE carrying MPLS', () => {
      const ip = buildTcpDatagram(SYN);
      const ppp = Buffer.concat([Buffer.from([0xff, 0x03, 0x02, 0x81]), encodeMpls(ip, { labels: [16] })]);
      expect(decodeFrame(frameOf(ppp, LinkType.Ppp)).layers).to.deep.equal(['ppp', 'mpls', 'ipv4', 'tcp']);
      const gre = encodeIpv4(encodeGre(encodeMpls(ip, { labels: [16] }), { protocol: EtherType.Mpls }), { src: '198.18.1.1', dst: '198.18.1.2', protocol: 47 });
      expect(decodeFrame(frameOf(gre, LinkType.Raw)).layers).to.deep.equal(['ipv4', 'gre', 'mpls', 'ipv4', 'tcp']);
    });

    it('records truncated issues, not exceptions, for every prefix of every encapsulation', () => {
      for (const [name, encap] of cases) {
        const data = buildTcpFrame({ ...SYN, encap });
        for (let n = 0; n < data.length; n++) {
          const p = decodeFrame(frameOf(data.subarray(0, n), encap.linkType));
          expect(p.tcp === undefined || p.issues.length > 0, `${name} cut at ${n}`).to.equal(true);
          for (const i of p.issues) expect(i.message, `${name} cut at ${n}`).not.to.include('decoder error');
        }
      }
    });
  });
});
