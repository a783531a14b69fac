/**
 * tls-record.ts: TLS and SSLv2 record headers and the byte-pattern tests tshark uses to recognise them.
 * Pure functions over Buffers; no I/O, no analysis state. Every read is bounds-checked.
 */
import { isValidContentType, sslv2MessageName, TlsVersion } from './tls-constants.js';

/** Bytes in a TLS (SSLv3+) record header: type (1), version (2), length (2). */
export const TLS_RECORD_HEADER_LENGTH = 5;

/** Largest plaintext record body (RFC 8446 §5.1: 2^14). */
export const TLS_MAX_RECORD_LENGTH = 16384;

/** A TLS record header read from the wire. */
export interface TlsRecordHeader {
  /** Content type byte (not necessarily valid). */
  readonly type: number;
  /** Record-layer version field as sent. */
  readonly version: number;
  /** Length field: body bytes, header excluded. */
  readonly length: number;
}

/**
 * Reads the 5-byte TLS record header at `offset`, or undefined when fewer than 5 bytes remain.
 * @example readTlsRecordHeader(Buffer.from('1603010005', 'hex'), 0) // { type: 22, version: 0x0301, length: 5 }
 */
export function readTlsRecordHeader(buf: Buffer, offset: number): TlsRecordHeader | undefined {
  if (offset < 0 || buf.length - offset < TLS_RECORD_HEADER_LENGTH) return undefined;
  return { type: buf[offset], version: buf.readUInt16BE(offset + 1), length: buf.readUInt16BE(offset + 3) };
}

/** An SSLv2 record header (2-byte form when bit 7 of the first byte is set, else 3-byte form). */
export interface Sslv2RecordHeader {
  /** 2 or 3. */
  readonly headerLength: number;
  /** Body length (15 or 14 bits). */
  readonly length: number;
}

/** Reads an SSLv2 record header at `offset`, or undefined when it is not fully present. */
export function readSslv2RecordHeader(buf: Buffer, offset: number): Sslv2RecordHeader | undefined {
  if (offset < 0 || offset >= buf.length) return undefined;
  const b0 = buf[offset];
  const headerLength = b0 & 0x80 ? 2 : 3;
  if (buf.length - offset < headerLength) return undefined;
  const length = headerLength === 2 ? ((b0 & 0x7f) << 8) | buf[offset + 1] : ((b0 & 0x3f) << 8) | buf[offset + 1];
  return { headerLength, length };
}

/** True for the versions tshark calls valid SSL/TLS versions (SSLv3 … TLS 1.3, TLCP, DTLS). */
export function isValidSslVersion(version: number): boolean {
  return (
    (version >= TlsVersion.Ssl3 && version <= TlsVersion.Tls13) ||
    version === TlsVersion.Tlcp ||
    version === 0x0100 ||
    version === 0xfeff ||
    version === 0xfefd
  );
}

/**
 * True when the body of an SSLv2 record looks like a plaintext handshake message tshark dissects:
 * ClientHello/ServerHello with a valid version field, or a ClientMasterKey whose key lengths fit.
 * Anything else is shown as `Encrypted Data`.
 */
export function isPlausibleSslv2Message(body: Buffer): boolean {
  if (body.length < 1 || sslv2MessageName(body[0]) === undefined) return false;
  switch (body[0]) {
    case 1:
      return body.length >= 3 && isValidSslVersion(body.readUInt16BE(1));
    case 4:
      return body.length >= 5 && isValidSslVersion(body.readUInt16BE(3));
    case 2:
      return (
        body.length >= 10 && body.readUInt16BE(4) + body.readUInt16BE(6) + body.readUInt16BE(8) <= body.length
      );
    default:
      return false;
  }
}

/**
 * tshark's "looks like SSLv2" test at a record start: first byte ≥ 0x80 and third byte an SSLv2/PCT
 * message type (0, 1, 2, 4). Needs 3 bytes.
 */
export function looksLikeSslv2Record(buf: Buffer, offset: number): boolean {
  if (buf.length - offset < 3) return false;
  const t = buf[offset + 2];
  return buf[offset] >= 0x80 && (t === 0 || t === 1 || t === 2 || t === 4);
}

/**
 * tshark's "looks like SSLv3/TLS" test at a record start: a valid content type (20–25) followed by a
 * version 0x0300–0x0304. Needs 3 bytes.
 */
export function looksLikeTlsRecord(buf: Buffer, offset: number): boolean {
  if (buf.length - offset < 3) return false;
  const version = buf.readUInt16BE(offset + 1);
  return isValidContentType(buf[offset]) && version >= TlsVersion.Ssl3 && version <= TlsVersion.Tls13;
}

/** tshark's "SSLv2 ClientHello after the version is known" test: bytes `80 ?? 01`. */
export function isSslv2ClientHelloStart(buf: Buffer, offset: number): boolean {
  return buf.length - offset >= 3 && buf[offset] === 0x80 && buf[offset + 2] === 1;
}

/**
 * The TLS heuristic's record test (spec §1.2): type 22 or 23, version SSLv3–TLS 1.2 or TLCP,
 * length 1 … 18 430. The body is not looked at.
 */
export function isHeuristicTlsRecordHeader(buf: Buffer): boolean {
  if (buf.length < TLS_RECORD_HEADER_LENGTH) return false;
  const type = buf[0];
  if (type !== 22 && type !== 23) return false;
  const version = buf.readUInt16BE(1);
  if (!(version >= TlsVersion.Ssl3 && version <= TlsVersion.Tls12) && version !== TlsVersion.Tlcp) return false;
  const length = buf.readUInt16BE(3);
  return length >= 1 && length < TLS_MAX_RECORD_LENGTH + 2048;
}

/**
 * The TLS heuristic's SSLv2-ClientHello test (spec §1.2, RFC 5246 Appendix E.2): ≥ 46 bytes, `80 ?? 01`,
 * cipher-spec length a non-zero multiple of 3, session-id length 0 or 16, challenge length 32.
 */
export function isHeuristicSslv2ClientHello(buf: Buffer): boolean {
  if (buf.length < 46 || buf[0] !== 0x80 || buf[2] !== 1) return false;
  const cipherSpecLength = buf.readUInt16BE(5);
  if (cipherSpecLength === 0 || cipherSpecLength % 3 !== 0) return false;
  const sessionIdLength = buf.readUInt16BE(7);
  if (sessionIdLength !== 0 && sessionIdLength !== 16) return false;
  return buf.readUInt16BE(9) === 32;
}

/** True when the first four bytes are printable ASCII (0x20–0x7E) and at least 5 bytes are present (spec §1.3). */
export function startsWithPrintableText(buf: Buffer): boolean {
  if (buf.length < 5) return false;
  for (let i = 0; i < 4; i++) {
    const b = buf[i];
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}
