/**
 * decode-state.ts: the mutable state of one frame's decode, and the helpers every dissector uses to
 * record issues and stop. Pure; imports only packet/ and header views.
 */
import type { Frame } from '../packet/frame.js';
import type { DecodeIssue, DecodeIssueCode, IcmpHeader, IpHeader, LinkHeader, TcpHeader, UdpHeader } from '../packet/packet.js';

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

export const NO_ISSUES: readonly DecodeIssue[] = Object.freeze([]);

/** Mutable state while one frame (or one reassembled datagram) is decoded. */
export class DecodeState {
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

/** Records an issue, prefixed with the frame number. */
export function addIssue(s: DecodeState, code: DecodeIssueCode, layer: string, offset: number, message: string): void {
  const issue: DecodeIssue = { code, layer, offset, message: `frame ${s.frame.index}: ${message}` };
  if (s.issues === undefined) s.issues = [issue];
  else s.issues.push(issue);
}

/** Stops decoding at `off`: whatever is left becomes the packet payload. */
export function stop(s: DecodeState, off: number, end: number): void {
  s.payloadStart = off;
  s.payloadEnd = end;
}

/**
 * The bytes from `off` to `end` as they were on the wire (tshark's reported length): `end − off`,
 * plus what the snapshot cut off when `end` is the end of the captured frame.
 */
export function reportedLength(s: DecodeState, off: number, end: number): number {
  const cut = s.data === s.frame.data && end === s.data.length ? s.frame.originalLength - s.data.length : 0;
  return end - off + (cut > 0 ? cut : 0);
}

/** Records a layer that we do not follow and stops there. */
export function unsupported(s: DecodeState, layer: string, off: number, end: number, what: string): void {
  addIssue(s, 'unsupported-layer', layer, off, what);
  stop(s, off, end);
}

/** Records a header cut short by the capture and stops there. */
export function truncated(s: DecodeState, layer: string, off: number, end: number, needBytes: number): void {
  addIssue(s, 'truncated', layer, off, `${layer} header needs ${needBytes} bytes at offset ${off}, only ${Math.max(0, end - off)} captured`);
  stop(s, off, end);
}

/** True (and an issue recorded) when one more layer would exceed DecodeLimits.maxLayers. */
export function tooDeep(s: DecodeState, layer: string, off: number, end: number): boolean {
  if (s.layers.length < DecodeLimits.maxLayers) return false;
  addIssue(s, 'bad-length', layer, off, `more than ${DecodeLimits.maxLayers} nested layers; stopped before ${layer}`);
  stop(s, off, end);
  return true;
}
