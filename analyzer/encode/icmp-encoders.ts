/**
 * icmp-encoders.ts: ICMP and ICMPv6 error messages that quote the start of an offending datagram,
 * for tests and simulations. Pure; no I/O.
 */
import { internetChecksum, parseIp } from './bytes.js';
import type { IpAddress } from './bytes.js';

/** An ICMP (RFC 792) error: type, code, the 4 rest-of-header bytes, then `quoted`. */
export function encodeIcmpv4Error(quoted: Buffer, o: { type: number; code: number; restOfHeader?: number }): Buffer {
  const m = Buffer.alloc(8 + quoted.length);
  m[0] = o.type;
  m[1] = o.code;
  m.writeUInt32BE((o.restOfHeader ?? 0) >>> 0, 4);
  quoted.copy(m, 8);
  m.writeUInt16BE(internetChecksum(m), 2);
  return m;
}

/** An ICMPv6 (RFC 4443) error; the checksum covers the IPv6 pseudo-header of `src` → `dst`. */
export function encodeIcmpv6Error(
  quoted: Buffer,
  o: { type: number; code: number; restOfHeader?: number; src: IpAddress; dst: IpAddress },
): Buffer {
  const m = Buffer.alloc(8 + quoted.length);
  m[0] = o.type;
  m[1] = o.code;
  m.writeUInt32BE((o.restOfHeader ?? 0) >>> 0, 4);
  quoted.copy(m, 8);
  const pseudo = Buffer.alloc(40);
  parseIp(o.src).copy(pseudo, 0);
  parseIp(o.dst).copy(pseudo, 16);
  pseudo.writeUInt32BE(m.length, 32);
  pseudo[39] = 58; // next header: ICMPv6
  m.writeUInt16BE(internetChecksum(pseudo, m), 2);
  return m;
}
