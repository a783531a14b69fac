/**
 * packet.ts: the decoded view of a Frame. Every `bytes` and `payload` is a subarray of
 * frame.data (or, for a reassembled IP datagram, of the reassembled buffer): nothing is copied.
 * Pure types and constants; no I/O.
 */
import type { Frame } from './frame.js';

/** EtherType values we follow (IEEE registry). */
export const EtherType = {
  Ipv4: 0x0800,
  Arp: 0x0806,
  Vlan: 0x8100,
  Ipv6: 0x86dd,
  QinQ: 0x88a8,
  QinQOld: 0x9100,
  Mpls: 0x8847,
  MplsMulticast: 0x8848,
  PppoeDiscovery: 0x8863,
  PppoeSession: 0x8864,
  TransparentEthernetBridging: 0x6558,
  Erspan2: 0x88be,
  Erspan3: 0x22eb,
} as const;
export type EtherType = (typeof EtherType)[keyof typeof EtherType];

/** IP protocol numbers (IANA) we follow. */
export const IpProtocol = {
  HopByHop: 0,
  Icmp: 1,
  IpInIp: 4,
  Tcp: 6,
  Udp: 17,
  Ipv6: 41,
  Ipv6Route: 43,
  Ipv6Fragment: 44,
  Gre: 47,
  Esp: 50,
  Ah: 51,
  Icmpv6: 58,
  Ipv6NoNext: 59,
  Ipv6Dest: 60,
} as const;
export type IpProtocol = (typeof IpProtocol)[keyof typeof IpProtocol];

/** TCP header flag bits (RFC 9293 and RFC 3168; AE is the former NS bit). */
export const TcpFlag = {
  Fin: 0x001,
  Syn: 0x002,
  Rst: 0x004,
  Psh: 0x008,
  Ack: 0x010,
  Urg: 0x020,
  Ece: 0x040,
  Cwr: 0x080,
  Ae: 0x100,
} as const;

/** Why a layer could not be fully decoded. Recorded on the Packet; never thrown. */
export type DecodeIssueCode =
  | 'truncated'
  | 'bad-length'
  | 'bad-option'
  | 'bad-fragment'
  // A field with an impossible value that tshark reports as a protocol error, not a malformed packet.
  | 'protocol-error'
  | 'unsupported-layer';

/** A problem found while decoding one frame. */
export interface DecodeIssue {
  readonly code: DecodeIssueCode;
  /** Layer name as in `Packet.layers` ("tcp", "ipv4", "gre", ...). */
  readonly layer: string;
  /** Byte offset in frame.data where the problem starts. */
  readonly offset: number;
  /** One line: what, expected, found. */
  readonly message: string;
}

/**
 * True for a header cut short where the snapshot length cut the frame: tshark reports that as
 * `[Packet size limited during capture]` (a BoundsError), not as a malformed packet.
 */
export function isCaptureLimited(issue: DecodeIssue, frame: Frame): boolean {
  // Options cut by the capture are reported as a bad option length at the cut.
  return (issue.code === 'truncated' || issue.code === 'bad-option') && frame.data.length < frame.originalLength;
}

/** True for an issue tshark counts as `_ws.malformed`: damage, not a layer we skip or a snapshot cut. */
export function isMalformedIssue(issue: DecodeIssue, frame: Frame): boolean {
  return issue.code !== 'unsupported-layer' && issue.code !== 'protocol-error' && !isCaptureLimited(issue, frame);
}

/** Common shape of every decoded header. */
export interface Layer {
  /** This header's own bytes. */
  readonly bytes: Buffer;
  /** What it carries (may be shorter than announced when the capture was cut). */
  readonly payload: Buffer;
}

export interface EthernetHeader extends Layer {
  readonly kind: 'ethernet';
  readonly dst: Buffer;
  readonly src: Buffer;
  /** EtherType after all VLAN tags. */
  readonly etherType: number;
  /** VLAN IDs outermost first (802.1Q, QinQ). */
  readonly vlanIds: readonly number[];
}

export interface SllHeader extends Layer {
  readonly kind: 'sll' | 'sll2';
  readonly packetType: number;
  readonly protocol: number;
  readonly interfaceIndex?: number;
}

export interface NullHeader extends Layer {
  readonly kind: 'null';
  readonly family: number;
}

export type LinkHeader = EthernetHeader | SllHeader | NullHeader;

export interface Ipv4Header extends Layer {
  readonly version: 4;
  /** 4-byte view; format with formatIp(). */
  readonly src: Buffer;
  readonly dst: Buffer;
  readonly headerLength: number;
  /** Total length field. */
  readonly totalLength: number;
  readonly identification: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** Fragment offset in bytes. */
  readonly fragmentOffset: number;
  /** Length of the payload the header announces (totalLength − headerLength). */
  readonly payloadLength: number;
}

export interface Ipv6Header extends Layer {
  readonly version: 6;
  readonly src: Buffer;
  readonly dst: Buffer;
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly hopLimit: number;
  /** Protocol after the extension headers. */
  readonly protocol: number;
  /** Extension header protocol numbers in order. */
  readonly extensionHeaders: readonly number[];
  /** Fragment header, when present. */
  readonly fragment?: { readonly offset: number; readonly moreFragments: boolean; readonly identification: number };
  /** Length of the upper-layer payload the header announces (payload length − extension headers). */
  readonly payloadLength: number;
}

export type IpHeader = Ipv4Header | Ipv6Header;

/** Parsed TCP options (RFC 9293, 7323, 2018, 7413). Absent option = undefined. */
export interface TcpOptions {
  readonly mss?: number;
  /** Window-scale shift as sent (not clamped). */
  readonly windowScale?: number;
  readonly sackPermitted?: boolean;
  /** SACK blocks [left, right) as raw sequence numbers, at most 4. */
  readonly sackBlocks?: readonly (readonly [number, number])[];
  readonly timestamp?: { readonly value: number; readonly echo: number };
  /** TCP Fast Open cookie (kind 34); empty Buffer for a cookie request. */
  readonly fastOpenCookie?: Buffer;
}

export interface TcpHeader extends Layer {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** Header length in bytes (data offset × 4). */
  readonly headerLength: number;
  /** The 12 flag bits (TcpFlag). */
  readonly flags: number;
  /** Raw 16-bit window field. */
  readonly windowRaw: number;
  readonly checksum: number;
  readonly urgentPointer: number;
  readonly options: TcpOptions;
  /**
   * Segment length as Wireshark counts it: the IP payload length announced by the IP header
   * minus the TCP header length. May exceed payload.length when the snaplen cut the frame, and is
   * negative when the header is longer than the announced payload (tshark's "Short segment").
   */
  readonly segmentLength: number;
}

export interface UdpHeader extends Layer {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly length: number;
  readonly checksum: number;
}

/** An ICMP/ICMPv6 error that quotes an IP header and the start of a TCP/UDP header. */
export interface IcmpHeader extends Layer {
  readonly version: 4 | 6;
  readonly type: number;
  readonly code: number;
  /** The quoted datagram, when the message is an error that quotes one. */
  readonly quoted?: { readonly ip: IpHeader; readonly tcp?: TcpHeader; readonly udp?: UdpHeader };
}

/** A decoded frame. */
export interface Packet {
  readonly frame: Frame;
  /**
   * Protocol chain outermost first, e.g. ["eth","vlan","ipv4","udp","gtp","ipv4","tcp"].
   * Names: eth, sll, sll2, null, vlan, mpls, pppoe, ppp, chdlc, wlan, radiotap, llc, erspan,
   * gre, gtp, vxlan, geneve, ipv4, ipv6, tcp, udp, icmp, icmpv6, tls.
   */
  readonly layers: readonly string[];
  readonly link?: LinkHeader;
  /** The innermost IP header: the one that carries the transport header below. */
  readonly ip?: IpHeader;
  /** Outer IP headers of tunnels, outermost first. */
  readonly outerIps?: readonly IpHeader[];
  readonly tcp?: TcpHeader;
  readonly udp?: UdpHeader;
  readonly icmp?: IcmpHeader;
  /** Bytes after the last decoded header. */
  readonly payload: Buffer;
  /** Set on a frame whose IP datagram is a fragment that was not (yet) reassembled. */
  readonly ipFragment?: boolean;
  /** Set on the frame that completed an IP reassembly: frame indexes of all its fragments. */
  readonly reassembledFrom?: readonly number[];
  /** Truncated or malformed layers: recorded here, not thrown. */
  readonly issues: readonly DecodeIssue[];
}

/** A Packet that carries a TCP segment in IP (not one quoted in ICMP). */
export type Segment = Packet & { readonly ip: IpHeader; readonly tcp: TcpHeader };

/** True when the packet carries a TCP segment that TCP analysis should see. */
export function isSegment(p: Packet): p is Segment {
  return p.tcp !== undefined && p.ip !== undefined;
}

/** Formats a 4- or 16-byte address view the way Wireshark prints it (RFC 5952 for IPv6). */
export function formatIp(addr: Buffer): string {
  if (addr.length === 4) return `${addr[0]}.${addr[1]}.${addr[2]}.${addr[3]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(addr.readUInt16BE(i));
  // RFC 5952 §4.2: compress the longest run (≥ 2) of zero words, the first one on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}
