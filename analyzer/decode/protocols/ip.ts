/**
 * ip.ts: what IPv4 and IPv6 share: the version-nibble dispatch and the stack of nested IP headers.
 * Pure; imports only packet/ and decode/.
 */
import type { IpHeader } from '../../packet/packet.js';
import { addIssue, DecodeLimits, stop, truncated, unsupported, type DecodeState } from '../decode-state.js';
import { dissectIpv4 } from './ipv4.js';
import { dissectIpv6 } from './ipv6.js';

/** An IPv4 or IPv6 header at `off`, told apart by the version nibble (raw IP, GTP-U, ICMP quotes). */
export function dissectIpByVersion(s: DecodeState, layer: string, off: number, end: number): void {
  if (end - off < 1) {
    truncated(s, layer, off, end, 20);
    return;
  }
  const v = s.data[off]! >> 4;
  if (v === 4) dissectIpv4(s, off, end);
  else if (v === 6) dissectIpv6(s, off, end);
  else unsupported(s, layer, off, end, `ip version ${v}; expected 4 or 6`);
}

/** LINKTYPE_RAW (and its aliases): an IP datagram with nothing before it. */
export function dissectRawIp(s: DecodeState, off: number, end: number): void {
  dissectIpByVersion(s, 'raw', off, end);
}

/** False (and an issue recorded) when one more IP header would nest too deep. */
export function enterIp(s: DecodeState, layer: string, off: number, end: number): boolean {
  if (s.ipCount >= DecodeLimits.maxIpHeaders || s.layers.length >= DecodeLimits.maxLayers) {
    addIssue(s, 'bad-length', layer, off, `more than ${DecodeLimits.maxIpHeaders} nested IP headers`);
    stop(s, off, end);
    return false;
  }
  return true;
}

/** Makes `ip` the innermost IP header; the previous one becomes an outer (tunnel) header. */
export function setIp(s: DecodeState, ip: IpHeader): void {
  if (s.ip !== undefined) {
    if (s.outerIps === undefined) s.outerIps = [s.ip];
    else s.outerIps.push(s.ip);
  }
  s.ip = ip;
  s.ipCount++;
  // A transport header seen so far belonged to the tunnel, not to the inner datagram.
  s.udp = undefined;
}
