/**
 * make-encap-fixtures.ts: writes test/fixtures/captures/encap/NAME.pcap, one short TCP conversation
 * (handshake, data, one retransmission, FIN close) per encapsulation, built with analyzer/encode.
 * Run: npx tsx script/make-encap-fixtures.ts   then   bash script/oracle.sh -q test/fixtures/captures/encap/*.pcap
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildTcpDatagram, encodeIcmpv4Error, encodeIcmpv6Error, encodeIpv4, ciscoHdlcEncap, encodeIpv6, encodeTcp, erspanEncap, ethernetEncap, fragmentIpv4, fragmentIpv6,
  geneveEncap, greEncap, greEthernetEncap, greWlanEncap, gtpUEncap, ipInIpv4Encap, ipInIpv6Encap, loopbackEncap,
  mplsEncap, pppEncap, pppoeEncap, rawEncap, sllEncap, vxlanEncap, wlanEncap,
} from '../analyzer/encode/index.js';
import type { Encapsulation, TcpFrameSpec } from '../analyzer/encode/index.js';
import { encodePcap } from '../analyzer/capture/pcap-writer.js';
import { LinkType } from '../analyzer/packet/frame.js';
import { EtherType, IpProtocol, TcpFlag } from '../analyzer/packet/packet.js';

const OUT_DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'captures', 'encap');
const START_NS = 1_700_000_000_000_000_000n;

interface OutFrame {
  readonly timestampNs: bigint;
  readonly data: Buffer;
}


/** One segment of the scripted conversation; `reverse` = server → client. */
interface Step {
  readonly reverse: boolean;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly len: number;
  readonly atMs: number;
}

const C0 = 0x1000_0000;
const S0 = 0xf000_0000; // the server's sequence numbers wrap past 2^32 during the transfer
const { Syn, Ack, Psh, Fin } = TcpFlag;

/** Handshake, a request, two response segments with the second retransmitted, FIN close. */
const CONVERSATION: readonly Step[] = [
  { reverse: false, seq: C0, ack: 0, flags: Syn, len: 0, atMs: 0 },
  { reverse: true, seq: S0, ack: C0 + 1, flags: Syn | Ack, len: 0, atMs: 1 },
  { reverse: false, seq: C0 + 1, ack: S0 + 1, flags: Ack, len: 0, atMs: 2 },
  { reverse: false, seq: C0 + 1, ack: S0 + 1, flags: Psh | Ack, len: 100, atMs: 3 },
  { reverse: true, seq: S0 + 1, ack: C0 + 101, flags: Ack, len: 0, atMs: 4 },
  { reverse: true, seq: S0 + 1, ack: C0 + 101, flags: Ack, len: 1000, atMs: 5 },
  { reverse: true, seq: S0 + 1001, ack: C0 + 101, flags: Psh | Ack, len: 1000, atMs: 6 },
  { reverse: false, seq: C0 + 101, ack: S0 + 1001, flags: Ack, len: 0, atMs: 7 },
  { reverse: true, seq: S0 + 1001, ack: C0 + 101, flags: Psh | Ack, len: 1000, atMs: 250 },
  { reverse: false, seq: C0 + 101, ack: S0 + 2001, flags: Ack, len: 0, atMs: 251 },
  { reverse: false, seq: C0 + 101, ack: S0 + 2001, flags: Fin | Ack, len: 0, atMs: 260 },
  { reverse: true, seq: S0 + 2001, ack: C0 + 102, flags: Fin | Ack, len: 0, atMs: 261 },
  { reverse: false, seq: C0 + 102, ack: S0 + 2002, flags: Ack, len: 0, atMs: 262 },
];

const V4 = { client: '198.18.0.1', server: '198.18.0.2' } as const;
const V6 = { client: 'fd00::1', server: 'fd00::2' } as const;

function spec(step: Step, v6: boolean, ipId: number): TcpFrameSpec {
  const a = v6 ? V6 : V4;
  const payload = Buffer.alloc(step.len, step.reverse ? 0x53 : 0x43);
  return {
    src: step.reverse ? a.server : a.client, dst: step.reverse ? a.client : a.server,
    sport: step.reverse ? 8080 : 40000, dport: step.reverse ? 40000 : 8080,
    seq: step.seq >>> 0, ack: step.ack >>> 0, flags: step.flags, window: 502, payload, ipId,
    dontFragment: false,
    ...((step.flags & Syn) !== 0 ? { options: { mss: 1460, sackPermitted: true, timestamp: { value: 1000 + ipId, echo: 0 }, windowScale: 7 } } : {}),
    reverse: step.reverse,
  };
}

function at(ms: number, subUs = 0): bigint {
  return START_NS + BigInt(ms) * 1_000_000n + BigInt(subUs) * 1000n;
}

/** The conversation inside `encap`. */
function conversation(encap: Encapsulation, v6: boolean): OutFrame[] {
  return CONVERSATION.map((step, i) => ({
    timestampNs: at(step.atMs),
    data: encap.wrap(buildTcpDatagram(spec(step, v6, 100 + i)), step.reverse),
  }));
}

/** Data segments split into IP fragments; the second response segment's fragments arrive reversed. */
function fragmented(v6: boolean): OutFrame[] {
  const eth = ethernetEncap();
  const out: OutFrame[] = [];
  CONVERSATION.forEach((step, i) => {
    const ip = buildTcpDatagram(spec(step, v6, 100 + i));
    if (step.len < 500) {
      out.push({ timestampNs: at(step.atMs), data: eth.wrap(ip, step.reverse) });
      return;
    }
    let frags = v6 ? fragmentIpv6(ip, 400, 0x5000 + i) : fragmentIpv4(ip, 400);
    if (i === 6) frags = frags.slice().reverse();
    frags.forEach((f, k) => out.push({ timestampNs: at(step.atMs, k * 10), data: eth.wrap(f, step.reverse) }));
  });
  return out;
}

/** IPv6 with a fragment header of offset 0 and M = 0 on every packet (RFC 6946 atomic fragment). */
function atomicFragments(): OutFrame[] {
  const eth = ethernetEncap();
  return CONVERSATION.map((step, i) => {
    const s = spec(step, true, 100 + i);
    const tcp = encodeTcp(s.payload!, {
      src: s.src, dst: s.dst, sport: s.sport, dport: s.dport, seq: s.seq, ack: s.ack!, flags: s.flags, window: 502,
      ...(s.options !== undefined ? { options: s.options } : {}),
    });
    const ip = encodeIpv6(tcp, { src: s.src, dst: s.dst, protocol: IpProtocol.Tcp, fragment: { offset: 0, moreFragments: false, identification: 0x7000 + i } });
    return { timestampNs: at(step.atMs), data: eth.wrap(ip, step.reverse) };
  });
}

/** A SPAN port's view: every frame once with VLAN 100 and once untagged, 5 µs apart. */
function vlanMirrored(): OutFrame[] {
  const tagged = ethernetEncap([{ tpid: EtherType.Vlan, vid: 100 }]);
  const plain = ethernetEncap();
  return CONVERSATION.flatMap((step, i) => {
    const ip = buildTcpDatagram(spec(step, false, 100 + i));
    return [
      { timestampNs: at(step.atMs), data: tagged.wrap(ip, step.reverse) },
      { timestampNs: at(step.atMs, 5), data: plain.wrap(ip, step.reverse) },
    ];
  });
}

/**
 * ICMP errors from a router (198.18.0.254 / fd00::fe) quoting the server's first 1000-byte segment:
 * once with the RFC 792 minimum (IP header + 8 bytes: TCP ports and sequence only) and once with
 * the whole TCP header and some data (RFC 1812 / RFC 4443 style).
 */
function icmpQuoted(v6: boolean): OutFrame[] {
  const eth = ethernetEncap();
  const out = conversation(eth, v6);
  const offending = buildTcpDatagram(spec(CONVERSATION[5]!, v6, 105));
  const ipHeaderBytes = v6 ? 40 : 20;
  const router = v6 ? 'fd00::fe' : '198.18.0.254';
  const server = v6 ? V6.server : V4.server;
  const errors = [ipHeaderBytes + 8, ipHeaderBytes + 60].map((quoteBytes, k) => {
    const quoted = offending.subarray(0, quoteBytes);
    const ip = v6
      ? encodeIpv6(encodeIcmpv6Error(quoted, { type: 2, code: 0, restOfHeader: 1280, src: router, dst: server }), { src: router, dst: server, protocol: IpProtocol.Icmpv6 })
      : encodeIpv4(encodeIcmpv4Error(quoted, { type: 3, code: 4, restOfHeader: 576 }), { src: router, dst: server, protocol: IpProtocol.Icmp, identification: 0x4000 + k });
    return { timestampNs: at(5, 200 + k * 10), data: eth.wrap(ip, false) };
  });
  out.splice(6, 0, ...errors);
  return out;
}

// 3GPP TS 29.281 PDU Session Container (0x85) then a UDP port extension (0x40), both 4 bytes.
const GTP_EXTENSIONS = [
  { type: 0x85, content: Buffer.from([0x10, 0x09]) },
  { type: 0x40, content: Buffer.from([0x08, 0x68]) },
];
// One Geneve option: class 0x0102, type 0x80, length 1 word, 4 data bytes.
const GENEVE_OPTIONS = Buffer.from([0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef]);

interface Fixture {
  readonly name: string;
  readonly linkType: number;
  readonly what: string;
  readonly frames: () => OutFrame[];
}

function encapFixture(name: string, e: Encapsulation, what: string, v6 = false): Fixture {
  return { name, linkType: e.linkType, what, frames: () => conversation(e, v6) };
}

const FIXTURES: readonly Fixture[] = [
  encapFixture('vlan', ethernetEncap([{ tpid: 0x8100, vid: 100 }]), 'Ethernet + 802.1Q VLAN 100'),
  encapFixture('qinq-88a8', ethernetEncap([{ tpid: 0x88a8, vid: 200 }, { tpid: 0x8100, vid: 100 }]), 'Ethernet + 802.1ad S-tag 200 (0x88a8) + C-tag 100'),
  encapFixture('qinq-9100', ethernetEncap([{ tpid: 0x9100, vid: 200 }, { tpid: 0x8100, vid: 100 }]), 'Ethernet + old QinQ S-tag 200 (0x9100) + C-tag 100'),
  encapFixture('mpls', mplsEncap([100, 200]), 'Ethernet + MPLS labels 100, 200'),
  encapFixture('pppoe', pppoeEncap(), 'Ethernet + PPPoE session 0x1234 + PPP'),
  encapFixture('pppoe-qinq', pppoeEncap(0x4321, [{ tpid: 0x88a8, vid: 300 }, { tpid: 0x8100, vid: 30 }]), 'Ethernet + QinQ (0x88a8 S-tag 300, C-tag 30) + PPPoE session 0x4321 + PPP'),
  encapFixture('ppp', pppEncap(9), 'DLT_PPP (9) with ff 03 address/control'),
  encapFixture('ppp-serial', pppEncap(50), 'DLT_PPP_SERIAL (50), PPP in HDLC-like framing'),
  encapFixture('ppp-with-dir', pppEncap(204), 'LINKTYPE_PPP_WITH_DIR (204)'),
  encapFixture('chdlc', ciscoHdlcEncap(), 'Cisco HDLC (104)'),
  encapFixture('sll-vlan', sllEncap(1, 100), 'Linux SLL (113) carrying an 802.1Q tag (VLAN 100)'),
  encapFixture('sll2-vlan', sllEncap(2, 100), 'Linux SLL2 (276) carrying an 802.1Q tag (VLAN 100)'),
  encapFixture('null', loopbackEncap(0), 'BSD loopback DLT_NULL (0), little-endian family 2'),
  encapFixture('loop', loopbackEncap(108), 'OpenBSD DLT_LOOP (108), network-order family 2'),
  encapFixture('raw', rawEncap(), 'LINKTYPE_RAW (101)'),
  encapFixture('wlan', wlanEncap(false), '802.11 QoS data frames with LLC/SNAP (105), to-DS / from-DS'),
  encapFixture('radiotap', wlanEncap(true, true), 'radiotap (127) + 802.11 QoS data with FCS'),
  encapFixture('erspan2', erspanEncap(2), 'Ethernet/IPv4/GRE 0x88be (seq) + ERSPAN type II + Ethernet'),
  encapFixture('erspan3', erspanEncap(3), 'Ethernet/IPv4/GRE 0x22eb (seq) + ERSPAN type III + Ethernet'),
  encapFixture('gre', greEncap({ checksum: true, key: 0x1234, sequence: true }), 'Ethernet/IPv4/GRE with checksum, key 0x1234 and sequence numbers carrying IPv4'),
  encapFixture('gre-eth', greEthernetEncap(), 'Ethernet/IPv4/GRE 0x6558 (transparent Ethernet bridging)'),
  encapFixture('gre-wlan', greWlanEncap(0x8200), 'Ethernet/IPv4/GRE 0x8200 (Aruba) carrying 802.11 QoS data'),
  encapFixture('gtpu', gtpUEncap(GTP_EXTENSIONS), 'Ethernet/IPv4/UDP 2152 GTP-U with sequence number and two extension headers'),
  encapFixture('vxlan', vxlanEncap(), 'Ethernet/IPv4/UDP 4789 VXLAN VNI 42 + Ethernet'),
  encapFixture('geneve', geneveEncap(GENEVE_OPTIONS), 'Ethernet/IPv4/UDP 6081 Geneve with one 8-byte option + Ethernet'),
  encapFixture('ipip', ipInIpv4Encap('ipip'), 'Ethernet/IPv4/IPv4 (IP protocol 4)'),
  encapFixture('6in4', ipInIpv4Encap('6in4'), 'Ethernet/IPv4/IPv6 (IP protocol 41), inner fd00::1 ↔ fd00::2', true),
  encapFixture('ipv4-in-ipv6', ipInIpv6Encap('ipv4-in-ipv6'), 'Ethernet/IPv6/IPv4 (next header 4)'),
  encapFixture('ipv6-in-ipv6', ipInIpv6Encap('ipv6-in-ipv6'), 'Ethernet/IPv6/IPv6 (next header 41)', true),
  { name: 'ipv4-frag', linkType: LinkType.Ethernet, what: 'IPv4 fragments of 400 bytes for the 1000-byte segments; one segment\'s fragments in reverse order', frames: () => fragmented(false) },
  { name: 'ipv6-frag', linkType: LinkType.Ethernet, what: 'IPv6 fragment headers, 400-byte fragments; one segment\'s fragments in reverse order', frames: () => fragmented(true) },
  { name: 'ipv6-atomic', linkType: LinkType.Ethernet, what: 'IPv6 atomic fragments (fragment header, offset 0, M = 0) on every packet', frames: atomicFragments },
  { name: 'icmp-quoted', linkType: LinkType.Ethernet, what: 'ICMP fragmentation-needed errors quoting a server segment (8 bytes of TCP, then 60)', frames: () => icmpQuoted(false) },
  { name: 'icmpv6-quoted', linkType: LinkType.Ethernet, what: 'ICMPv6 packet-too-big errors quoting a server segment (8 bytes of TCP, then 60)', frames: () => icmpQuoted(true) },
  { name: 'vlan-mirror', linkType: LinkType.Ethernet, what: 'SPAN copy: each frame tagged VLAN 100 and again untagged 5 µs later', frames: vlanMirrored },
];

const readme: string[] = [
  '# Encapsulation fixtures',
  '',
  'Each capture holds the same short TCP conversation (198.18.0.1:40000 ↔ 198.18.0.2:8080, or fd00::1 ↔ fd00::2;',
  'handshake, 100-byte request, two 1000-byte responses with the second retransmitted after 244 ms, FIN close)',
  'inside one encapsulation. All were made by `npx tsx script/make-encap-fixtures.ts`; the `.oracle.jsonl`/`.meta.json`',
  'files by `bash script/oracle.sh -q test/fixtures/captures/encap/*.pcap` (tshark 4.0.17).',
  '',
];
for (const f of FIXTURES) {
  const file = `${f.name}.pcap`;
  writeFileSync(join(OUT_DIR, file), encodePcap(f.frames(), { linkType: f.linkType }));
  readme.push(`- \`${file}\`: ${f.what}.`);
}
writeFileSync(join(OUT_DIR, 'README.md'), readme.join('\n') + '\n');
console.log(`wrote ${FIXTURES.length} captures to ${OUT_DIR}`);
