/**
 * tunnel-encoders.ts: builders for GRE, ERSPAN II/III, GTP-U, VXLAN and Geneve headers.
 * Pure; test/simulation code. No I/O.
 */
import { ConfigError } from '../errors.js';
import { internetChecksum } from './bytes.js';

/** GRE header fields (RFC 2784/2890). */
export interface GreOptions {
  /** Protocol type: an EtherType, 0x6558, 0x88be/0x22eb (ERSPAN), Aruba 0x8200…, WCCP 0x883e. */
  readonly protocol: number;
  /** Include a checksum (computed over header and payload). */
  readonly checksum?: boolean;
  readonly key?: number;
  readonly sequence?: number;
}

/** Prepends a GRE header. */
export function encodeGre(payload: Buffer, o: GreOptions): Buffer {
  const c = o.checksum === true;
  const h = Buffer.alloc(4 + (c ? 4 : 0) + (o.key !== undefined ? 4 : 0) + (o.sequence !== undefined ? 4 : 0));
  h.writeUInt16BE((c ? 0x8000 : 0) | (o.key !== undefined ? 0x2000 : 0) | (o.sequence !== undefined ? 0x1000 : 0), 0);
  h.writeUInt16BE(o.protocol, 2);
  let p = c ? 8 : 4;
  if (o.key !== undefined) {
    h.writeUInt32BE(o.key >>> 0, p);
    p += 4;
  }
  if (o.sequence !== undefined) h.writeUInt32BE(o.sequence >>> 0, p);
  if (c) h.writeUInt16BE(internetChecksum(h, payload), 4);
  return Buffer.concat([h, payload]);
}

/** Prepends an ERSPAN type II header (GRE 0x88be with a sequence number goes outside). */
export function encodeErspan2(ethernetFrame: Buffer, o: { readonly sessionId: number; readonly vlan?: number; readonly index?: number }): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE((1 << 12) | ((o.vlan ?? 0) & 0xfff), 0);
  h.writeUInt16BE(o.sessionId & 0x3ff, 2);
  h.writeUInt32BE((o.index ?? 0) & 0xfffff, 4);
  return Buffer.concat([h, ethernetFrame]);
}

/** Prepends an ERSPAN type III header (GRE 0x22eb); `platform` adds the 8-byte sub-header (O bit). */
export function encodeErspan3(
  ethernetFrame: Buffer,
  o: { readonly sessionId: number; readonly vlan?: number; readonly timestamp?: number; readonly platform?: Buffer },
): Buffer {
  if (o.platform !== undefined && o.platform.length !== 8) throw new ConfigError(`erspan3 platform sub-header has ${o.platform.length} bytes; expected 8`);
  const h = Buffer.alloc(12);
  h.writeUInt16BE((2 << 12) | ((o.vlan ?? 0) & 0xfff), 0);
  h.writeUInt16BE(o.sessionId & 0x3ff, 2);
  h.writeUInt32BE((o.timestamp ?? 0) >>> 0, 4);
  h.writeUInt16BE(o.platform !== undefined ? 1 : 0, 10);
  return Buffer.concat(o.platform !== undefined ? [h, o.platform, ethernetFrame] : [h, ethernetFrame]);
}

/** One GTP-U extension header; content.length + 2 must be a multiple of 4. */
export interface GtpExtension {
  readonly type: number;
  readonly content: Buffer;
}

/** GTPv1-U header fields (3GPP TS 29.281). */
export interface GtpUOptions {
  readonly teid: number;
  readonly sequence?: number;
  readonly extensions?: readonly GtpExtension[];
}

/** Prepends a GTPv1-U G-PDU header with optional sequence number and extension headers. */
export function encodeGtpU(payload: Buffer, o: GtpUOptions): Buffer {
  const exts = o.extensions ?? [];
  const long = o.sequence !== undefined || exts.length > 0;
  const extBytes = Buffer.concat(exts.map((e, i) => {
    if ((e.content.length + 2) % 4 !== 0) throw new ConfigError(`gtp extension 0x${e.type.toString(16)}: content of ${e.content.length} bytes; content + 2 must be a multiple of 4`);
    const b = Buffer.alloc(e.content.length + 2);
    b[0] = (e.content.length + 2) / 4;
    e.content.copy(b, 1);
    b[b.length - 1] = i + 1 < exts.length ? exts[i + 1]!.type : 0;
    return b;
  }));
  const h = Buffer.alloc(long ? 12 : 8);
  h[0] = 0x30 | (exts.length > 0 ? 0x04 : 0) | (o.sequence !== undefined ? 0x02 : 0);
  h[1] = 0xff; // G-PDU
  h.writeUInt16BE(h.length - 8 + extBytes.length + payload.length, 2);
  h.writeUInt32BE(o.teid >>> 0, 4);
  if (long) {
    h.writeUInt16BE(o.sequence ?? 0, 8);
    h[11] = exts.length > 0 ? exts[0]!.type : 0;
  }
  return Buffer.concat([h, extBytes, payload]);
}

/** Prepends a VXLAN header (RFC 7348) with the I flag and `vni`. */
export function encodeVxlan(ethernetFrame: Buffer, o: { readonly vni: number }): Buffer {
  const h = Buffer.alloc(8);
  h[0] = 0x08;
  h.writeUInt32BE(((o.vni & 0xffffff) << 8) >>> 0, 4);
  return Buffer.concat([h, ethernetFrame]);
}

/** Prepends a Geneve header (RFC 8926); `options` (a multiple of 4 bytes) are raw TLVs. */
export function encodeGeneve(payload: Buffer, o: { readonly vni: number; readonly protocol?: number; readonly options?: Buffer }): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  if (opts.length % 4 !== 0 || opts.length > 252) throw new ConfigError(`geneve options of ${opts.length} bytes; expected a multiple of 4 up to 252`);
  const h = Buffer.alloc(8);
  h[0] = opts.length / 4;
  h.writeUInt16BE(o.protocol ?? 0x6558, 2);
  h.writeUInt32BE(((o.vni & 0xffffff) << 8) >>> 0, 4);
  return Buffer.concat([h, opts, payload]);
}
