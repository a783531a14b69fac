/**
 * tls-hello.ts: ClientHello and ServerHello bodies (RFC 8446 §4.1.2–4.1.4, RFC 5246 §7.4.1) and the
 * extensions wirelab reports. Pure functions over Buffers; no I/O. Malformed input never throws: parsing
 * stops at the first field that does not fit and `complete` says so.
 */
import { ExtensionType, HELLO_RETRY_REQUEST_RANDOM, TlsVersion } from './tls-constants.js';

/** The parts of a ClientHello wirelab reports. */
export interface TlsClientHello {
  /** legacy_version (0x0303 for TLS 1.2 and 1.3 clients). */
  readonly legacyVersion: number;
  /** A view into the decoded body (as is `sessionId`): copy it before keeping it past the frame. */
  readonly random: Buffer | undefined;
  readonly sessionId: Buffer | undefined;
  readonly cipherSuites: readonly number[];
  /** Every server_name entry, whatever its name type, in order. */
  readonly serverNames: readonly string[];
  /** ALPN protocol names offered, in order. */
  readonly alpn: readonly string[];
  /** supported_versions entries as sent (GREASE included). */
  readonly supportedVersions: readonly number[];
  /** The early_data extension is present (0-RTT; forces TLS 1.3, spec §4.1). */
  readonly earlyData: boolean;
  /** A key_share extension is present. */
  readonly keyShare: boolean;
  /** False when the body ended (or a length overran it) before the fields above were all read. */
  readonly complete: boolean;
}

/** The parts of a ServerHello (or HelloRetryRequest) wirelab reports. */
export interface TlsServerHello {
  readonly legacyVersion: number;
  /** A view into the decoded body (as is `sessionId`): copy it before keeping it past the frame. */
  readonly random: Buffer | undefined;
  readonly sessionId: Buffer | undefined;
  readonly cipherSuite: number | undefined;
  /** The random is the HelloRetryRequest value and legacy_version is 0x0303 (RFC 8446 §4.1.3). */
  readonly helloRetryRequest: boolean;
  /** supported_versions extension values as sent (one for a well-formed TLS 1.3 ServerHello). */
  readonly supportedVersions: readonly number[];
  /** ALPN protocol(s) selected. */
  readonly alpn: readonly string[];
  readonly keyShare: boolean;
  /** pre_shared_key extension present: the server accepted a TLS 1.3 resumption (RFC 8446 §4.2.11). */
  readonly preSharedKey: boolean;
  /**
   * The version the session continues with, as tshark tracks it: the 2-byte supported_versions value when
   * legacy_version is 0x0303, else legacy_version; TLS 1.3 drafts count as 0x0304.
   */
  readonly negotiatedVersion: number;
  readonly complete: boolean;
}

// Mutable collector for extension fields shared by both hellos.
interface ExtensionFields {
  serverNames: string[];
  alpn: string[];
  supportedVersions: number[];
  earlyData: boolean;
  keyShare: boolean;
  /** A pre_shared_key extension (in a ServerHello: TLS 1.3 resumption accepted). */
  preSharedKey: boolean;
  /** Length of a ServerHello supported_versions extension body (2 when well-formed). */
  supportedVersionsLength: number;
}

/** Decodes bytes as tshark's ENC_ASCII does: bytes ≥ 0x80 become U+FFFD. */
function asciiString(buf: Buffer, start: number, end: number): string {
  let s = buf.toString('latin1', start, end);
  for (let i = start; i < end; i++) {
    if (buf[i] >= 0x80) {
      s = Array.from(buf.subarray(start, end), (b) => (b >= 0x80 ? '\ufffd' : String.fromCharCode(b))).join('');
      break;
    }
  }
  return s;
}

/** Reads one extension body into `out`; a malformed inner vector ends that extension only. */
function readExtension(
  buf: Buffer,
  type: number,
  start: number,
  end: number,
  isClient: boolean,
  out: ExtensionFields,
): void {
  switch (type) {
    case ExtensionType.ServerName: {
      if (!isClient || end - start < 2) return;
      const listEnd = Math.min(end, start + 2 + buf.readUInt16BE(start));
      let p = start + 2;
      while (p + 3 <= listEnd) {
        const nameLength = buf.readUInt16BE(p + 1);
        if (p + 3 + nameLength > listEnd) return;
        out.serverNames.push(asciiString(buf, p + 3, p + 3 + nameLength));
        p += 3 + nameLength;
      }
      return;
    }
    case ExtensionType.Alpn: {
      if (end - start < 2) return;
      const listEnd = Math.min(end, start + 2 + buf.readUInt16BE(start));
      let p = start + 2;
      while (p + 1 <= listEnd) {
        const nameLength = buf[p];
        if (p + 1 + nameLength > listEnd) return;
        out.alpn.push(asciiString(buf, p + 1, p + 1 + nameLength));
        p += 1 + nameLength;
      }
      return;
    }
    case ExtensionType.SupportedVersions: {
      if (isClient) {
        if (end - start < 1) return;
        const listEnd = Math.min(end, start + 1 + buf[start]);
        for (let p = start + 1; p + 2 <= listEnd; p += 2) out.supportedVersions.push(buf.readUInt16BE(p));
      } else {
        out.supportedVersionsLength = end - start;
        if (end - start >= 2) out.supportedVersions.push(buf.readUInt16BE(start));
      }
      return;
    }
    case ExtensionType.EarlyData:
      out.earlyData = true;
      return;
    case ExtensionType.KeyShare:
      out.keyShare = true;
      return;
    case ExtensionType.PreSharedKey:
      out.preSharedKey = true;
      return;
    default:
      return;
  }
}

/** Walks an extensions block starting at `p` (its 2-byte length); returns false if it overran the body. */
function readExtensions(buf: Buffer, p: number, end: number, isClient: boolean, out: ExtensionFields): boolean {
  if (p >= end) return true; // RFC 5246 §7.4.1.2: the extensions block is optional.
  if (p + 2 > end) return false;
  const blockEnd = p + 2 + buf.readUInt16BE(p);
  const limit = Math.min(blockEnd, end);
  p += 2;
  while (p + 4 <= limit) {
    const type = buf.readUInt16BE(p);
    const extEnd = p + 4 + buf.readUInt16BE(p + 2);
    if (extEnd > limit) return false;
    readExtension(buf, type, p + 4, extEnd, isClient, out);
    p = extEnd;
  }
  return blockEnd <= end && p === limit;
}

function newExtensionFields(): ExtensionFields {
  return { serverNames: [], alpn: [], supportedVersions: [], earlyData: false, keyShare: false, preSharedKey: false, supportedVersionsLength: 0 };
}

/**
 * Decodes a ClientHello body (the bytes after the 4-byte handshake header), or undefined when not even
 * the version is present.
 * @example decodeClientHello(body)?.serverNames[0] // 'www.example.test'
 */
export function decodeClientHello(body: Buffer): TlsClientHello | undefined {
  if (body.length < 2) return undefined;
  const ext = newExtensionFields();
  const legacyVersion = body.readUInt16BE(0);
  const cipherSuites: number[] = [];
  let random: Buffer | undefined;
  let sessionId: Buffer | undefined;
  let complete = false;
  parse: {
    if (body.length < 35) break parse;
    random = body.subarray(2, 34);
    const sidEnd = 35 + body[34];
    if (sidEnd > body.length) break parse;
    sessionId = body.subarray(35, sidEnd);
    if (sidEnd + 2 > body.length) break parse;
    const csEnd = sidEnd + 2 + body.readUInt16BE(sidEnd);
    if (csEnd > body.length) break parse;
    for (let p = sidEnd + 2; p + 2 <= csEnd; p += 2) cipherSuites.push(body.readUInt16BE(p));
    if (csEnd + 1 > body.length) break parse;
    const compEnd = csEnd + 1 + body[csEnd];
    if (compEnd > body.length) break parse;
    complete = readExtensions(body, compEnd, body.length, true, ext);
  }
  return {
    legacyVersion,
    random,
    sessionId,
    cipherSuites,
    serverNames: ext.serverNames,
    alpn: ext.alpn,
    supportedVersions: ext.supportedVersions,
    earlyData: ext.earlyData,
    keyShare: ext.keyShare,
    complete,
  };
}

/** Maps TLS 1.3 draft and Facebook-draft version numbers to 0x0304, as tshark does for session tracking. */
function normaliseVersion(version: number): number {
  if (version >>> 8 === 0x7f || version === 0xfb17 || version === 0xfb1a) return TlsVersion.Tls13;
  return version;
}

/**
 * Decodes a ServerHello body (after the 4-byte handshake header), or undefined when not even the version
 * is present. HelloRetryRequest is a ServerHello with a special random (RFC 8446 §4.1.3).
 */
export function decodeServerHello(body: Buffer): TlsServerHello | undefined {
  if (body.length < 2) return undefined;
  const ext = newExtensionFields();
  const legacyVersion = body.readUInt16BE(0);
  let random: Buffer | undefined;
  let sessionId: Buffer | undefined;
  let cipherSuite: number | undefined;
  let complete = false;
  parse: {
    if (body.length < 34) break parse;
    random = body.subarray(2, 34);
    if (body.length < 35) break parse;
    const sidEnd = 35 + body[34];
    if (sidEnd > body.length) break parse;
    sessionId = body.subarray(35, sidEnd);
    if (sidEnd + 2 > body.length) break parse;
    cipherSuite = body.readUInt16BE(sidEnd);
    if (sidEnd + 3 > body.length) break parse;
    complete = readExtensions(body, sidEnd + 3, body.length, false, ext);
  }
  const helloRetryRequest =
    legacyVersion === TlsVersion.Tls12 && random !== undefined && random.equals(HELLO_RETRY_REQUEST_RANDOM);
  const negotiatedVersion =
    legacyVersion === TlsVersion.Tls12 && ext.supportedVersionsLength === 2 && ext.supportedVersions.length === 1
      ? normaliseVersion(ext.supportedVersions[0])
      : normaliseVersion(legacyVersion);
  return {
    legacyVersion,
    random,
    sessionId,
    cipherSuite,
    helloRetryRequest,
    supportedVersions: ext.supportedVersions,
    alpn: ext.alpn,
    keyShare: ext.keyShare,
    preSharedKey: ext.preSharedKey,
    negotiatedVersion,
    complete,
  };
}
