/**
 * decode-frame.ts: turns a Frame into a Packet, following link type → shims → IP → transport → tunnels.
 * Pure and total (never throws); imports only packet/ and decode/. No I/O, no capture/ or analysis/.
 */
import type { Frame } from '../packet/frame.js';
import { LinkType as LinkTypes } from '../packet/frame.js';
import type {
  DecodeIssue,
  DecodeIssueCode,
  IcmpHeader,
  IpHeader,
  LinkHeader,
  NullHeader,
  Packet,
  SllHeader,
  TcpHeader,
  UdpHeader,
} from '../packet/packet.js';
import { EtherType as EtherTypes, IpProtocol as IpProtocols } from '../packet/packet.js';
import { EthernetView, Ipv4View, Ipv6View, UdpView, viewOf } from './header-views.js';
import type { Ipv6FragmentInfo } from './header-views.js';
import { decodeTcpHeader } from './tcp.js';

// Local plain copies of the shared constant tables: under tsx, imported bindings are read through
// module getters on every access; those getters topped a CPU profile of the hot switch statements.
const LinkType = { ...LinkTypes } as const;
const EtherType = { ...EtherTypes } as const;
const IpProtocol = { ...IpProtocols } as const;

/** Hard bounds that keep crafted input from looping or recursing without end. */
export const DecodeLimits = {
  /** VLAN tags in one Ethernet header (QinQ uses 2; 8 is far beyond real use). */
  maxVlanTags: 8,
  /** MPLS labels before bottom-of-stack. */
  maxMplsLabels: 8,
  /** IPv6 extension headers in one datagram. */
  maxIpv6ExtensionHeaders: 8,
  /** GTP-U extension headers. */
  maxGtpExtensionHeaders: 8,
  /** IP headers in one frame (outer tunnel headers plus the inner one). */
  maxIpHeaders: 8,
  /** Protocol layers in one frame; bounds shims that nest without IP (Ethernet in Ethernet). */
  maxLayers: 40,
} as const;

/** UDP ports of the tunnels we follow (IANA). */
const UdpPort = { GtpU: 2152, Vxlan: 4789, Geneve: 6081 } as const;

/** PPP protocol numbers (RFC 1661 registry) we follow. */
const PppProtocol = { Ipv4: 0x0021, Ipv6: 0x0057, Mpls: 0x0281, MplsMulticast: 0x0283 } as const;

/** GRE protocol types beyond EtherTypes (Wireshark packet-gre.h). */
const GreProtocol = {
  /** WCCP redirection: an IPv4 datagram, optionally behind a 4-byte WCCPv2 redirect header. */
  Wccp: 0x883e,
  /** PPTP's enhanced GRE carries PPP. */
  Ppp: 0x880b,
  /** Aruba AP↔controller tunnels carry raw 802.11 frames: 0x8200…0x8370 in steps of 0x10, and 0x9000. */
  ArubaFirst: 0x8200,
  ArubaLast: 0x8370,
  Aruba9000: 0x9000,
} as const;

/** BSD address families meaning IPv4 / IPv6 in DLT_NULL and DLT_LOOP headers. */
const AF_INET = 2;
const AF_INET6_BSD = 24; // NetBSD, OpenBSD, BSD/OS
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

const NO_ISSUES: readonly DecodeIssue[] = Object.freeze([]);
const NO_VLANS: readonly number[] = Object.freeze([]);
const NO_EXTENSIONS: readonly number[] = Object.freeze([]);

/** Mutable state while one frame (or one reassembled datagram) is decoded. */
class DecodeState {
  readonly frame: Frame;
  /** The bytes being decoded: frame.data, or a reassembled datagram. */
  readonly data: Buffer;
  readonly layers: string[];
  issues: DecodeIssue[] | undefined;
  link: LinkHeader | undefined;
  ip: IpHeader | undefined;
  outerIps: IpHeader[] | undefined;
  ipCount = 0;
  tcp: TcpHeader | undefined;
  udp: UdpHeader | undefined;
  icmp: IcmpHeader | undefined;
  ipFragment = false;
  payloadStart: number;
  payloadEnd: number;

  constructor(frame: Frame, data: Buffer, layers: string[]) {
    this.frame = frame;
    this.data = data;
    this.layers = layers;
    this.issues = undefined;
    this.link = undefined;
    this.ip = undefined;
    this.outerIps = undefined;
    this.tcp = undefined;
    this.udp = undefined;
    this.icmp = undefined;
    this.payloadStart = 0;
    this.payloadEnd = data.length;
  }
}

function addIssue(s: DecodeState, code: DecodeIssueCode, layer: string, offset: number, message: string): void {
  const issue: DecodeIssue = { code, layer, offset, message: `frame ${s.frame.index}: ${message}` };
  if (s.issues === undefined) s.issues = [issue];
  else s.issues.push(issue);
}

/** Stops decoding at `off`: whatever is left becomes the packet payload. */
function stop(s: DecodeState, off: number, end: number): void {
  s.payloadStart = off;
  s.payloadEnd = end;
}

/** Records a layer that we do not follow and stops there. */
function unsupported(s: DecodeState, layer: string, off: number, end: number, what: string): void {
  addIssue(s, 'unsupported-layer', layer, off, what);
  stop(s, off, end);
}

/** Records a header cut short by the capture and stops there. */
function truncated(s: DecodeState, layer: string, off: number, end: number, needBytes: number): void {
  addIssue(s, 'truncated', layer, off, `${layer} header needs ${needBytes} bytes at offset ${off}, only ${Math.max(0, end - off)} captured`);
  stop(s, off, end);
}

/** True (and an issue recorded) when one more layer would exceed DecodeLimits.maxLayers. */
function tooDeep(s: DecodeState, layer: string, off: number, end: number): boolean {
  if (s.layers.length < DecodeLimits.maxLayers) return false;
  addIssue(s, 'bad-length', layer, off, `more than ${DecodeLimits.maxLayers} nested layers; stopped before ${layer}`);
  stop(s, off, end);
  return true;
}

function u16(d: Buffer, o: number): number {
  return (d[o]! << 8) | d[o + 1]!;
}

function u32(d: Buffer, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}

function u16le(d: Buffer, o: number): number {
  return d[o]! | (d[o + 1]! << 8);
}

// ---------------------------------------------------------------------------------------------
// Link layers

function decodeLink(s: DecodeState, linkType: number, end: number): void {
  switch (linkType) {
    case LinkType.Ethernet:
      decodeEthernet(s, 0, end);
      return;
    case LinkType.LinuxSll:
      decodeSll(s, end);
      return;
    case LinkType.LinuxSll2:
      decodeSll2(s, end);
      return;
    case LinkType.Null:
      decodeNull(s, end, false);
      return;
    case LinkType.Loop:
      decodeNull(s, end, true);
      return;
    case LinkType.Raw:
      decodeIpByVersion(s, 'raw', 0, end);
      return;
    case LinkType.Ipv4:
      decodeIpv4(s, 0, end);
      return;
    case LinkType.Ipv6:
      decodeIpv6(s, 0, end);
      return;
    case LinkType.Ppp:
      decodePpp(s, 0, end, true);
      return;
    case LinkType.PppHdlc:
      // Wireshark's PPP-in-HDLC dissector also accepts Cisco HDLC frames (address 0x0f/0x8f).
      if (end >= 1 && (s.data[0] === 0x0f || s.data[0] === 0x8f)) decodeCiscoHdlc(s, 0, end);
      else decodePpp(s, 0, end, true);
      return;
    case LinkType.PppWithDirection:
      if (end < 1) {
        truncated(s, 'ppp', 0, end, 1);
        return;
      }
      decodePpp(s, 1, end, true);
      return;
    case LinkType.CiscoHdlc:
      decodeCiscoHdlc(s, 0, end);
      return;
    case LinkType.Ieee80211:
      decodeIeee80211(s, 0, end);
      return;
    case LinkType.Radiotap:
      decodeRadiotap(s, 0, end);
      return;
    default:
      unsupported(s, 'frame', 0, end, `link type ${linkType} is not decoded`);
  }
}

function decodeEthernet(s: DecodeState, off: number, end: number): void {
  if (tooDeep(s, 'eth', off, end)) return;
  const d = s.data;
  if (end - off < 14) {
    truncated(s, 'eth', off, end, 14);
    return;
  }
  s.layers.push('eth');
  let type = u16(d, off + 12);
  let p = off + 14;
  let vlanIds: number[] | undefined;
  while (type === EtherType.Vlan || type === EtherType.QinQ || type === EtherType.QinQOld) {
    if (vlanIds !== undefined && vlanIds.length >= DecodeLimits.maxVlanTags) {
      addIssue(s, 'bad-length', 'vlan', p, `more than ${DecodeLimits.maxVlanTags} VLAN tags`);
      stop(s, p, end);
      return;
    }
    if (end - p < 4) {
      truncated(s, 'vlan', p, end, 4);
      return;
    }
    s.layers.push('vlan');
    if (vlanIds === undefined) vlanIds = [];
    vlanIds.push(u16(d, p) & 0x0fff);
    type = u16(d, p + 2);
    p += 4;
  }
  const eth = new EthernetView(d, off, p, end, type, vlanIds ?? NO_VLANS);
  if (s.link === undefined) s.link = eth;
  if (type <= 1500) {
    // IEEE 802.3 length field: an LLC header follows, bounded by that length.
    decodeLlc(s, p, Math.min(end, p + type));
    return;
  }
  decodeEtherType(s, type, p, end);
}

function decodeSll(s: DecodeState, end: number): void {
  const d = s.data;
  if (end < 16) {
    truncated(s, 'sll', 0, end, 16);
    return;
  }
  s.layers.push('sll');
  const protocol = u16(d, 14);
  s.link = makeSll('sll', d, 16, end, u16(d, 0), protocol, undefined);
  decodeSllProtocol(s, protocol, 16, end);
}

function decodeSll2(s: DecodeState, end: number): void {
  const d = s.data;
  if (end < 20) {
    truncated(s, 'sll2', 0, end, 20);
    return;
  }
  s.layers.push('sll2');
  const protocol = u16(d, 0);
  s.link = makeSll('sll2', d, 20, end, d[10]!, protocol, u32(d, 4));
  decodeSllProtocol(s, protocol, 20, end);
}

function makeSll(
  kind: 'sll' | 'sll2',
  d: Buffer,
  headerLength: number,
  end: number,
  packetType: number,
  protocol: number,
  interfaceIndex: number | undefined,
): SllHeader {
  const bytes = d.subarray(0, headerLength);
  const payload = d.subarray(headerLength, end);
  return interfaceIndex === undefined
    ? { kind, bytes, payload, packetType, protocol }
    : { kind, bytes, payload, packetType, protocol, interfaceIndex };
}

function decodeSllProtocol(s: DecodeState, protocol: number, off: number, end: number): void {
  // Linux SLL: protocol values ≤ 1500 are Linux ETH_P_* pseudo types (802.2 LLC is 4).
  if (protocol === 0x0004) decodeLlc(s, off, end);
  else if (protocol > 1500) decodeEtherType(s, protocol, off, end);
  else unsupported(s, 'sll', off, end, `linux cooked protocol 0x${protocol.toString(16)} is not decoded`);
}

function decodeNull(s: DecodeState, end: number, networkOrder: boolean): void {
  const d = s.data;
  if (end < 4) {
    truncated(s, 'null', 0, end, 4);
    return;
  }
  s.layers.push('null');
  let family: number;
  if (networkOrder) family = u32(d, 0);
  else {
    // The family is in the capturing host's byte order; a value that does not fit 16 bits
    // when read little-endian came from a big-endian host (Wireshark makes the same guess).
    family = d.readUInt32LE(0);
    if (family > 0xffff) family = u32(d, 0);
  }
  const link: NullHeader = { kind: 'null', family, bytes: d.subarray(0, 4), payload: d.subarray(4, end) };
  s.link = link;
  if (family === AF_INET) decodeIpv4(s, 4, end);
  else if (family === AF_INET6_BSD || family === AF_INET6_FREEBSD || family === AF_INET6_DARWIN) decodeIpv6(s, 4, end);
  else unsupported(s, 'null', 4, end, `loopback address family ${family} is not decoded`);
}

function decodePpp(s: DecodeState, off: number, end: number, mayHaveAddressControl: boolean): void {
  if (tooDeep(s, 'ppp', off, end)) return;
  const d = s.data;
  let p = off;
  if (mayHaveAddressControl && end - p >= 2 && d[p] === 0xff && d[p + 1] === 0x03) p += 2;
  if (end - p < 1) {
    truncated(s, 'ppp', p, end, 2);
    return;
  }
  let protocol: number;
  // RFC 1661 §6.5: an odd first byte is a compressed one-byte protocol field.
  if (d[p]! & 1) {
    protocol = d[p]!;
    p += 1;
  } else {
    if (end - p < 2) {
      truncated(s, 'ppp', p, end, 2);
      return;
    }
    protocol = u16(d, p);
    p += 2;
  }
  s.layers.push('ppp');
  decodePppProtocol(s, protocol, p, end);
}

function decodePppProtocol(s: DecodeState, protocol: number, off: number, end: number): void {
  switch (protocol) {
    case PppProtocol.Ipv4:
      decodeIpv4(s, off, end);
      return;
    case PppProtocol.Ipv6:
      decodeIpv6(s, off, end);
      return;
    case PppProtocol.Mpls:
    case PppProtocol.MplsMulticast:
      decodeMpls(s, off, end);
      return;
    default:
      unsupported(s, 'ppp', off, end, `ppp protocol 0x${protocol.toString(16).padStart(4, '0')} is not decoded`);
  }
}

function decodeCiscoHdlc(s: DecodeState, off: number, end: number): void {
  if (end - off < 4) {
    truncated(s, 'chdlc', off, end, 4);
    return;
  }
  s.layers.push('chdlc');
  decodeEtherType(s, u16(s.data, off + 2), off + 4, end);
}

function decodeRadiotap(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 8) {
    truncated(s, 'radiotap', off, end, 8);
    return;
  }
  const length = u16le(d, off + 2);
  if (d[off] !== 0 || length < 8) {
    addIssue(s, 'bad-length', 'radiotap', off, `radiotap version ${d[off]} length ${length}; expected version 0 and length ≥ 8`);
    stop(s, off, end);
    return;
  }
  if (off + length > end) {
    truncated(s, 'radiotap', off, end, length);
    return;
  }
  s.layers.push('radiotap');
  // Find the Flags field (present bit 1) to learn whether the 802.11 frame ends with an FCS.
  // Fields follow all present words; only TSFT (bit 0, 8 bytes, 8-aligned) can precede Flags.
  const present = d.readUInt32LE(off + 4);
  let p = off + 8;
  let word = present;
  for (let words = 1; word & 0x80000000 && words < 8; words++) {
    if (p + 4 > off + length) break;
    word = d.readUInt32LE(p);
    p += 4;
  }
  let frameEnd = end;
  if (present & 0x2) {
    if (present & 0x1) p = off + (((p - off + 7) & ~7) + 8);
    // The FCS is the last 4 bytes on the wire: a snapshot cut leaves it out of the captured bytes.
    const wireEnd = end + Math.max(0, s.frame.originalLength - s.frame.data.length);
    if (p < off + length && d[p]! & 0x10) frameEnd = Math.max(off + length, Math.min(end, wireEnd - 4));
  }
  decodeIeee80211(s, off + length, frameEnd);
}

function decodeIeee80211(s: DecodeState, off: number, end: number): void {
  if (tooDeep(s, 'wlan', off, end)) return;
  const d = s.data;
  if (end - off < 2) {
    truncated(s, 'wlan', off, end, 24);
    return;
  }
  const fc0 = d[off]!;
  const fc1 = d[off + 1]!;
  const type = (fc0 >> 2) & 3;
  const subtype = fc0 >> 4;
  if (type !== 2) {
    s.layers.push('wlan');
    unsupported(s, 'wlan', off, end, `802.11 frame type ${type} subtype ${subtype} carries no data`);
    return;
  }
  let hdr = 24;
  if ((fc1 & 3) === 3) hdr += 6; // ToDS and FromDS: a fourth address
  const qos = (subtype & 8) !== 0;
  if (qos) {
    hdr += 2;
    if (fc1 & 0x80) hdr += 4; // +HTC
  }
  if (end - off < hdr) {
    truncated(s, 'wlan', off, end, hdr);
    return;
  }
  s.layers.push('wlan');
  if (subtype & 4) {
    stop(s, off + hdr, end); // Null data: nothing carried, nothing to report.
    return;
  }
  if (fc1 & 0x40) {
    unsupported(s, 'wlan', off + hdr, end, '802.11 frame is protected (encrypted)');
    return;
  }
  if (qos && d[off + hdr - (fc1 & 0x80 ? 6 : 2)]! & 0x80) {
    unsupported(s, 'wlan', off + hdr, end, '802.11 A-MSDU aggregation is not decoded');
    return;
  }
  decodeLlc(s, off + hdr, end);
}

function decodeLlc(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 3) {
    truncated(s, 'llc', off, end, 3);
    return;
  }
  s.layers.push('llc');
  if (d[off] === 0xaa && d[off + 1] === 0xaa && d[off + 2] === 0x03) {
    if (end - off < 8) {
      truncated(s, 'llc', off, end, 8);
      return;
    }
    decodeEtherType(s, u16(d, off + 6), off + 8, end);
    return;
  }
  unsupported(s, 'llc', off, end, `llc dsap 0x${d[off]!.toString(16)} is not decoded`);
}

// ---------------------------------------------------------------------------------------------
// EtherType dispatch and shims

function decodeEtherType(s: DecodeState, type: number, off: number, end: number): void {
  switch (type) {
    case EtherType.Ipv4:
      decodeIpv4(s, off, end);
      return;
    case EtherType.Ipv6:
      decodeIpv6(s, off, end);
      return;
    case EtherType.Vlan:
    case EtherType.QinQ:
    case EtherType.QinQOld:
      decodeVlan(s, off, end);
      return;
    case EtherType.Mpls:
    case EtherType.MplsMulticast:
      decodeMpls(s, off, end);
      return;
    case EtherType.PppoeSession:
      decodePppoe(s, off, end);
      return;
    case EtherType.TransparentEthernetBridging:
      decodeEthernet(s, off, end);
      return;
    default:
      unsupported(s, 'ethertype', off, end, `ethertype 0x${type.toString(16).padStart(4, '0')} is not decoded`);
  }
}

/** A VLAN tag outside an Ethernet header (in SLL, or after a shim). */
function decodeVlan(s: DecodeState, off: number, end: number): void {
  if (tooDeep(s, 'vlan', off, end)) return;
  if (end - off < 4) {
    truncated(s, 'vlan', off, end, 4);
    return;
  }
  s.layers.push('vlan');
  decodeEtherType(s, u16(s.data, off + 2), off + 4, end);
}

function decodeMpls(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  let p = off;
  for (let labels = 0; ; labels++) {
    if (labels >= DecodeLimits.maxMplsLabels) {
      addIssue(s, 'bad-length', 'mpls', p, `mpls label stack deeper than ${DecodeLimits.maxMplsLabels} labels`);
      stop(s, p, end);
      return;
    }
    if (end - p < 4) {
      truncated(s, 'mpls', p, end, 4);
      return;
    }
    const bottom = d[p + 2]! & 1;
    p += 4;
    if (bottom) break;
  }
  s.layers.push('mpls');
  if (end - p < 1) {
    stop(s, p, end);
    return;
  }
  // No type field after the stack: guess by the first nibble, as Wireshark does by default.
  const nibble = d[p]! >> 4;
  if (nibble === 4) decodeIpv4(s, p, end);
  else if (nibble === 6) decodeIpv6(s, p, end);
  else unsupported(s, 'mpls', p, end, `mpls payload starting with nibble ${nibble} is not decoded`);
}

function decodePppoe(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 8) {
    truncated(s, 'pppoe', off, end, 8);
    return;
  }
  s.layers.push('pppoe');
  const length = u16(d, off + 4);
  // RFC 2516: the length covers the PPP protocol field and payload.
  const payloadEnd = Math.min(end, off + 6 + length);
  if (length < 2) {
    addIssue(s, 'bad-length', 'pppoe', off, `pppoe length ${length}; expected ≥ 2`);
    stop(s, off + 6, payloadEnd);
    return;
  }
  s.layers.push('ppp');
  decodePppProtocol(s, u16(d, off + 6), off + 8, payloadEnd);
}

// ---------------------------------------------------------------------------------------------
// IP

function decodeIpByVersion(s: DecodeState, layer: string, off: number, end: number): void {
  if (end - off < 1) {
    truncated(s, layer, off, end, 20);
    return;
  }
  const v = s.data[off]! >> 4;
  if (v === 4) decodeIpv4(s, off, end);
  else if (v === 6) decodeIpv6(s, off, end);
  else unsupported(s, layer, off, end, `ip version ${v}; expected 4 or 6`);
}

/** Makes `ip` the current innermost IP header; false (and an issue) when too many are nested. */
function enterIp(s: DecodeState, layer: string, off: number, end: number): boolean {
  if (s.ipCount >= DecodeLimits.maxIpHeaders || s.layers.length >= DecodeLimits.maxLayers) {
    addIssue(s, 'bad-length', layer, off, `more than ${DecodeLimits.maxIpHeaders} nested IP headers`);
    stop(s, off, end);
    return false;
  }
  return true;
}

function setIp(s: DecodeState, ip: IpHeader): void {
  if (s.ip !== undefined) {
    if (s.outerIps === undefined) s.outerIps = [s.ip];
    else s.outerIps.push(s.ip);
  }
  s.ip = ip;
  s.ipCount++;
  // A transport header seen so far belonged to the tunnel, not to the inner datagram.
  s.udp = undefined;
}

function decodeIpv4(s: DecodeState, off: number, end: number): void {
  if (!enterIp(s, 'ipv4', off, end)) return;
  const d = s.data;
  if (end - off < 20) {
    truncated(s, 'ipv4', off, end, 20);
    return;
  }
  const vihl = d[off]!;
  const headerLength = (vihl & 0x0f) * 4;
  if (vihl >> 4 !== 4 || headerLength < 20) {
    addIssue(s, 'bad-length', 'ipv4', off, `ipv4 version ${vihl >> 4} header length ${headerLength}; expected version 4 and length ≥ 20`);
    stop(s, off, end);
    return;
  }
  if (end - off < headerLength) {
    truncated(s, 'ipv4', off, end, headerLength);
    return;
  }
  let totalLength = u16(d, off + 2);
  // A total length of 0 comes from TCP segmentation offload: like Wireshark, use the captured length.
  if (totalLength === 0) totalLength = end - off;
  if (totalLength < headerLength) {
    addIssue(s, 'bad-length', 'ipv4', off, `ipv4 total length ${totalLength} is smaller than the header length ${headerLength}`);
    stop(s, off, end);
    return;
  }
  const flagsFrag = u16(d, off + 6);
  const moreFragments = (flagsFrag & 0x2000) !== 0;
  const fragmentOffset = (flagsFrag & 0x1fff) * 8;
  const protocol = d[off + 9]!;
  const payloadEnd = Math.min(end, off + totalLength);
  const payloadLength = totalLength - headerLength;
  s.layers.push('ipv4');
  setIp(
    s,
    new Ipv4View(d, off, headerLength, payloadEnd, totalLength, u16(d, off + 4), d[off + 8]!, protocol,
      (flagsFrag & 0x4000) !== 0, moreFragments, fragmentOffset, payloadLength),
  );
  const p = off + headerLength;
  if (moreFragments || fragmentOffset !== 0) {
    s.ipFragment = true;
    stop(s, p, payloadEnd);
    return;
  }
  decodeIpPayload(s, protocol, 4, p, payloadEnd, payloadLength);
}

function decodeIpv6(s: DecodeState, off: number, end: number): void {
  if (!enterIp(s, 'ipv6', off, end)) return;
  const d = s.data;
  if (end - off < 40) {
    truncated(s, 'ipv6', off, end, 40);
    return;
  }
  const w0 = u32(d, off);
  if (w0 >>> 28 !== 6) {
    addIssue(s, 'bad-length', 'ipv6', off, `ipv6 version ${w0 >>> 28}; expected 6`);
    stop(s, off, end);
    return;
  }
  let announced = u16(d, off + 4);
  // Payload length 0 (jumbogram or segmentation offload): use what was captured.
  if (announced === 0) announced = end - off - 40;
  const payloadEnd = Math.min(end, off + 40 + announced);
  let next = d[off + 6]!;
  let p = off + 40;
  let extensions: number[] | undefined;
  let fragment: Ipv6FragmentInfo | undefined;
  for (;;) {
    if (next !== IpProtocol.HopByHop && next !== IpProtocol.Ipv6Route && next !== IpProtocol.Ipv6Dest &&
        next !== IpProtocol.Ipv6Fragment && next !== IpProtocol.Ah) break;
    if (extensions !== undefined && extensions.length >= DecodeLimits.maxIpv6ExtensionHeaders) {
      addIssue(s, 'bad-length', 'ipv6', p, `more than ${DecodeLimits.maxIpv6ExtensionHeaders} ipv6 extension headers`);
      stop(s, p, payloadEnd);
      return;
    }
    if (payloadEnd - p < 8) {
      truncated(s, 'ipv6', p, payloadEnd, 8);
      return;
    }
    let len: number;
    if (next === IpProtocol.Ipv6Fragment) {
      len = 8;
      const offFlags = u16(d, p + 2);
      fragment = { offset: offFlags & 0xfff8, moreFragments: (offFlags & 1) !== 0, identification: u32(d, p + 4) };
    } else if (next === IpProtocol.Ah) len = (d[p + 1]! + 2) * 4; // RFC 4302: length in 4-octet units − 2
    else len = (d[p + 1]! + 1) * 8;
    if (payloadEnd - p < len) {
      truncated(s, 'ipv6', p, payloadEnd, len);
      return;
    }
    if (extensions === undefined) extensions = [];
    extensions.push(next);
    next = d[p]!;
    p += len;
    // A real fragment's remaining bytes are the fragmentable part: only reassembly can decode them.
    if (fragment !== undefined && (fragment.offset !== 0 || fragment.moreFragments)) break;
  }
  const payloadLength = announced - (p - off - 40);
  if (payloadLength < 0) {
    addIssue(s, 'bad-length', 'ipv6', off, `ipv6 payload length ${announced} is shorter than its extension headers`);
    stop(s, p, payloadEnd);
    return;
  }
  s.layers.push('ipv6');
  setIp(
    s,
    new Ipv6View(d, off, p, payloadEnd, (w0 >>> 20) & 0xff, w0 & 0xfffff, d[off + 7]!, next,
      extensions ?? NO_EXTENSIONS, payloadLength, fragment),
  );
  if (fragment !== undefined && (fragment.offset !== 0 || fragment.moreFragments)) {
    s.ipFragment = true;
    stop(s, p, payloadEnd);
    return;
  }
  decodeIpPayload(s, next, 6, p, payloadEnd, payloadLength);
}

/** Follows the IP protocol number. `announced` is the payload length the IP header claims. */
function decodeIpPayload(s: DecodeState, protocol: number, version: 4 | 6, off: number, end: number, announced: number): void {
  switch (protocol) {
    case IpProtocol.Tcp: {
      const tcp = decodeTcpHeader(s.data, off, end, announced, s.frame.index, s);
      if (tcp === undefined) return;
      s.layers.push('tcp');
      s.tcp = tcp;
      stop(s, Math.min(off + tcp.headerLength, end), end);
      return;
    }
    case IpProtocol.Udp:
      decodeUdp(s, off, end);
      return;
    case IpProtocol.Icmp:
      if (version === 4) decodeIcmp(s, 4, off, end);
      else unsupported(s, 'ipv6', off, end, 'icmp (v4) inside ipv6 is not decoded');
      return;
    case IpProtocol.Icmpv6:
      decodeIcmp(s, 6, off, end);
      return;
    case IpProtocol.IpInIp:
      decodeIpv4(s, off, end);
      return;
    case IpProtocol.Ipv6:
      decodeIpv6(s, off, end);
      return;
    case IpProtocol.Gre:
      decodeGre(s, off, end);
      return;
    case IpProtocol.Ipv6NoNext:
      stop(s, off, end);
      return;
    default:
      unsupported(s, version === 4 ? 'ipv4' : 'ipv6', off, end, `ip protocol ${protocol} is not decoded`);
  }
}

function decodeUdp(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 8) {
    truncated(s, 'udp', off, end, 8);
    return;
  }
  const length = u16(d, off + 4);
  let payloadEnd = end;
  if (length < 8) addIssue(s, 'bad-length', 'udp', off, `udp length ${length} is smaller than the 8-byte header`);
  else payloadEnd = Math.min(end, off + length);
  const srcPort = u16(d, off);
  const dstPort = u16(d, off + 2);
  s.layers.push('udp');
  s.udp = new UdpView(d, off, payloadEnd, srcPort, dstPort, length, u16(d, off + 6));
  const p = off + 8;
  stop(s, p, payloadEnd);
  // Like Wireshark, try the lower port first.
  const low = srcPort < dstPort ? srcPort : dstPort;
  const high = srcPort < dstPort ? dstPort : srcPort;
  if (!decodeUdpTunnel(s, low, p, payloadEnd)) decodeUdpTunnel(s, high, p, payloadEnd);
}

function decodeUdpTunnel(s: DecodeState, port: number, off: number, end: number): boolean {
  switch (port) {
    case UdpPort.GtpU:
      decodeGtpU(s, off, end);
      return true;
    case UdpPort.Vxlan:
      decodeVxlan(s, off, end);
      return true;
    case UdpPort.Geneve:
      decodeGeneve(s, off, end);
      return true;
    default:
      return false;
  }
}

/** ICMP types that quote the offending datagram (RFC 792, RFC 4443). */
function isIcmpError(version: 4 | 6, type: number): boolean {
  if (version === 4) return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
  return type >= 1 && type <= 4;
}

function decodeIcmp(s: DecodeState, version: 4 | 6, off: number, end: number): void {
  const layer = version === 4 ? 'icmp' : 'icmpv6';
  const d = s.data;
  if (end - off < 8) {
    truncated(s, layer, off, end, 8);
    return;
  }
  s.layers.push(layer);
  const type = d[off]!;
  const code = d[off + 1]!;
  const bytes = d.subarray(off, off + 8);
  const payload = d.subarray(off + 8, end);
  stop(s, off + 8, end);
  if (!isIcmpError(version, type) || end - off - 8 < 1) {
    s.icmp = { version, type, code, bytes, payload };
    return;
  }
  // The quoted datagram is usually cut short on purpose: decode it separately and drop its issues.
  const q = new DecodeState(s.frame, d, []);
  decodeIpByVersion(q, layer, off + 8, end);
  if (q.ip === undefined) {
    s.icmp = { version, type, code, bytes, payload };
    return;
  }
  const quoted: { ip: IpHeader; tcp?: TcpHeader; udp?: UdpHeader } = { ip: q.ip };
  if (q.tcp !== undefined) quoted.tcp = q.tcp;
  if (q.udp !== undefined) quoted.udp = q.udp;
  s.icmp = { version, type, code, bytes, payload, quoted };
}

// ---------------------------------------------------------------------------------------------
// Tunnels

function decodeGre(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 4) {
    truncated(s, 'gre', off, end, 4);
    return;
  }
  const flags = u16(d, off);
  const protocol = u16(d, off + 2);
  const version = flags & 7;
  let hdr = 4;
  if (flags & 0xc000) hdr += 4; // checksum and/or routing present: checksum + offset word
  if (flags & 0x2000) hdr += 4; // key (PPTP: payload length + call id)
  if (flags & 0x1000) hdr += 4; // sequence number
  if (version === 1 && flags & 0x0080) hdr += 4; // PPTP acknowledgment number
  if (end - off < hdr) {
    truncated(s, 'gre', off, end, hdr);
    return;
  }
  let p = off + hdr;
  if (flags & 0x4000) {
    // RFC 1701 source route entries: address family (2), offset (1), length (1), data; ends with length 0.
    for (let n = 0; ; n++) {
      if (n >= 8 || end - p < 4) {
        addIssue(s, 'bad-length', 'gre', p, 'gre source route list is cut short or longer than 8 entries');
        stop(s, p, end);
        return;
      }
      const len = d[p + 3]!;
      p += 4 + len;
      if (len === 0) break;
    }
  }
  s.layers.push('gre');
  if (p > end) {
    truncated(s, 'gre', off, end, p - off);
    return;
  }
  switch (protocol) {
    case EtherType.Ipv4:
      decodeIpv4(s, p, end);
      return;
    case EtherType.Ipv6:
      decodeIpv6(s, p, end);
      return;
    case EtherType.TransparentEthernetBridging:
      decodeEthernet(s, p, end);
      return;
    case EtherType.Mpls:
    case EtherType.MplsMulticast:
      decodeMpls(s, p, end);
      return;
    case EtherType.Erspan2:
      // ERSPAN type I has no ERSPAN header and no GRE sequence number (Wireshark's rule).
      if (flags & 0x1000) decodeErspan(s, 2, p, end);
      else decodeEthernet(s, p, end);
      return;
    case EtherType.Erspan3:
      decodeErspan(s, 3, p, end);
      return;
    case GreProtocol.Wccp:
      // WCCPv2 inserts a 4-byte redirect header; WCCPv1 does not. An IPv4 version nibble tells them apart.
      if (end - p >= 1 && d[p]! >> 4 !== 4) p += 4;
      decodeIpv4(s, p, end);
      return;
    case GreProtocol.Ppp:
      decodePpp(s, p, end, true);
      return;
    default:
      if ((protocol >= GreProtocol.ArubaFirst && protocol <= GreProtocol.ArubaLast && (protocol & 0xf) === 0) ||
          protocol === GreProtocol.Aruba9000) {
        decodeIeee80211(s, p, end);
        return;
      }
      unsupported(s, 'gre', p, end, `gre protocol type 0x${protocol.toString(16).padStart(4, '0')} is not decoded`);
  }
}

function decodeErspan(s: DecodeState, type: 2 | 3, off: number, end: number): void {
  const d = s.data;
  const fixed = type === 2 ? 8 : 12;
  if (end - off < fixed) {
    truncated(s, 'erspan', off, end, fixed);
    return;
  }
  let hdr = fixed;
  // ERSPAN III: the O bit (lowest bit of the last word) announces an 8-byte platform sub-header.
  if (type === 3 && d[off + 11]! & 1) {
    hdr += 8;
    if (end - off < hdr) {
      truncated(s, 'erspan', off, end, hdr);
      return;
    }
  }
  s.layers.push('erspan');
  decodeEthernet(s, off + hdr, end);
}

function decodeGtpU(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 8) {
    truncated(s, 'gtp', off, end, 8);
    return;
  }
  const flags = d[off]!;
  if (flags >> 5 !== 1 || !(flags & 0x10)) {
    unsupported(s, 'gtp', off, end, `gtp version ${flags >> 5} protocol type ${(flags >> 4) & 1}; expected GTPv1-U (version 1, PT 1)`);
    return;
  }
  const messageType = d[off + 1]!;
  const payloadEnd = Math.min(end, off + 8 + u16(d, off + 2));
  let p = off + 8;
  if (flags & 0x07) {
    // E, S or PN set: sequence number, N-PDU number and next-extension type are all present.
    if (payloadEnd - off < 12) {
      truncated(s, 'gtp', off, payloadEnd, 12);
      return;
    }
    let next = flags & 0x04 ? d[off + 11]! : 0;
    p = off + 12;
    for (let n = 0; next !== 0; n++) {
      if (n >= DecodeLimits.maxGtpExtensionHeaders) {
        addIssue(s, 'bad-length', 'gtp', p, `more than ${DecodeLimits.maxGtpExtensionHeaders} gtp extension headers`);
        stop(s, p, payloadEnd);
        return;
      }
      if (payloadEnd - p < 1) {
        truncated(s, 'gtp', p, payloadEnd, 4);
        return;
      }
      const len = d[p]! * 4;
      if (len === 0) {
        addIssue(s, 'bad-length', 'gtp', p, `gtp extension header 0x${next.toString(16)} has length 0`);
        stop(s, p, payloadEnd);
        return;
      }
      if (payloadEnd - p < len) {
        addIssue(s, 'truncated', 'gtp', p, `gtp extension header length ${len} runs past the ${payloadEnd - p} bytes left`);
        stop(s, p, payloadEnd);
        return;
      }
      next = d[p + len - 1]!;
      p += len;
    }
  }
  s.layers.push('gtp');
  if (messageType !== 0xff) {
    stop(s, p, payloadEnd); // Echo, error indication, end marker: no user data.
    return;
  }
  decodeIpByVersion(s, 'gtp', p, payloadEnd);
}

function decodeVxlan(s: DecodeState, off: number, end: number): void {
  if (end - off < 8) {
    truncated(s, 'vxlan', off, end, 8);
    return;
  }
  s.layers.push('vxlan');
  decodeEthernet(s, off + 8, end);
}

function decodeGeneve(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 8) {
    truncated(s, 'geneve', off, end, 8);
    return;
  }
  const hdr = 8 + (d[off]! & 0x3f) * 4;
  if (end - off < hdr) {
    addIssue(s, 'truncated', 'geneve', off, `geneve options length ${hdr - 8} runs past the ${end - off - 8} bytes left`);
    stop(s, off, end);
    return;
  }
  s.layers.push('geneve');
  const protocol = u16(d, off + 2);
  if (protocol === EtherType.TransparentEthernetBridging) decodeEthernet(s, off + hdr, end);
  else decodeEtherType(s, protocol, off + hdr, end);
}

// ---------------------------------------------------------------------------------------------
// Entry points

function finish(s: DecodeState, base?: Packet): Packet {
  const p: { -readonly [K in keyof Packet]: Packet[K] } = {
    frame: s.frame,
    layers: s.layers,
    payload: viewOf(s.data, s.payloadStart, Math.max(s.payloadStart, s.payloadEnd)),
    issues: base !== undefined && base.issues.length > 0
      ? (s.issues === undefined ? base.issues : [...base.issues, ...s.issues])
      : (s.issues ?? NO_ISSUES),
  };
  const link = s.link ?? base?.link;
  if (link !== undefined) p.link = link;
  if (s.ip !== undefined) p.ip = s.ip;
  if (s.outerIps !== undefined) p.outerIps = s.outerIps;
  if (s.tcp !== undefined) p.tcp = s.tcp;
  if (s.udp !== undefined) p.udp = s.udp;
  if (s.icmp !== undefined) p.icmp = s.icmp;
  if (s.ipFragment) p.ipFragment = true;
  return p;
}

/**
 * Decodes one frame: link layer, VLAN/MPLS/PPPoE shims, IPv4/IPv6 (+ tunnels), TCP/UDP/ICMP.
 * Never throws: truncated or malformed layers become `issues`, and decoding stops at the first
 * layer it does not follow (`unsupported-layer`). Headers are views into `frame.data`.
 * An IP fragment sets `ipFragment` and is not decoded further (see createIpReassembler).
 *
 * @example
 * const p = decodeFrame(frame);
 * if (isSegment(p)) console.log(formatIp(p.ip.src), p.tcp.srcPort, p.tcp.segmentLength);
 */
export function decodeFrame(frame: Frame): Packet {
  const s = new DecodeState(frame, frame.data, []);
  try {
    decodeLink(s, frame.linkType, frame.data.length);
  } catch (e) {
    // Every read is bounds-checked above; this only guards the "never throws" contract against a
    // decoder bug, so one bad frame cannot stop a whole capture.
    addIssue(s, 'bad-length', s.layers[s.layers.length - 1] ?? 'frame', 0, `decoder error: ${(e as Error).message}`);
  }
  return finish(s);
}

/**
 * Decodes a reassembled IP datagram (`datagram`, starting with its IP header) for the frame that
 * completed it. Link, outer IP headers, issues and the layers before the fragment's IP layer
 * come from `completing`; `ip`, `tcp`, `udp` and `payload` are views into `datagram`.
 */
export function decodeReassembledDatagram(completing: Packet, datagram: Buffer): Packet {
  const layers = completing.layers.slice(0, completing.layers.length - 1);
  const s = new DecodeState(completing.frame, datagram, layers);
  if (completing.outerIps !== undefined) {
    s.outerIps = completing.outerIps.slice();
    s.ipCount = s.outerIps.length;
    s.ip = s.outerIps.pop();
    if (s.outerIps.length === 0) s.outerIps = undefined;
  }
  try {
    decodeIpByVersion(s, 'ip', 0, datagram.length);
  } catch (e) {
    addIssue(s, 'bad-length', 'ip', 0, `decoder error: ${(e as Error).message}`);
  }
  return finish(s, completing);
}
