/**
 * icmp.ts: ICMP (RFC 792) and ICMPv6 (RFC 4443) headers; an error's quoted datagram is decoded
 * on the side. Pure; imports only packet/ and decode/.
 */
import type { IpHeader, TcpHeader, UdpHeader } from '../../packet/packet.js';
import { DecodeState, stop, truncated, unsupported } from '../decode-state.js';
import { dissectIpByVersion } from './ip.js';

/** ICMP types that quote the offending datagram (RFC 792, RFC 4443). */
function isIcmpError(version: 4 | 6, type: number): boolean {
  if (version === 4) return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
  return type >= 1 && type <= 4;
}

/** IP protocol 1: ICMP, followed only inside IPv4. */
export function dissectIcmpv4(s: DecodeState, off: number, end: number, _announced: number, version: 4 | 6): void {
  if (version === 4) dissectIcmp(s, 4, off, end);
  else unsupported(s, 'ipv6', off, end, 'icmp (v4) inside ipv6 is not decoded');
}

/** IP protocol 58: ICMPv6. */
export function dissectIcmpv6(s: DecodeState, off: number, end: number): void {
  dissectIcmp(s, 6, off, end);
}

function dissectIcmp(s: DecodeState, version: 4 | 6, off: number, end: number): void {
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
  dissectIpByVersion(q, layer, off + 8, end);
  if (q.ip === undefined) {
    s.icmp = { version, type, code, bytes, payload };
    return;
  }
  const quoted: { ip: IpHeader; tcp?: TcpHeader; udp?: UdpHeader } = { ip: q.ip };
  if (q.tcp !== undefined) quoted.tcp = q.tcp;
  if (q.udp !== undefined) quoted.udp = q.udp;
  s.icmp = { version, type, code, bytes, payload, quoted };
}
