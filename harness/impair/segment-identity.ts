/**
 * segment-identity.ts: names a TCP segment by what it is, not by when it came, so a recorded
 * decision finds the same segment in another run whose frames interleave differently.
 * Pure; must not import node I/O modules.
 */
import type { Direction } from './impairment.js';
import { tcpFieldsOfFrame } from './match.js';

/**
 * Who a segment is across runs: its connection (numbered by order of appearance, from 1), relative
 * sequence number (0 = the SYN), payload length, flags (tcpdump letters over SYN, FIN, RST and ACK;
 * PSH and ECN bits are left out because the kernel sets them by timing) and occurrence (1 = first
 * send, 2 = first retransmission or copy, …). The direction is the decision's own.
 */
export interface SegmentIdentity {
  readonly conn: number;
  readonly seq: number;
  readonly len: number;
  readonly flags: string;
  readonly occurrence: number;
}

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/** tcpdump's letters for the identity's flags: "S", "S.", ".", "F.", "R", "R.". */
export function identityFlags(flags: number): string {
  let s = '';
  if (flags & SYN) s += 'S';
  if (flags & FIN) s += 'F';
  if (flags & RST) s += 'R';
  if (flags & ACK) s += '.';
  return s;
}

/** The lookup key of an identity within one direction. */
export function segmentKey(direction: Direction, s: SegmentIdentity): string {
  return `${direction} ${s.conn} ${s.seq} ${s.len} ${s.flags} ${s.occurrence}`;
}

/** "conn 1 seq 70001 len 1400 ., 2nd" for timelines and messages. */
export function describeSegment(s: SegmentIdentity): string {
  return `conn ${s.conn} seq ${s.seq} len ${s.len}${s.flags === '' ? '' : ` ${s.flags}`}${s.occurrence > 1 ? ` #${s.occurrence}` : ''}`;
}

interface Connection {
  readonly index: number;
  /** Initial sequence number per direction: the SYN's, or the first segment's when the SYN was not seen. */
  base: Record<Direction, number | undefined>;
}

/**
 * A stateful namer: call it with every frame of a run in the order the proxy receives them (both
 * directions). Returns undefined for anything but TCP over IP over Ethernet.
 * A SYN with a new initial sequence number on a known address pair starts a new connection (port reuse).
 */
export function createSegmentIdentifier(): (direction: Direction, frame: Buffer) => SegmentIdentity | undefined {
  const connections = new Map<string, Connection>();
  const occurrences = new Map<string, number>();
  let count = 0;
  return (direction, frame) => {
    const tcp = tcpFieldsOfFrame(frame);
    if (tcp === undefined) return undefined;
    // uplink = client→server, so the client's endpoint is the source going up and the destination coming down.
    const key =
      direction === 'uplink'
        ? `${tcp.srcAddressHex}:${tcp.srcPort}>${tcp.dstAddressHex}:${tcp.dstPort}`
        : `${tcp.dstAddressHex}:${tcp.dstPort}>${tcp.srcAddressHex}:${tcp.srcPort}`;
    let c = connections.get(key);
    const syn = (tcp.flags & SYN) !== 0;
    const reused = c !== undefined && syn && c.base[direction] !== undefined && c.base[direction] !== tcp.seq;
    if (c === undefined || reused) {
      c = { index: ++count, base: { uplink: undefined, downlink: undefined } };
      connections.set(key, c);
    }
    c.base[direction] ??= tcp.seq;
    const identity = {
      conn: c.index,
      seq: (tcp.seq - c.base[direction]) >>> 0,
      len: tcp.segmentLength,
      flags: identityFlags(tcp.flags),
    };
    const seen = `${direction} ${identity.conn} ${identity.seq} ${identity.len} ${identity.flags}`;
    const occurrence = (occurrences.get(seen) ?? 0) + 1;
    occurrences.set(seen, occurrence);
    return { ...identity, occurrence };
  };
}
