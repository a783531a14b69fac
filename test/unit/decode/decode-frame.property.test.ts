import { expect } from 'chai';
import fc from 'fast-check';
import { createIpReassembler, decodeFrame } from '../../../analyzer/decode/index.js';
import {
  buildTcpFrame, ciscoHdlcEncap, erspanEncap, ethernetEncap, fragmentIpv4, fragmentIpv6, buildTcpDatagram, geneveEncap,
  greEncap, greEthernetEncap, greWlanEncap, gtpUEncap, ipInIpv4Encap, ipInIpv6Encap, loopbackEncap, mplsEncap,
  pppEncap, pppoeEncap, rawEncap, sllEncap, vxlanEncap, wlanEncap,
} from '../../../analyzer/encode/index.js';
import type { Encapsulation } from '../../../analyzer/encode/index.js';
import { LinkType } from '../../../analyzer/packet/frame.js';
import { TcpFlag } from '../../../analyzer/packet/packet.js';
import type { Packet } from '../../../analyzer/packet/packet.js';
import { frameOf } from './frame-shim.js';

const ENCAPS: readonly Encapsulation[] = [
  ethernetEncap(), ethernetEncap([{ tpid: 0x88a8, vid: 2 }, { tpid: 0x8100, vid: 3 }]), mplsEncap([1, 2]), pppoeEncap(),
  pppEncap(9), pppEncap(50), pppEncap(204), ciscoHdlcEncap(), sllEncap(1, 4), sllEncap(2), loopbackEncap(0),
  loopbackEncap(108), rawEncap(), wlanEncap(false), wlanEncap(true, true), erspanEncap(2), erspanEncap(3),
  greEncap({ checksum: true, key: 1, sequence: true }), greEthernetEncap(), greWlanEncap(), gtpUEncap([{ type: 0x85, content: Buffer.from([1, 2]) }]),
  vxlanEncap(), geneveEncap(Buffer.alloc(4)), ipInIpv4Encap(), ipInIpv6Encap(),
];
const LINK_TYPES = [...Object.values(LinkType), 12, 147];

function checkPacket(p: Packet): void {
  for (const i of p.issues) expect(i.message).not.to.include('decoder error');
  // Touch every lazy view so a bad offset would throw here.
  void p.payload.length;
  void p.ip?.bytes.length;
  void p.ip?.payload.length;
  void p.tcp?.bytes.length;
  void p.tcp?.payload.length;
  void p.udp?.payload.length;
  void p.link?.bytes.length;
}

describe('unit', () => {
  describe('decodeFrame (property)', () => {
    it('never throws on random bytes for any link type', () => {
      fc.assert(fc.property(fc.constantFrom(...LINK_TYPES), fc.uint8Array({ maxLength: 200 }), (lt, bytes) => {
        checkPacket(decodeFrame(frameOf(Buffer.from(bytes), lt)));
      }), { numRuns: 3000 });
    });

    it('never throws on random mutations and truncations of valid frames of every encapsulation', () => {
      const arb = fc.record({
        encap: fc.constantFrom(...ENCAPS),
        payload: fc.integer({ min: 0, max: 64 }),
        mutations: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        cut: fc.option(fc.nat(), { nil: undefined }),
        v6: fc.boolean(),
      });
      fc.assert(fc.property(arb, ({ encap, payload, mutations, cut, v6 }) => {
        const data = Buffer.from(buildTcpFrame({
          src: v6 ? 'fd00::1' : '198.18.0.1', dst: v6 ? 'fd00::2' : '198.18.0.2', sport: 1, dport: 2, seq: 3,
          flags: TcpFlag.Syn, payload: Buffer.alloc(payload, 1), options: { mss: 1, sackPermitted: true, windowScale: 2, timestamp: { value: 1, echo: 2 } },
          encap,
        }));
        for (const [at, value] of mutations) data[at % data.length] = value;
        const frame = frameOf(cut === undefined ? data : data.subarray(0, cut % (data.length + 1)), encap.linkType);
        checkPacket(decodeFrame(frame));
      }), { numRuns: 3000 });
    });

    it('never throws when mutated fragments go through the reassembler', () => {
      fc.assert(fc.property(fc.boolean(), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (v6, mutations, seed) => {
        const ip = buildTcpDatagram({ src: v6 ? 'fd00::1' : '198.18.0.1', dst: v6 ? 'fd00::2' : '198.18.0.2', sport: 1, dport: 2, seq: 3, flags: TcpFlag.Ack, payload: Buffer.alloc(300, 7), dontFragment: false });
        const frags = (v6 ? fragmentIpv6(ip, 64, 1) : fragmentIpv4(ip, 64)).map((f) => Buffer.from(f));
        for (const [which, at, value] of mutations) {
          const f = frags[which % frags.length]!;
          f[at % f.length] = value;
        }
        const r = createIpReassembler({ maxBytes: 4096 });
        const eth = ethernetEncap();
        frags.forEach((_f, i) => {
          const k = (i + seed) % frags.length;
          checkPacket(r.push(decodeFrame(frameOf(eth.wrap(frags[k]!, false), LinkType.Ethernet, i + 1))));
        });
        r.flush();
      }), { numRuns: 1000 });
    });
  });
});
