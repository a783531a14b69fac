/**
 * ip-encoders.ts: builders for IPv4 and IPv6 datagrams (extension headers, fragment header) and fragmenters.
 * Pure; test/simulation code. No I/O.
 */
import { ConfigError } from '../errors.js';
import { internetChecksum, parseIp } from './bytes.js';
import type { IpAddress } from './bytes.js';

/** IPv4 header fields. */
export interface Ipv4Options {
  readonly src: IpAddress;
  readonly dst: IpAddress;
  readonly protocol: number;
  readonly ttl?: number;
  readonly identification?: number;
  readonly dontFragment?: boolean;
  readonly moreFragments?: boolean;
  /** Fragment offset in bytes (a multiple of 8). */
  readonly fragmentOffset?: number;
  /** Raw option bytes, padded with End-of-List to a multiple of 4. */
  readonly options?: Buffer;
  readonly tos?: number;
  /** Override the total length field (to build malformed datagrams). */
  readonly totalLength?: number;
}

/** Prepends an IPv4 header with a correct header checksum. */
export function encodeIpv4(payload: Buffer, o: Ipv4Options): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  const optLen = (opts.length + 3) & ~3;
  const hl = 20 + optLen;
  if (hl > 60) throw new ConfigError(`ipv4 options of ${opts.length} bytes exceed the 40-byte limit`);
  const off = o.fragmentOffset ?? 0;
  if (off % 8 !== 0 || off > 0xfff8) throw new ConfigError(`ipv4 fragment offset ${off} must be a multiple of 8 below 65536`);
  const h = Buffer.alloc(hl);
  h[0] = 0x40 | (hl / 4);
  h[1] = o.tos ?? 0;
  h.writeUInt16BE(o.totalLength ?? hl + payload.length, 2);
  h.writeUInt16BE(o.identification ?? 0, 4);
  h.writeUInt16BE((o.dontFragment === true ? 0x4000 : 0) | (o.moreFragments === true ? 0x2000 : 0) | (off / 8), 6);
  h[8] = o.ttl ?? 64;
  h[9] = o.protocol;
  parseIp(o.src).copy(h, 12);
  parseIp(o.dst).copy(h, 16);
  opts.copy(h, 20);
  h.writeUInt16BE(internetChecksum(h), 10);
  return Buffer.concat([h, payload]);
}

/** One IPv6 extension header (hop-by-hop 0, routing 43, destination options 60). */
export interface Ipv6ExtensionHeader {
  readonly type: number;
  /** Bytes after the next-header and length octets; zero-padded (Pad1) to a multiple of 8 in total. */
  readonly data: Buffer;
}

/** IPv6 fragment header fields. */
export interface Ipv6FragmentOptions {
  /** Offset in bytes (a multiple of 8). */
  readonly offset: number;
  readonly moreFragments: boolean;
  readonly identification: number;
}

/** IPv6 header fields. */
export interface Ipv6Options {
  readonly src: IpAddress;
  readonly dst: IpAddress;
  /** Upper-layer protocol (after all extension headers). */
  readonly protocol: number;
  readonly hopLimit?: number;
  readonly trafficClass?: number;
  readonly flowLabel?: number;
  readonly extensionHeaders?: readonly Ipv6ExtensionHeader[];
  /** Adds a fragment header after the other extension headers. */
  readonly fragment?: Ipv6FragmentOptions;
  /** Override the payload length field. */
  readonly payloadLength?: number;
}

/** Prepends an IPv6 header and its extension headers. */
export function encodeIpv6(payload: Buffer, o: Ipv6Options): Buffer {
  const exts: { type: number; body: Buffer }[] = (o.extensionHeaders ?? []).map((e) => {
    const total = (e.data.length + 2 + 7) & ~7;
    const body = Buffer.alloc(total);
    e.data.copy(body, 2);
    body[1] = total / 8 - 1;
    return { type: e.type, body };
  });
  if (o.fragment !== undefined) {
    const f = o.fragment;
    if (f.offset % 8 !== 0 || f.offset > 0xfff8) throw new ConfigError(`ipv6 fragment offset ${f.offset} must be a multiple of 8 below 65536`);
    const body = Buffer.alloc(8);
    body.writeUInt16BE(f.offset | (f.moreFragments ? 1 : 0), 2);
    body.writeUInt32BE(f.identification >>> 0, 4);
    exts.push({ type: 44, body });
  }
  exts.forEach((e, i) => {
    e.body[0] = i + 1 < exts.length ? exts[i + 1]!.type : o.protocol;
  });
  const extBytes = Buffer.concat(exts.map((e) => e.body));
  const h = Buffer.alloc(40);
  h.writeUInt32BE(((6 << 28) | ((o.trafficClass ?? 0) << 20) | (o.flowLabel ?? 0)) >>> 0, 0);
  h.writeUInt16BE(o.payloadLength ?? extBytes.length + payload.length, 4);
  h[6] = exts.length > 0 ? exts[0]!.type : o.protocol;
  h[7] = o.hopLimit ?? 64;
  parseIp(o.src).copy(h, 8);
  parseIp(o.dst).copy(h, 24);
  return Buffer.concat([h, extBytes, payload]);
}

/**
 * Splits an encoded IPv4 datagram into fragments carrying at most `fragmentBytes` payload bytes
 * each (rounded down to a multiple of 8). The header, options included, is copied into each.
 */
export function fragmentIpv4(datagram: Buffer, fragmentBytes: number): Buffer[] {
  const hl = (datagram[0]! & 0x0f) * 4;
  const step = fragmentBytes & ~7;
  if (step < 8) throw new ConfigError(`fragmentIpv4: fragmentBytes ${fragmentBytes} must be at least 8`);
  const payload = datagram.subarray(hl, datagram.readUInt16BE(2));
  const out: Buffer[] = [];
  for (let off = 0; off < payload.length; off += step) {
    const part = payload.subarray(off, Math.min(payload.length, off + step));
    const h = Buffer.from(datagram.subarray(0, hl));
    h.writeUInt16BE(hl + part.length, 2);
    h.writeUInt16BE((h.readUInt16BE(6) & 0x4000) | (off + step < payload.length ? 0x2000 : 0) | (off / 8), 6);
    h.writeUInt16BE(0, 10);
    h.writeUInt16BE(internetChecksum(h), 10);
    out.push(Buffer.concat([h, part]));
  }
  return out;
}

/**
 * Splits an encoded IPv6 datagram (fixed header, then the fragmentable part) into fragments of at
 * most `fragmentBytes` payload bytes (rounded down to a multiple of 8), each with a fragment header.
 */
export function fragmentIpv6(datagram: Buffer, fragmentBytes: number, identification: number): Buffer[] {
  const step = fragmentBytes & ~7;
  if (step < 8) throw new ConfigError(`fragmentIpv6: fragmentBytes ${fragmentBytes} must be at least 8`);
  const next = datagram[6]!;
  const payload = datagram.subarray(40, 40 + datagram.readUInt16BE(4));
  const out: Buffer[] = [];
  for (let off = 0; off < payload.length; off += step) {
    const part = payload.subarray(off, Math.min(payload.length, off + step));
    const h = Buffer.from(datagram.subarray(0, 40));
    h[6] = 44;
    h.writeUInt16BE(8 + part.length, 4);
    const f = Buffer.alloc(8);
    f[0] = next;
    f.writeUInt16BE(off | (off + step < payload.length ? 1 : 0), 2);
    f.writeUInt32BE(identification >>> 0, 4);
    out.push(Buffer.concat([h, f, part]));
  }
  return out;
}
