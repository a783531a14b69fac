/**
 * transport-encoders.ts: builders for TCP (with options) and UDP with correct checksums.
 * Pure; test/simulation code. No I/O.
 */
import { ConfigError } from '../errors.js';
import { internetChecksum, parseIp, pseudoHeader } from './bytes.js';
import type { IpAddress } from './bytes.js';

/** TCP options to emit; absent ones are left out. Laid out like Linux does for a SYN. */
export interface TcpOptionsInput {
  readonly mss?: number;
  readonly windowScale?: number;
  readonly sackPermitted?: boolean;
  readonly timestamp?: { readonly value: number; readonly echo: number };
  /** SACK blocks [left, right), at most 4 (3 with timestamps). */
  readonly sack?: readonly (readonly [number, number])[];
  /** TCP Fast Open cookie (kind 34); an empty Buffer is a cookie request. */
  readonly fastOpenCookie?: Buffer;
  /** Extra raw option bytes appended before padding (for malformed-option tests). */
  readonly raw?: Buffer;
}

/** Encodes TCP options, padded with End-of-List to a multiple of 4. */
export function encodeTcpOptions(o: TcpOptionsInput): Buffer {
  const parts: number[] = [];
  const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
  const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  if (o.mss !== undefined) parts.push(2, 4, ...u16(o.mss));
  if (o.sackPermitted === true && o.timestamp !== undefined) parts.push(4, 2);
  else if (o.sackPermitted === true) parts.push(1, 1, 4, 2);
  if (o.timestamp !== undefined) {
    if (o.sackPermitted !== true) parts.push(1, 1);
    parts.push(8, 10, ...u32(o.timestamp.value), ...u32(o.timestamp.echo));
  }
  if (o.windowScale !== undefined) parts.push(1, 3, 3, o.windowScale);
  if (o.sack !== undefined && o.sack.length > 0) {
    parts.push(1, 1, 5, 2 + 8 * o.sack.length);
    for (const [l, r] of o.sack) parts.push(...u32(l), ...u32(r));
  }
  if (o.fastOpenCookie !== undefined) parts.push(34, 2 + o.fastOpenCookie.length, ...o.fastOpenCookie);
  if (o.raw !== undefined) parts.push(...o.raw);
  while (parts.length % 4 !== 0) parts.push(0);
  if (parts.length > 40) throw new ConfigError(`tcp options need ${parts.length} bytes; at most 40 fit in the header`);
  return Buffer.from(parts);
}

/** TCP header fields. `src`/`dst` are the IP addresses for the checksum pseudo-header. */
export interface TcpSegmentOptions {
  readonly src: IpAddress;
  readonly dst: IpAddress;
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack?: number;
  /** TcpFlag bits. */
  readonly flags: number;
  readonly window?: number;
  readonly urgentPointer?: number;
  readonly options?: TcpOptionsInput;
  /** Override the data offset (in 32-bit words), e.g. to build a malformed header. */
  readonly dataOffsetWords?: number;
}

/** Prepends a TCP header with options and a correct checksum. */
export function encodeTcp(payload: Buffer, o: TcpSegmentOptions): Buffer {
  const opts = o.options === undefined ? Buffer.alloc(0) : encodeTcpOptions(o.options);
  const h = Buffer.alloc(20 + opts.length);
  h.writeUInt16BE(o.sport, 0);
  h.writeUInt16BE(o.dport, 2);
  h.writeUInt32BE(o.seq >>> 0, 4);
  h.writeUInt32BE((o.ack ?? 0) >>> 0, 8);
  h.writeUInt16BE((((o.dataOffsetWords ?? h.length / 4) & 0xf) << 12) | (o.flags & 0xfff), 12);
  h.writeUInt16BE(o.window ?? 65535, 14);
  h.writeUInt16BE(o.urgentPointer ?? 0, 18);
  opts.copy(h, 20);
  const src = parseIp(o.src);
  const dst = parseIp(o.dst);
  h.writeUInt16BE(internetChecksum(pseudoHeader(src, dst, 6, h.length + payload.length), h, payload), 16);
  return Buffer.concat([h, payload]);
}

/** UDP header fields. `src`/`dst` are the IP addresses for the checksum pseudo-header. */
export interface UdpOptions {
  readonly src: IpAddress;
  readonly dst: IpAddress;
  readonly sport: number;
  readonly dport: number;
  /** Leave the checksum 0 (allowed for IPv4 and for tunnels over IPv6, RFC 6935). */
  readonly zeroChecksum?: boolean;
}

/** Prepends a UDP header with a correct checksum. */
export function encodeUdp(payload: Buffer, o: UdpOptions): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(o.sport, 0);
  h.writeUInt16BE(o.dport, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  if (o.zeroChecksum !== true) {
    const c = internetChecksum(pseudoHeader(parseIp(o.src), parseIp(o.dst), 17, 8 + payload.length), h, payload);
    h.writeUInt16BE(c === 0 ? 0xffff : c, 6); // RFC 768: a computed 0 is sent as all ones
  }
  return Buffer.concat([h, payload]);
}
