/**
 * make-fidelity-fixtures.ts: writes test/fixtures/captures/fidelity/NAME.pcap, crafted captures for
 * the classes where third-party captures disagreed with tshark (issue 7, "the last 0.5%"): link-type
 * aliases, link-layer padding after the IP datagram, TCP headers cut short by the snapshot. Built
 * with analyzer/encode.
 * Run: npx tsx script/make-fidelity-fixtures.ts   then   bash script/oracle.sh -q test/fixtures/captures/fidelity/*.pcap
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTcpDatagram, ethernetEncap, pppoeEncap, rawEncap } from '../analyzer/encode/index.js';
import type { Encapsulation, TcpFrameSpec } from '../analyzer/encode/index.js';
import { encodePcap } from '../analyzer/capture/pcap-writer.js';
import type { WritableFrame } from '../analyzer/capture/pcap-writer.js';
import { LinkType } from '../analyzer/packet/frame.js';
import { EtherType, TcpFlag } from '../analyzer/packet/packet.js';

const OUT_DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'captures', 'fidelity');
const START_NS = 1_700_000_000_000_000_000n;
const { Syn, Ack, Psh, Fin } = TcpFlag;

interface Step {
  readonly reverse: boolean;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly len: number;
  readonly atMs: number;
}

const C0 = 0x2000_0000;
const S0 = 0x7000_0000;

/** Handshake, a request, three response segments (the third retransmitted), FIN close. */
const CONVERSATION: readonly Step[] = [
  { reverse: false, seq: C0, ack: 0, flags: Syn, len: 0, atMs: 0 },
  { reverse: true, seq: S0, ack: C0 + 1, flags: Syn | Ack, len: 0, atMs: 1 },
  { reverse: false, seq: C0 + 1, ack: S0 + 1, flags: Ack, len: 0, atMs: 2 },
  { reverse: false, seq: C0 + 1, ack: S0 + 1, flags: Psh | Ack, len: 6, atMs: 3 },
  { reverse: true, seq: S0 + 1, ack: C0 + 7, flags: Ack, len: 0, atMs: 4 },
  { reverse: true, seq: S0 + 1, ack: C0 + 7, flags: Ack, len: 10, atMs: 5 },
  { reverse: true, seq: S0 + 11, ack: C0 + 7, flags: Ack, len: 10, atMs: 6 },
  { reverse: false, seq: C0 + 7, ack: S0 + 21, flags: Ack, len: 0, atMs: 7 },
  { reverse: true, seq: S0 + 21, ack: C0 + 7, flags: Psh | Ack, len: 10, atMs: 8 },
  { reverse: true, seq: S0 + 21, ack: C0 + 7, flags: Psh | Ack, len: 10, atMs: 250 },
  { reverse: false, seq: C0 + 7, ack: S0 + 31, flags: Ack, len: 0, atMs: 251 },
  { reverse: false, seq: C0 + 7, ack: S0 + 31, flags: Fin | Ack, len: 0, atMs: 260 },
  { reverse: true, seq: S0 + 31, ack: C0 + 8, flags: Fin | Ack, len: 0, atMs: 261 },
  { reverse: false, seq: C0 + 8, ack: S0 + 32, flags: Ack, len: 0, atMs: 262 },
];

/** `timestamps`: every segment carries the timestamps option (a 32-byte header, 12 option bytes). */
function datagram(step: Step, i: number, timestamps: boolean): Buffer {
  const spec: TcpFrameSpec = {
    src: step.reverse ? '198.18.0.2' : '198.18.0.1', dst: step.reverse ? '198.18.0.1' : '198.18.0.2',
    sport: step.reverse ? 8080 : 40000, dport: step.reverse ? 40000 : 8080,
    seq: step.seq >>> 0, ack: step.ack >>> 0, flags: step.flags, window: 502,
    payload: Buffer.alloc(step.len, step.reverse ? 0x53 : 0x43), ipId: 200 + i, dontFragment: false,
    reverse: step.reverse,
    ...(timestamps ? { options: { timestamp: { value: 5000 + i, echo: 4000 + i } } } : {}),
  };
  return buildTcpDatagram(spec);
}

function at(ms: number): bigint {
  return START_NS + BigInt(ms) * 1_000_000n;
}

function conversation(encap: Encapsulation, edit?: (frame: Buffer, i: number) => WritableFrame, timestamps = false): WritableFrame[] {
  return CONVERSATION.map((step, i) => {
    const data = encap.wrap(datagram(step, i, timestamps), step.reverse);
    return edit === undefined ? { timestampNs: at(step.atMs), data } : { ...edit(data, i), timestampNs: at(step.atMs) };
  });
}

/** Trailing bytes after the IP datagram: Ethernet minimum-size padding, or a switch's trailer. */
function padded(frame: Buffer, bytes: number, fill: number): Buffer {
  return Buffer.concat([frame, Buffer.alloc(bytes, fill)]);
}

interface Fixture {
  readonly name: string;
  readonly linkType: number;
  readonly frames: () => WritableFrame[];
}

const raw = (linkType: number): Encapsulation => ({ ...rawEncap(), linkType });

const FIXTURES: readonly Fixture[] = [
  // Link-type numbers that libpcap and Wireshark read as raw IP (DLT_RAW's platform values, ATM CLIP).
  { name: 'linktype-12-raw', linkType: 12, frames: () => conversation(raw(12)) },
  { name: 'linktype-14-raw-openbsd', linkType: 14, frames: () => conversation(raw(14)) },
  { name: 'linktype-16-clip', linkType: 16, frames: () => conversation(raw(16)) },
  { name: 'linktype-18-clip', linkType: 18, frames: () => conversation(raw(18)) },
  { name: 'linktype-19-clip', linkType: 19, frames: () => conversation(raw(19)) },
  { name: 'linktype-106-atm-clip', linkType: 106, frames: () => conversation(raw(106)) },
  // Non-zero trailers after the datagram: never TCP payload, whatever the link layer says.
  {
    name: 'padding-ethernet', linkType: LinkType.Ethernet,
    frames: () => conversation(ethernetEncap(), (f, i) => ({ timestampNs: 0n, data: padded(f, 4 + (i % 5) * 7, 0xa5) })),
  },
  {
    name: 'padding-vlan-stack', linkType: LinkType.Ethernet,
    frames: () => conversation(ethernetEncap([{ tpid: EtherType.QinQ, vid: 300 }, { tpid: EtherType.Vlan, vid: 30 }]),
      (f, i) => ({ timestampNs: 0n, data: padded(f, 6 + (i % 3) * 11, 0x5a) })),
  },
  {
    // The PPPoE length covers the trailer too (a buggy access concentrator): IP's total length still bounds the segment.
    name: 'padding-pppoe-length', linkType: LinkType.Ethernet,
    frames: () => conversation(pppoeEncap(0x2222), (f, i) => {
      const pad = 8 + (i % 4) * 5;
      const data = padded(f, pad, 0x3c);
      data.writeUInt16BE(data.readUInt16BE(14 + 4) + pad, 14 + 4);
      return { timestampNs: 0n, data };
    }),
  },
  // Snapshot cuts inside the TCP header: after the ports and sequence numbers (12 bytes), and inside
  // the options (24 of the 32 header bytes).
  {
    name: 'tcp-cut-by-snapshot', linkType: LinkType.Ethernet,
    frames: () => conversation(ethernetEncap(), (f, i) => {
      const keep = i === 4 || i === 10 ? 12 : i === 5 || i === 7 || i === 8 || i === 9 ? 24 : undefined;
      return keep === undefined ? { timestampNs: 0n, data: f } : { timestampNs: 0n, data: f.subarray(0, 14 + 20 + keep), originalLength: f.length };
    }, true),
  },
];

mkdirSync(OUT_DIR, { recursive: true });
for (const f of FIXTURES) {
  writeFileSync(join(OUT_DIR, `${f.name}.pcap`), encodePcap(f.frames(), { linkType: f.linkType }));
}
console.log(`wrote ${FIXTURES.length} captures to ${OUT_DIR}`);
