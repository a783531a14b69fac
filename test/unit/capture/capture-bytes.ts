/**
 * capture-bytes.ts: hand-built pcap/pcapng bytes in either byte order, independent of our writers,
 * so reader tests do not trust the code they check. Test helper; imports only node builtins.
 */

/** A 32/16-bit field writer in a chosen byte order. */
function u32(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

function u16(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}

function pad4(b: Buffer): Buffer {
  const rest = (4 - (b.length % 4)) % 4;
  return rest === 0 ? b : Buffer.concat([b, Buffer.alloc(rest)]);
}

export interface HandRecord {
  sec: number;
  frac: number;
  data: Buffer;
  originalLength?: number;
  /** Overrides the captured-length field (to build damaged records). */
  capLenField?: number;
}

/** A classic pcap file: header then records, in the given byte order. */
export function handPcap(opts: { le: boolean; nano?: boolean; linkType?: number; snapLen?: number; major?: number }, records: HandRecord[]): Buffer {
  const { le } = opts;
  const parts = [
    u32(opts.nano === true ? 0xa1b23c4d : 0xa1b2c3d4, le),
    u16(opts.major ?? 2, le),
    u16(4, le),
    u32(0, le),
    u32(0, le),
    u32(opts.snapLen ?? 262144, le),
    u32(opts.linkType ?? 1, le),
  ];
  for (const r of records) {
    parts.push(u32(r.sec, le), u32(r.frac, le), u32(r.capLenField ?? r.data.length, le), u32(r.originalLength ?? r.data.length, le), r.data);
  }
  return Buffer.concat(parts);
}

/** A pcapng option (code, value padded to 4). */
export function option(code: number, value: Buffer, le: boolean): Buffer {
  return Buffer.concat([u16(code, le), u16(value.length, le), pad4(value)]);
}

/** Any pcapng block: type, total length, body (padded), total length again. */
export function block(type: number, body: Buffer, le: boolean, lengthOverride?: { lead?: number; trail?: number }): Buffer {
  const padded = pad4(body);
  const length = 12 + padded.length;
  return Buffer.concat([u32(type, le), u32(lengthOverride?.lead ?? length, le), padded, u32(lengthOverride?.trail ?? length, le)]);
}

export function shb(le: boolean, opts: { major?: number; options?: Buffer[] } = {}): Buffer {
  const body = Buffer.concat([
    u32(0x1a2b3c4d, le),
    u16(opts.major ?? 1, le),
    u16(0, le),
    Buffer.alloc(8, 0xff),
    ...(opts.options ?? []),
  ]);
  return block(0x0a0d0d0a, body, le);
}

export function idb(le: boolean, linkType: number, snapLen: number, options: Buffer[] = []): Buffer {
  const opts = options.length > 0 ? [...options, u32(0, le)] : [];
  return block(1, Buffer.concat([u16(linkType, le), u16(0, le), u32(snapLen, le), ...opts]), le);
}

export function epb(le: boolean, iface: number, tsUnits: bigint, data: Buffer, originalLength = data.length, capLenField = data.length): Buffer {
  const body = Buffer.concat([
    u32(iface, le),
    u32(Number(tsUnits >> 32n), le),
    u32(Number(tsUnits & 0xffffffffn), le),
    u32(capLenField, le),
    u32(originalLength, le),
    pad4(data),
  ]);
  return block(6, body, le);
}

/** Obsolete Packet Block (type 2): 16-bit interface id and drops count. */
export function pb(le: boolean, iface: number, tsUnits: bigint, data: Buffer): Buffer {
  const body = Buffer.concat([
    u16(iface, le),
    u16(0, le),
    u32(Number(tsUnits >> 32n), le),
    u32(Number(tsUnits & 0xffffffffn), le),
    u32(data.length, le),
    u32(data.length, le),
    pad4(data),
  ]);
  return block(2, body, le);
}

export function spb(le: boolean, originalLength: number, data: Buffer): Buffer {
  return block(3, Buffer.concat([u32(originalLength, le), pad4(data)]), le);
}

export function dsb(le: boolean, type: number, secrets: Buffer, lengthField = secrets.length): Buffer {
  return block(0x0a, Buffer.concat([u32(type, le), u32(lengthField, le), pad4(secrets)]), le);
}

/** Name Resolution Block with one IPv4 record; readers skip it. */
export function nrb(le: boolean): Buffer {
  const record = Buffer.concat([u16(1, le), u16(13, le), Buffer.from([198, 18, 0, 1]), pad4(Buffer.from('host.test\0'))]);
  return block(4, Buffer.concat([record, u16(0, le), u16(0, le)]), le);
}

/** Interface Statistics Block; readers skip it. */
export function isb(le: boolean, iface: number): Buffer {
  return block(5, Buffer.concat([u32(iface, le), u32(0, le), u32(0, le)]), le);
}

/** Custom block (type 0x00000BAD) with a private enterprise number; readers skip it. */
export function customBlock(le: boolean): Buffer {
  return block(0x00000bad, Buffer.concat([u32(32473, le), Buffer.from('custom!!')]), le);
}

/** A 64-bit pcapng option value (if_tsoffset). */
export function i64(v: bigint, le: boolean): Buffer {
  const b = Buffer.alloc(8);
  if (le) b.writeBigInt64LE(v);
  else b.writeBigInt64BE(v);
  return b;
}

/** `len` bytes of recognisable payload. */
export function payload(len: number, seed = 1): Buffer {
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

/** A pcapng stream exercising every block type, in the given byte order. */
export function richPcapng(le: boolean): Buffer {
  return Buffer.concat([
    shb(le, { options: [option(4, Buffer.from('handmade'), le), Buffer.alloc(4)] }),
    idb(le, 1, 0, [option(2, Buffer.from('eth0'), le)]),
    nrb(le),
    idb(le, 113, 96, [option(9, Buffer.from([9]), le), option(14, i64(-10n, le), le)]),
    epb(le, 0, 1_700_000_000_123_456n, payload(60)),
    epb(le, 1, 1_700_000_000_123_456_789n, payload(96, 2), 1500),
    customBlock(le),
    dsb(le, 0x544c534b, Buffer.from('CLIENT_RANDOM aa bb\n')),
    spb(le, 70, payload(70, 3)),
    pb(le, 1, 1_700_000_001_000_000_000n, payload(33, 4)),
    isb(le, 0),
    block(0x12345678, Buffer.from('unknown block body'), le),
  ]);
}
