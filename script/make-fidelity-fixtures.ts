/**
 * make-fidelity-fixtures.ts: writes test/fixtures/captures/fidelity/NAME.pcap, crafted captures for
 * the classes where third-party captures disagreed with tshark (issue 7, "the last 0.5%"): link-type
 * aliases, link-layer padding after the IP datagram, TCP headers cut short by the snapshot, retransmitted
 * SYNs, SYN-ACKs and FINs, and fuzzed IP/TCP headers. Built with analyzer/encode; a fuzzed field is written
 * into the finished frame (`mangle`), so every other byte stays what the encoder made.
 * Run: npx tsx script/make-fidelity-fixtures.ts   then   bash script/oracle.sh -q test/fixtures/captures/fidelity/*.pcap
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTcpDatagram, ethernetEncap, pppoeEncap, rawEncap } from '../analyzer/encode/index.js';
import type { Encapsulation, TcpFrameSpec, TcpOptionsInput } from '../analyzer/encode/index.js';
import { encodePcap } from '../analyzer/capture/pcap-writer.js';
import type { WritableFrame } from '../analyzer/capture/pcap-writer.js';
import { LinkType } from '../analyzer/packet/frame.js';
import { EtherType, TcpFlag } from '../analyzer/packet/packet.js';

const OUT_DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'captures', 'fidelity');
const START_NS = 1_700_000_000_000_000_000n;
const { Syn, Ack, Psh, Fin, Rst, Urg, Ece, Cwr, Ae } = TcpFlag;

/** One segment of a crafted conversation. */
interface Step {
  readonly reverse: boolean;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly len: number;
  readonly atMs: number;
  /** Client port, when the step belongs to another connection than the default 40000. */
  readonly port?: number;
  /** Server port, default 8080. */
  readonly serverPort?: number;
  readonly options?: TcpOptionsInput;
  /** Writes a fuzzed field into the finished frame; `ip` is where the IP header starts in it. */
  readonly mangle?: (frame: Buffer, ip: number) => Buffer;
}

/** The two hosts of a conversation: IPv4 by default, IPv6 for the IPv6 length fixtures. */
interface Hosts {
  readonly client: string;
  readonly server: string;
}
const V4: Hosts = { client: '198.18.0.1', server: '198.18.0.2' };
const V6: Hosts = { client: '2001:db8::1', server: '2001:db8::2' };

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

/** A client→server step (absolute seq/ack). */
function up(atMs: number, seq: number, ack: number, flags: number, len = 0, more: Partial<Step> = {}): Step {
  return { reverse: false, seq, ack, flags, len, atMs, ...more };
}

/** A server→client step (absolute seq/ack). */
function down(atMs: number, seq: number, ack: number, flags: number, len = 0, more: Partial<Step> = {}): Step {
  return { reverse: true, seq, ack, flags, len, atMs, ...more };
}

/** The same steps on another client port (another connection between the same hosts). */
function onPort(port: number, steps: readonly Step[]): Step[] {
  return steps.map((s) => ({ ...s, port }));
}

/** The steps moved `ms` later. */
function later(ms: number, steps: readonly Step[]): Step[] {
  return steps.map((s) => ({ ...s, atMs: s.atMs + ms }));
}

/** `steps` with `step` (a copy of steps[i] changed by `change`) inserted before index i. */
function withCopyBefore(steps: readonly Step[], i: number, change: Partial<Step>): Step[] {
  const base = steps[i]!;
  return [...steps.slice(0, i), { ...base, atMs: base.atMs - 0.5, ...change }, ...steps.slice(i)];
}

/** Handshake of client ISN `c`, server ISN `s`, starting at `t` (1 ms apart). */
function handshake(t: number, c: number, s: number): Step[] {
  return [up(t, c, 0, Syn), down(t + 1, s, c + 1, Syn | Ack), up(t + 2, c + 1, s + 1, Ack)];
}

// ---- Retransmitted SYNs, SYN-ACKs and FINs (spec §2 port reuse, §6 A3, A10, A11).

const C1 = 0x2100_0000;
const S1 = 0x7100_0000;

/**
 * A SYN resent twice by its RTO with the same ISN, answered by two SYN-ACKs (one per SYN the server
 * got); later a FIN resent twice by its RTO, zero-length each time.
 */
const SYN_SAME_ISN: readonly Step[] = [
  up(0, C0, 0, Syn, 0, { options: { mss: 1460 } }),
  up(1000, C0, 0, Syn, 0, { options: { mss: 1460 } }),
  up(3000, C0, 0, Syn, 0, { options: { mss: 1460 } }),
  down(3001, S0, C0 + 1, Syn | Ack, 0, { options: { mss: 1460 } }),
  down(3001.5, S0, C0 + 1, Syn | Ack, 0, { options: { mss: 1460 } }),
  up(3002, C0 + 1, S0 + 1, Ack),
  up(3002.5, C0 + 1, S0 + 1, Ack),
  up(3003, C0 + 1, S0 + 1, Psh | Ack, 6),
  down(3004, S0 + 1, C0 + 7, Psh | Ack, 10),
  up(3005, C0 + 7, S0 + 11, Ack),
  up(3010, C0 + 7, S0 + 11, Fin | Ack),
  up(3220, C0 + 7, S0 + 11, Fin | Ack),
  up(3650, C0 + 7, S0 + 11, Fin | Ack),
  down(3651, S0 + 11, C0 + 8, Fin | Ack),
  up(3652, C0 + 8, S0 + 12, Ack),
];

/**
 * A SYN resent with a different ISN (a new stream with reused ports); the late SYN-ACK to the first
 * SYN lands in the new stream and is reset by the client; after the FIN close, an old duplicate of
 * the second SYN (same ISN) is answered by an RST.
 */
const SYN_NEW_ISN: readonly Step[] = [
  up(0, C0, 0, Syn),
  up(1000, C1, 0, Syn),
  down(1001, S0, C0 + 1, Syn | Ack),
  up(1002, C0 + 1, 0, Rst),
  down(1003, S1, C1 + 1, Syn | Ack),
  up(1004, C1 + 1, S1 + 1, Ack),
  up(1005, C1 + 1, S1 + 1, Psh | Ack, 6),
  down(1006, S1 + 1, C1 + 7, Psh | Ack, 10),
  up(1007, C1 + 7, S1 + 11, Fin | Ack),
  down(1008, S1 + 11, C1 + 8, Fin | Ack),
  up(1009, C1 + 8, S1 + 12, Ack),
  up(2000, C1, 0, Syn),
  down(2001, 0, C1 + 1, Rst | Ack),
];

/**
 * Port reuse after a close: a FIN-closed connection, then a SYN with a new ISN on the same ports (a new
 * stream, reused_ports), resent by its RTO (same ISN: a retransmission in that stream), answered and
 * reset by the client; then a third SYN with another ISN after the RST (one more stream).
 */
const SYN_AFTER_CLOSE: readonly Step[] = [
  ...handshake(0, C0, S0),
  up(3, C0 + 1, S0 + 1, Psh | Ack, 6),
  down(4, S0 + 1, C0 + 7, Psh | Ack, 10),
  up(5, C0 + 7, S0 + 11, Fin | Ack),
  down(6, S0 + 11, C0 + 8, Fin | Ack),
  up(7, C0 + 8, S0 + 12, Ack),
  up(1000, C1, 0, Syn),
  up(2000, C1, 0, Syn),
  down(2001, S1, C1 + 1, Syn | Ack),
  up(2002, C1 + 1, S1 + 1, Ack),
  up(2003, C1 + 1, S1 + 1, Psh | Ack, 6),
  up(2004, C1 + 7, S1 + 1, Rst | Ack),
  up(3000, C0 + 0x9000, 0, Syn),
  down(3001, S0 + 0x9000, C0 + 0x9001, Syn | Ack),
  up(3002, C0 + 0x9001, S0 + 0x9001, Ack),
];

/**
 * SYN-ACK retransmissions: (40000) the client's ACK and request were lost after the capture point,
 * the server resends its SYN-ACK, the client re-ACKs and resends the request; (40001) a server-side
 * view where the client's ACK never arrives and the first request carries it; (40002) a SYN-ACK
 * resent with a different ISN (the server restarted its handshake).
 */
const SYN_ACK_RESENT: readonly Step[] = [
  up(0, C0, 0, Syn),
  down(1, S0, C0 + 1, Syn | Ack),
  up(2, C0 + 1, S0 + 1, Ack),
  up(3, C0 + 1, S0 + 1, Psh | Ack, 6),
  down(1001, S0, C0 + 1, Syn | Ack),
  up(1002, C0 + 7, S0 + 1, Ack),
  up(1203, C0 + 1, S0 + 1, Psh | Ack, 6),
  down(1204, S0 + 1, C0 + 7, Ack),
  down(1205, S0 + 1, C0 + 7, Psh | Ack, 10),
  up(1206, C0 + 7, S0 + 11, Ack),
  ...onPort(40001, [
    up(2000, C1, 0, Syn),
    down(2001, S1, C1 + 1, Syn | Ack),
    down(3001, S1, C1 + 1, Syn | Ack),
    down(5001, S1, C1 + 1, Syn | Ack),
    up(5002, C1 + 1, S1 + 1, Psh | Ack, 6),
    down(5003, S1 + 1, C1 + 7, Psh | Ack, 10),
    up(5004, C1 + 7, S1 + 11, Rst | Ack),
  ]),
  ...onPort(40002, [
    up(6000, C0 + 0x40, 0, Syn),
    down(6001, S0 + 0x40, C0 + 0x41, Syn | Ack),
    down(7001, S1 + 0x40, C0 + 0x41, Syn | Ack),
    up(7002, C0 + 0x41, S1 + 0x41, Ack),
    up(7003, C0 + 0x41, S1 + 0x41, Psh | Ack, 6),
    down(7004, S1 + 0x41, C0 + 0x47, Psh | Ack, 10),
    up(7005, C0 + 0x47, S1 + 0x4b, Fin | Ack),
    down(7006, S1 + 0x4b, C0 + 0x48, Fin | Ack),
    up(7007, C0 + 0x48, S1 + 0x4c, Ack),
  ]),
];

/**
 * FIN+data: (40000) the server's last 10 bytes ride on its FIN, resent by the RTO, acknowledged,
 * then resent once more (spurious); the client's zero-length FIN is resent after the server ACKed it.
 * (40001) reordering: the FIN overtakes the last data segment, and a FIN resent within the iRTT.
 */
const FIN_WITH_DATA: readonly Step[] = [
  ...handshake(0, C0, S0),
  up(3, C0 + 1, S0 + 1, Psh | Ack, 6),
  down(4, S0 + 1, C0 + 7, Ack, 10),
  down(5, S0 + 11, C0 + 7, Fin | Psh | Ack, 10),
  down(210, S0 + 11, C0 + 7, Fin | Psh | Ack, 10),
  up(211, C0 + 7, S0 + 22, Ack),
  down(420, S0 + 11, C0 + 7, Fin | Psh | Ack, 10),
  up(421, C0 + 7, S0 + 22, Fin | Ack),
  down(422, S0 + 22, C0 + 8, Ack),
  up(640, C0 + 7, S0 + 22, Fin | Ack),
  down(641, S0 + 22, C0 + 8, Ack),
  ...onPort(40001, [
    ...handshake(1000, C1, S1),
    up(1010, C1 + 1, S1 + 1, Psh | Ack, 6),
    down(1020, S1 + 1, C1 + 7, Ack, 10),
    down(1020.2, S1 + 21, C1 + 7, Fin | Ack),
    down(1020.4, S1 + 11, C1 + 7, Ack, 10),
    down(1020.6, S1 + 21, C1 + 7, Fin | Ack),
    up(1021, C1 + 7, S1 + 22, Fin | Ack),
    down(1022, S1 + 22, C1 + 8, Ack),
  ]),
];

/**
 * Loss around a FIN: (40000) a data segment missing before the FIN (previous segment not captured),
 * fast-retransmitted after two dup ACKs; then the FIN lost after the capture point and resent after
 * two more dup ACKs (a fast retransmission of a zero-length FIN). (40001) the client's FIN not
 * captured: the server's FIN acks it (ACKed unseen segment), and the client's resent FIN follows.
 */
const FIN_AFTER_DUP_ACKS: readonly Step[] = [
  ...handshake(0, C0, S0),
  up(10, C0 + 1, S0 + 1, Psh | Ack, 10),
  up(11, C0 + 21, S0 + 1, Psh | Ack, 10),
  up(12, C0 + 31, S0 + 1, Fin | Ack),
  down(13, S0 + 1, C0 + 11, Ack),
  down(14, S0 + 1, C0 + 11, Ack),
  down(15, S0 + 1, C0 + 11, Ack),
  up(16, C0 + 11, S0 + 1, Ack, 10),
  down(17, S0 + 1, C0 + 31, Ack),
  down(18, S0 + 1, C0 + 31, Ack),
  down(19, S0 + 1, C0 + 31, Ack),
  up(20, C0 + 31, S0 + 1, Fin | Ack),
  down(21, S0 + 1, C0 + 32, Fin | Ack),
  up(22, C0 + 32, S0 + 2, Ack),
  ...onPort(40001, [
    ...handshake(100, C1, S1),
    up(103, C1 + 1, S1 + 1, Psh | Ack, 6),
    down(104, S1 + 1, C1 + 7, Psh | Ack, 10),
    down(110, S1 + 11, C1 + 8, Fin | Ack),
    up(310, C1 + 7, S1 + 12, Fin | Ack),
    down(311, S1 + 12, C1 + 8, Ack),
    up(312, C1 + 8, S1 + 12, Ack),
  ]),
];

// ---- Fuzzed and corrupted headers (spec §1, §2): what tshark numbers and analyses, and what follows.

/** The IP header length (IPv4 IHL, or 40 for IPv6) of the datagram at `ip`. */
function ipHeaderLength(frame: Buffer, ip: number): number {
  return frame[ip]! >> 4 === 6 ? 40 : (frame[ip]! & 0x0f) * 4;
}

/** Sets the TCP data offset (in 32-bit words). */
function tcpDataOffset(words: number): Step['mangle'] {
  return (f, ip) => {
    const at = ip + ipHeaderLength(f, ip) + 12;
    f[at] = (words << 4) | (f[at]! & 0x0f);
    return f;
  };
}

/** Sets the first IPv4 byte (version nibble and IHL). */
function ipv4VersionIhl(byte: number): Step['mangle'] {
  return (f, ip) => {
    f[ip] = byte;
    return f;
  };
}

/** Rewrites the IPv4 total length (from the true one). */
function ipv4TotalLength(change: (length: number) => number): Step['mangle'] {
  return (f, ip) => {
    f.writeUInt16BE(change(f.readUInt16BE(ip + 2)) & 0xffff, ip + 2);
    return f;
  };
}

/** Rewrites the IPv6 payload length (from the true one). */
function ipv6PayloadLength(change: (length: number) => number): Step['mangle'] {
  return (f, ip) => {
    f.writeUInt16BE(change(f.readUInt16BE(ip + 4)) & 0xffff, ip + 4);
    return f;
  };
}

/** A frame with no captured bytes at all. */
const emptyFrame: Step['mangle'] = () => Buffer.alloc(0);

/** Handshake, a request, eight 10-byte responses, FIN close: room for corrupted frames in between. */
function longConversation(t: number, c: number, s: number): Step[] {
  const steps = [...handshake(t, c, s), up(t + 3, c + 1, s + 1, Psh | Ack, 6)];
  for (let k = 0; k < 8; k++) steps.push(down(t + 10 + k, s + 1 + 10 * k, c + 7, Ack, 10));
  steps.push(
    up(t + 20, c + 7, s + 81, Ack),
    up(t + 30, c + 7, s + 81, Fin | Ack),
    down(t + 31, s + 81, c + 8, Fin | Ack),
    up(t + 32, c + 8, s + 82, Ack),
  );
  return steps;
}

/** Index of the response segment `k` (0…7) in longConversation. */
const RESPONSE = (k: number): number => 4 + k;

/**
 * Bad TCP data offsets: a copy of response 1 with offset 4 words (< 5) and of response 4 with 15 words
 * (beyond the segment), response 6 itself with offset 2 (never seen otherwise); then a new pair whose
 * first frame (a SYN) has offset 3, followed by its real handshake, and a third pair.
 */
function tcpDataOffsetSteps(): Step[] {
  let steps = longConversation(0, C0, S0);
  steps = steps.map((s, i) => (i === RESPONSE(6) ? { ...s, mangle: tcpDataOffset(2) } : s));
  steps = withCopyBefore(steps, RESPONSE(4), { mangle: tcpDataOffset(15) });
  steps = withCopyBefore(steps, RESPONSE(1), { mangle: tcpDataOffset(4) });
  return [
    ...steps,
    up(100, C1, 0, Syn, 0, { port: 40001, mangle: tcpDataOffset(3) }),
    ...onPort(40001, later(100.5, longConversation(0, C1, S1))),
    ...onPort(40002, later(200, handshake(0, C0 + 0x1000, S0 + 0x1000))),
  ];
}

/**
 * Bad IPv4 headers, each on a copy of the next response (or on the response itself, marked "own"):
 * IHL 4, total length 19 (< the IP header), total length 30 (< IP + TCP headers), total length 100
 * bytes beyond the frame, version 5, version 6 behind EtherType IPv4, version 0 (own), and a frame of
 * zero bytes.
 */
function ipv4HeaderSteps(): Step[] {
  let steps = longConversation(0, C0, S0);
  steps = steps.map((s, i) => (i === RESPONSE(7) ? { ...s, mangle: ipv4VersionIhl(0x05) } : s));
  steps = withCopyBefore(steps, RESPONSE(6), { mangle: emptyFrame });
  steps = withCopyBefore(steps, RESPONSE(5), { mangle: ipv4VersionIhl(0x65) });
  steps = withCopyBefore(steps, RESPONSE(4), { mangle: ipv4VersionIhl(0x55) });
  steps = withCopyBefore(steps, RESPONSE(3), { mangle: ipv4TotalLength((n) => n + 100) });
  steps = withCopyBefore(steps, RESPONSE(2), { mangle: ipv4TotalLength(() => 30) });
  steps = withCopyBefore(steps, RESPONSE(1), { mangle: ipv4TotalLength(() => 19) });
  steps = withCopyBefore(steps, RESPONSE(0), { mangle: ipv4VersionIhl(0x44) });
  return steps;
}

/**
 * Impossible flag combinations and port 0: in-stream, a copy of response 2 with every flag set and a
 * SYN+FIN copy of response 5; a new pair opened by SYN+FIN then reopened by SYN+RST with another
 * ISN; client port 0; server port 0.
 */
function tcpFlagSteps(): Step[] {
  const all = Fin | Syn | Rst | Psh | Ack | Urg | Ece | Cwr | Ae;
  let steps = longConversation(0, C0, S0);
  steps = withCopyBefore(steps, RESPONSE(5), { flags: Syn | Fin });
  steps = withCopyBefore(steps, RESPONSE(2), { flags: all });
  return [
    ...steps,
    up(100, C1, 0, Syn | Fin, 0, { port: 40001 }),
    down(101, S1, C1 + 1, Syn | Ack, 0, { port: 40001 }),
    up(102, C1 + 0x500, 0, Syn | Rst, 0, { port: 40001 }),
    down(103, S1, C1 + 1, Syn | Ack, 0, { port: 40001 }),
    up(104, C1 + 1, S1 + 1, Ack, 0, { port: 40001 }),
    up(105, C1 + 1, S1 + 1, Fin | Syn | Rst | Ack, 6, { port: 40001 }),
    ...onPort(0, later(200, handshake(0, C0 + 0x2000, S0 + 0x2000))),
    up(203, C0 + 0x2001, S0 + 0x2001, Psh | Ack, 6, { port: 0 }),
    ...later(300, handshake(0, C0 + 0x3000, S0 + 0x3000)).map((s) => ({ ...s, port: 40003, serverPort: 0 })),
    up(303, C0 + 0x3001, S0 + 0x3001, Psh | Ack, 6, { port: 40003, serverPort: 0 }),
  ];
}

/**
 * IPv6 payload lengths that disagree with the frame: a copy of response 1 claiming 100 bytes more,
 * response 3 claiming 8 bytes (< the TCP header), response 5 claiming 23 (3 of its 10 payload bytes),
 * a copy of response 6 claiming 0.
 */
function ipv6LengthSteps(): Step[] {
  let steps = longConversation(0, C0, S0);
  steps = steps.map((s, i) =>
    i === RESPONSE(3) ? { ...s, mangle: ipv6PayloadLength(() => 8) }
      : i === RESPONSE(5) ? { ...s, mangle: ipv6PayloadLength(() => 23) }
        : s);
  steps = withCopyBefore(steps, RESPONSE(6), { mangle: ipv6PayloadLength(() => 0) });
  steps = withCopyBefore(steps, RESPONSE(1), { mangle: ipv6PayloadLength((n) => n + 100) });
  return steps;
}

/** `timestamps`: every segment carries the timestamps option (a 32-byte header, 12 option bytes). */
function datagram(step: Step, i: number, timestamps: boolean, hosts: Hosts): Buffer {
  const port = step.port ?? 40000;
  const serverPort = step.serverPort ?? 8080;
  const options: TcpOptionsInput | undefined = timestamps
    ? { ...step.options, timestamp: { value: 5000 + i, echo: 4000 + i } }
    : step.options;
  const spec: TcpFrameSpec = {
    src: step.reverse ? hosts.server : hosts.client, dst: step.reverse ? hosts.client : hosts.server,
    sport: step.reverse ? serverPort : port, dport: step.reverse ? port : serverPort,
    seq: step.seq >>> 0, ack: step.ack >>> 0, flags: step.flags, window: 502,
    payload: Buffer.alloc(step.len, step.reverse ? 0x53 : 0x43), ipId: 200 + i, dontFragment: false,
    reverse: step.reverse,
    ...(options !== undefined ? { options } : {}),
  };
  return buildTcpDatagram(spec);
}

function at(ms: number): bigint {
  return START_NS + BigInt(Math.round(ms * 1_000_000));
}

/** How a script is turned into frames. */
interface ScriptOptions {
  readonly steps?: readonly Step[];
  readonly hosts?: Hosts;
  /** Every segment carries the timestamps option. */
  readonly timestamps?: boolean;
  /** Rewrites a whole frame after any mangle (trailers, snapshot cuts). */
  readonly edit?: (frame: Buffer, i: number) => WritableFrame;
}

function conversation(encap: Encapsulation, o: ScriptOptions = {}): WritableFrame[] {
  const { steps = CONVERSATION, hosts = V4, timestamps = false, edit } = o;
  return steps.map((step, i) => {
    const ip = datagram(step, i, timestamps, hosts);
    const framed = encap.wrap(ip, step.reverse);
    const data = step.mangle === undefined ? framed : step.mangle(Buffer.from(framed), framed.length - ip.length);
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
    frames: () => conversation(ethernetEncap(), { edit: (f, i) => ({ timestampNs: 0n, data: padded(f, 4 + (i % 5) * 7, 0xa5) }) }),
  },
  {
    name: 'padding-vlan-stack', linkType: LinkType.Ethernet,
    frames: () => conversation(ethernetEncap([{ tpid: EtherType.QinQ, vid: 300 }, { tpid: EtherType.Vlan, vid: 30 }]),
      { edit: (f, i) => ({ timestampNs: 0n, data: padded(f, 6 + (i % 3) * 11, 0x5a) }) }),
  },
  {
    // The PPPoE length covers the trailer too (a buggy access concentrator): IP's total length still bounds the segment.
    name: 'padding-pppoe-length', linkType: LinkType.Ethernet,
    frames: () => conversation(pppoeEncap(0x2222), { edit: (f, i) => {
      const pad = 8 + (i % 4) * 5;
      const data = padded(f, pad, 0x3c);
      data.writeUInt16BE(data.readUInt16BE(14 + 4) + pad, 14 + 4);
      return { timestampNs: 0n, data };
    } }),
  },
  // Snapshot cuts inside the TCP header: after the ports and sequence numbers (12 bytes), and inside
  // the options (24 of the 32 header bytes).
  {
    name: 'tcp-cut-by-snapshot', linkType: LinkType.Ethernet,
    frames: () => conversation(ethernetEncap(), { timestamps: true, edit: (f, i) => {
      const keep = i === 4 || i === 10 ? 12 : i === 5 || i === 7 || i === 8 || i === 9 ? 24 : undefined;
      return keep === undefined ? { timestampNs: 0n, data: f } : { timestampNs: 0n, data: f.subarray(0, 14 + 20 + keep), originalLength: f.length };
    } }),
  },
  // Retransmitted SYNs, SYN-ACKs and FINs.
  { name: 'retrans-syn-same-isn', linkType: LinkType.Ethernet, frames: () => conversation(ethernetEncap(), { steps: SYN_SAME_ISN }) },
  { name: 'retrans-syn-new-isn', linkType: LinkType.Ethernet, frames: () => conversation(ethernetEncap(), { steps: SYN_NEW_ISN }) },
  { name: 'retrans-syn-after-close', linkType: LinkType.Ethernet, frames: () => conversation(ethernetEncap(), { steps: SYN_AFTER_CLOSE }) },
  { name: 'retrans-syn-ack', linkType: LinkType.Ethernet, frames: () => conversation(ethernetEncap(), { steps: SYN_ACK_RESENT }) },
  { name: 'retrans-fin-data', linkType: LinkType.Ethernet, frames: () => conversation(ethernetEncap(), { steps: FIN_WITH_DATA }) },
  { name: 'retrans-fin-dup-acks', linkType: LinkType.Ethernet, frames: () => conversation(ethernetEncap(), { steps: FIN_AFTER_DUP_ACKS }) },
  // Fuzzed and corrupted headers.
  { name: 'fuzz-tcp-data-offset', linkType: LinkType.Ethernet, frames: () => conversation(ethernetEncap(), { steps: tcpDataOffsetSteps() }) },
  { name: 'fuzz-ipv4-header', linkType: LinkType.Ethernet, frames: () => conversation(ethernetEncap(), { steps: ipv4HeaderSteps() }) },
  { name: 'fuzz-tcp-flags', linkType: LinkType.Ethernet, frames: () => conversation(ethernetEncap(), { steps: tcpFlagSteps() }) },
  { name: 'fuzz-ipv6-length', linkType: LinkType.Ethernet, frames: () => conversation(ethernetEncap(), { steps: ipv6LengthSteps(), hosts: V6 }) },
];

mkdirSync(OUT_DIR, { recursive: true });
for (const f of FIXTURES) {
  writeFileSync(join(OUT_DIR, `${f.name}.pcap`), encodePcap(f.frames(), { linkType: f.linkType }));
}
console.log(`wrote ${FIXTURES.length} captures to ${OUT_DIR}`);
