/**
 * bytes.ts: small helpers shared by the encoders (addresses, Internet checksum, CRC-32).
 * Pure; test/simulation code only, not on the decode hot path. No I/O.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ConfigError } from '../errors.js';

/** An IP address as text ("198.18.0.1", "fd00::1") or as its 4/16 raw bytes. */
export type IpAddress = string | Buffer;
/** A MAC address as text ("02:00:00:00:00:01") or 6 raw bytes. */
export type MacAddress = string | Buffer;

/** Parses an IPv4 or IPv6 address into 4 or 16 bytes; throws ConfigError on anything else. */
export function parseIp(addr: IpAddress): Buffer {
  if (typeof addr !== 'string') {
    if (addr.length !== 4 && addr.length !== 16) throw new ConfigError(`ip address buffer has ${addr.length} bytes; expected 4 or 16`);
    return addr;
  }
  if (isIPv4(addr)) return Buffer.from(addr.split('.').map(Number));
  if (!isIPv6(addr)) throw new ConfigError(`"${addr}" is not an IPv4 or IPv6 address`);
  const [head = '', tail] = addr.split('::');
  const words = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const h = words(head);
  const t = tail === undefined ? [] : words(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/** Parses a MAC address into 6 bytes; throws ConfigError on anything else. */
export function parseMac(mac: MacAddress): Buffer {
  const b = typeof mac === 'string' ? Buffer.from(mac.split(/[:-]/).map((x) => parseInt(x, 16))) : mac;
  if (b.length !== 6 || b.some((x) => Number.isNaN(x))) throw new ConfigError(`"${String(mac)}" is not a MAC address; expected 6 bytes like 02:00:00:00:00:01`);
  return b;
}

/** RFC 1071 one's-complement sum of `parts`, folded and complemented. */
export function internetChecksum(...parts: Buffer[]): number {
  let sum = 0;
  let odd = -1; // a byte left over from the previous part
  for (const b of parts) {
    let i = 0;
    if (odd >= 0 && b.length > 0) {
      sum += (odd << 8) | b[0]!;
      odd = -1;
      i = 1;
    }
    for (; i + 1 < b.length; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
    if (i < b.length) odd = b[i]!;
  }
  if (odd >= 0) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The IPv4 or IPv6 pseudo-header used by the TCP and UDP checksums. */
export function pseudoHeader(src: Buffer, dst: Buffer, protocol: number, length: number): Buffer {
  if (src.length === 4) {
    const h = Buffer.alloc(12);
    src.copy(h, 0);
    dst.copy(h, 4);
    h[9] = protocol;
    h.writeUInt16BE(length, 10);
    return h;
  }
  const h = Buffer.alloc(40);
  src.copy(h, 0);
  dst.copy(h, 16);
  h.writeUInt32BE(length, 32);
  h[39] = protocol;
  return h;
}

let crcTable: Uint32Array | undefined;

/** IEEE 802.3 CRC-32 (the 802.11 FCS). */
export function crc32(b: Buffer): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
