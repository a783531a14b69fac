import { expect } from 'chai';
import { createIpReassembler, decodeFrame } from '../../../analyzer/decode/index.js';
import { buildTcpDatagram, encodeIpv4, ethernetEncap, fragmentIpv4, fragmentIpv6 } from '../../../analyzer/encode/index.js';
import { LinkType } from '../../../analyzer/packet/frame.js';
import { IpProtocol, isSegment, TcpFlag } from '../../../analyzer/packet/packet.js';
import type { Packet } from '../../../analyzer/packet/packet.js';
import { frameOf } from './frame-shim.js';

const PAYLOAD = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff));

function datagram(v6: boolean, ipId = 77): Buffer {
  return buildTcpDatagram({
    src: v6 ? 'fd00::1' : '198.18.0.1', dst: v6 ? 'fd00::2' : '198.18.0.2', sport: 40000, dport: 8080,
    seq: 1000, ack: 2000, flags: TcpFlag.Ack | TcpFlag.Psh, payload: PAYLOAD, ipId, dontFragment: false,
  });
}

function packets(frags: readonly Buffer[], firstIndex = 1): Packet[] {
  const eth = ethernetEncap();
  return frags.map((f, i) => decodeFrame(frameOf(eth.wrap(f, false), LinkType.Ethernet, firstIndex + i)));
}

describe('unit', () => {
  describe('createIpReassembler', () => {
    it('passes non-fragments through unchanged', () => {
      const r = createIpReassembler();
      const [p] = packets([datagram(false)]);
      expect(r.push(p!)).to.equal(p);
    });

    for (const v6 of [false, true]) {
      const label = v6 ? 'IPv6' : 'IPv4';
      it(`reassembles ${label} fragments in order on the completing frame`, () => {
        const r = createIpReassembler();
        const ps = packets(v6 ? fragmentIpv6(datagram(true), 400, 9) : fragmentIpv4(datagram(false), 400));
        const out = ps.map((p) => r.push(p));
        expect(out.slice(0, -1).every((p) => p.ipFragment === true && p.tcp === undefined)).to.equal(true);
        const last = out[out.length - 1]!;
        expect(isSegment(last)).to.equal(true);
        expect(last.reassembledFrom).to.deep.equal([1, 2, 3]);
        expect(last.frame.index).to.equal(3);
        expect(last.tcp).to.include({ seq: 1000, ack: 2000, segmentLength: 1000 });
        expect(last.tcp!.payload.equals(PAYLOAD)).to.equal(true);
        expect(last.layers).to.deep.equal(['eth', v6 ? 'ipv6' : 'ipv4', 'tcp']);
        expect(last.issues).to.deep.equal([]);
        expect(r.pendingDatagrams).to.equal(0);
        expect(r.pendingBytes).to.equal(0);
      });

      it(`reassembles ${label} fragments that arrive in reverse order`, () => {
        const r = createIpReassembler();
        const frags = v6 ? fragmentIpv6(datagram(true), 256, 9) : fragmentIpv4(datagram(false), 256);
        const out = packets(frags.slice().reverse()).map((p) => r.push(p));
        const last = out[out.length - 1]!;
        expect(last.tcp!.payload.equals(PAYLOAD)).to.equal(true);
        expect(last.reassembledFrom).to.deep.equal([1, 2, 3, 4]);
      });
    }

    it('keeps the lowest-offset fragment\'s bytes on a conflicting overlap and records bad-fragment', () => {
      const r = createIpReassembler();
      const frags = fragmentIpv4(datagram(false), 400);
      // A rogue fragment at offset 392 with different bytes, sent after the first one.
      const rogue = encodeIpv4(Buffer.alloc(16, 0xee), { src: '198.18.0.1', dst: '198.18.0.2', protocol: IpProtocol.Tcp, identification: 77, moreFragments: true, fragmentOffset: 392 });
      const ps = packets([frags[0]!, rogue, frags[1]!, frags[2]!]);
      const out = ps.map((p) => r.push(p));
      expect(out[1]!.issues.map((i) => i.message)).to.deep.equal([
        "frame 2: ip fragment bytes 392-408 overlap frame 1's bytes 0-400 with different data (overlap conflict)"]);
      expect(out[2]!.issues.map((i) => i.code)).to.deep.equal(['bad-fragment']);
      // Wireshark's order: for each byte the fragment with the lowest offset wins, so the rogue's
      // bytes 400-408 (TCP payload 380-388) beat frame 3's, and its bytes 392-400 lose to frame 1's.
      const expected = Buffer.from(PAYLOAD);
      expected.fill(0xee, 380, 388);
      const last = out[3]!;
      expect(last.tcp!.payload.equals(expected)).to.equal(true);
      expect(last.reassembledFrom).to.deep.equal([1, 2, 3, 4]);
    });

    it('records an identical duplicate as an overlap and still reassembles once', () => {
      const r = createIpReassembler();
      const frags = fragmentIpv4(datagram(false), 400);
      const out = packets([frags[0]!, frags[0]!, frags[1]!, frags[2]!]).map((p) => r.push(p));
      expect(out[1]!.issues.map((i) => i.message)).to.deep.equal([
        "frame 2: ip fragment bytes 0-400 overlap frame 1's bytes 0-400 with identical data"]);
      expect(out[3]!.tcp!.payload.equals(PAYLOAD)).to.equal(true);
    });

    it('reports never-completed datagrams from flush()', () => {
      const r = createIpReassembler();
      const frags = fragmentIpv4(datagram(false), 400);
      packets([frags[0]!, frags[2]!]).forEach((p) => r.push(p));
      expect(r.flush()).to.deep.equal([
        { version: 4, src: '198.18.0.1', dst: '198.18.0.2', identification: 77, frames: [1, 2], receivedBytes: 400 + 220, expectedBytes: 1020 }]);
      expect(r.flush()).to.deep.equal([]);
    });

    it('keeps datagrams with different ids apart', () => {
      const r = createIpReassembler();
      const a = fragmentIpv4(datagram(false, 1), 400);
      const b = fragmentIpv4(datagram(false, 2), 400);
      const out = packets([a[0]!, b[0]!, a[1]!, b[1]!, b[2]!, a[2]!]).map((p) => r.push(p));
      expect(out[4]!.reassembledFrom).to.deep.equal([2, 4, 5]);
      expect(out[5]!.reassembledFrom).to.deep.equal([1, 3, 6]);
    });

    it('evicts the oldest datagram beyond maxPending and says so on the evicting frame', () => {
      const r = createIpReassembler({ maxPending: 1 });
      const a = fragmentIpv4(datagram(false, 1), 400);
      const b = fragmentIpv4(datagram(false, 2), 400);
      const out = packets([a[0]!, b[0]!]).map((p) => r.push(p));
      expect(out[1]!.issues.map((i) => i.message)).to.deep.equal([
        'frame 2: ip reassembly limit (4194304 bytes, 1 datagrams) reached; dropped datagram id 1 (frames 1)']);
      expect(r.pendingDatagrams).to.equal(1);
    });

    it('drops datagrams older than timeoutNs', () => {
      const r = createIpReassembler({ timeoutNs: 1_000_000n });
      const a = fragmentIpv4(datagram(false, 1), 400);
      const ps = packets([a[0]!, a[1]!], 1);
      r.push(ps[0]!);
      const late = r.push({ ...ps[1]!, frame: { ...ps[1]!.frame, index: 9, timestampNs: 50_000_000n } });
      expect(late.issues.map((i) => i.message)).to.deep.equal(['frame 9: ip datagram id 1 timed out incomplete (frames 1)']);
    });

    it('stays bounded in time and memory under 10,000 overlapping fragments', () => {
      const r = createIpReassembler({ maxBytes: 256 * 1024, maxFragmentsPerDatagram: 512 });
      const eth = ethernetEncap();
      const started = process.hrtime.bigint();
      let issues = 0;
      for (let i = 0; i < 10_000; i++) {
        const frag = encodeIpv4(Buffer.alloc(1024, i & 0xff), {
          src: '198.18.0.1', dst: '198.18.0.2', protocol: IpProtocol.Tcp, identification: i % 3,
          moreFragments: true, fragmentOffset: (i % 50) * 8,
        });
        issues += r.push(decodeFrame(frameOf(eth.wrap(frag, false), LinkType.Ethernet, i + 1))).issues.length;
        expect(r.pendingBytes).to.be.at.most(256 * 1024 + 1024);
      }
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      expect(elapsedMs).to.be.below(5000);
      expect(issues).to.be.greaterThan(9000);
      expect(r.pendingDatagrams).to.be.at.most(3);
    });
  });
});
