/**
 * bsd-loopback.ts: BSD loopback headers, DLT_NULL (host byte order) and DLT_LOOP (network order).
 * Pure; imports only packet/ and decode/.
 */
import { u32be, u32le } from '../../packet/byte-reader.js';
import type { NullHeader } from '../../packet/packet.js';
import { truncated, unsupported, type DecodeState } from '../decode-state.js';
import { dissectIpv4 } from './ipv4.js';
import { dissectIpv6 } from './ipv6.js';

/** BSD address families meaning IPv4 / IPv6 in DLT_NULL and DLT_LOOP headers. */
const AF_INET = 2;
const AF_INET6_BSD = 24; // NetBSD, OpenBSD, BSD/OS
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

/** LINKTYPE_NULL: the 4-byte family is in the capturing host's byte order. */
export function dissectNull(s: DecodeState, _off: number, end: number): void {
  dissectLoopback(s, end, false);
}

/** LINKTYPE_LOOP: the 4-byte family is in network byte order. */
export function dissectLoop(s: DecodeState, _off: number, end: number): void {
  dissectLoopback(s, end, true);
}

function dissectLoopback(s: DecodeState, end: number, networkOrder: boolean): void {
  const d = s.data;
  if (end < 4) {
    truncated(s, 'null', 0, end, 4);
    return;
  }
  s.layers.push('null');
  let family: number;
  if (networkOrder) family = u32be(d, 0);
  else {
    // A value that does not fit 16 bits when read little-endian came from a big-endian host
    // (Wireshark makes the same guess).
    family = u32le(d, 0);
    if (family > 0xffff) family = u32be(d, 0);
  }
  const link: NullHeader = { kind: 'null', family, bytes: d.subarray(0, 4), payload: d.subarray(4, end) };
  s.link = link;
  if (family === AF_INET) dissectIpv4(s, 4, end);
  else if (family === AF_INET6_BSD || family === AF_INET6_FREEBSD || family === AF_INET6_DARWIN) dissectIpv6(s, 4, end);
  else unsupported(s, 'null', 4, end, `loopback address family ${family} is not decoded`);
}
