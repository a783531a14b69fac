/**
 * ipv6.ts: the IPv6 header (RFC 8200) and its extension headers; fragments stop here for the
 * reassembler. Pure; imports only packet/ and decode/.
 */
import { u16be, u32be } from '../../packet/byte-reader.js';
import { IpProtocol } from '../../packet/packet.js';
import { addIssue, DecodeLimits, reportedLength, stop, truncated, type DecodeState } from '../decode-state.js';
import { dissectIpProtocol } from '../dissector-table.js';
import { Ipv6View } from '../header-views.js';
import type { Ipv6FragmentInfo } from '../header-views.js';
import { enterIp, setIp } from './ip.js';

const NO_EXTENSIONS: readonly number[] = Object.freeze([]);

function isExtensionHeader(next: number): boolean {
  return next === IpProtocol.HopByHop || next === IpProtocol.Ipv6Route || next === IpProtocol.Ipv6Dest ||
    next === IpProtocol.Ipv6Fragment || next === IpProtocol.Ah;
}

/** An IPv6 header at `off`; its payload length bounds the payload (link-layer padding is not payload). */
export function dissectIpv6(s: DecodeState, off: number, end: number): void {
  if (!enterIp(s, 'ipv6', off, end)) return;
  const d = s.data;
  if (end - off < 40) {
    truncated(s, 'ipv6', off, end, 40);
    return;
  }
  const w0 = u32be(d, off);
  if (w0 >>> 28 !== 6) {
    addIssue(s, 'bad-length', 'ipv6', off, `ipv6 version ${w0 >>> 28}; expected 6`);
    stop(s, off, end);
    return;
  }
  let next = d[off + 6]!;
  let announced = u16be(d, off + 4);
  // Payload length 0 means a jumbogram only behind a hop-by-hop header (RFC 2675 §3): then use what
  // was captured. Without one tshark 4.0 takes the 0 at its word, as it does any length: only ever
  // shortened to what was on the wire.
  if (announced === 0 && next === IpProtocol.HopByHop) announced = end - off - 40;
  announced = Math.min(announced, reportedLength(s, off + 40, end));
  const payloadEnd = Math.min(end, off + 40 + announced);
  let p = off + 40;
  let extensions: number[] | undefined;
  let fragment: Ipv6FragmentInfo | undefined;
  for (;;) {
    if (!isExtensionHeader(next)) break;
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
      const offFlags = u16be(d, p + 2);
      fragment = { offset: offFlags & 0xfff8, moreFragments: (offFlags & 1) !== 0, identification: u32be(d, p + 4) };
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
  dissectIpProtocol(s, next, 6, p, payloadEnd, payloadLength);
}
