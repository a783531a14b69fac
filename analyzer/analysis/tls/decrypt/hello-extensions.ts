/**
 * hello-extensions.ts: the few extension bytes decryption needs that the reporting decoder does not keep:
 * a ClientHello's session ticket (RFC 5077), a ServerHello's encrypt_then_mac (RFC 7366) and the ALPN of
 * TLS 1.3 EncryptedExtensions (RFC 8446 §4.3.1). Pure; malformed input gives an empty result.
 */

const EXT_ALPN = 16;
const EXT_ENCRYPT_THEN_MAC = 22;
const EXT_SESSION_TICKET = 35;

/** Every extension of an extensions block (2-byte length, then type/length/body items), as views. */
function extensionsAt(buf: Buffer, p: number): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  if (p + 2 > buf.length) return out;
  const end = Math.min(buf.length, p + 2 + buf.readUInt16BE(p));
  p += 2;
  while (p + 4 <= end) {
    const type = buf.readUInt16BE(p);
    const length = buf.readUInt16BE(p + 2);
    if (p + 4 + length > end) break;
    if (!out.has(type)) out.set(type, buf.subarray(p + 4, p + 4 + length));
    p += 4 + length;
  }
  return out;
}

/** The extensions of a ClientHello body (after the 4-byte handshake header). */
export function clientHelloExtensions(body: Buffer): Map<number, Buffer> {
  // legacy_version(2) random(32) session_id<1> cipher_suites<2> compression<1>
  let p = 34;
  if (p >= body.length) return new Map();
  p += 1 + body[p]!;
  if (p + 2 > body.length) return new Map();
  p += 2 + body.readUInt16BE(p);
  if (p >= body.length) return new Map();
  p += 1 + body[p]!;
  return extensionsAt(body, p);
}

/** The extensions of a ServerHello body. */
export function serverHelloExtensions(body: Buffer): Map<number, Buffer> {
  // legacy_version(2) random(32) session_id<1> cipher_suite(2) compression(1)
  let p = 34;
  if (p >= body.length) return new Map();
  p += 1 + body[p]! + 3;
  return extensionsAt(body, p);
}

/** The session ticket a ClientHello offers, or undefined (absent or empty). */
export function offeredTicket(clientHelloBody: Buffer): Buffer | undefined {
  const ticket = clientHelloExtensions(clientHelloBody).get(EXT_SESSION_TICKET);
  return ticket === undefined || ticket.length === 0 ? undefined : ticket;
}

/** True when a ServerHello accepts encrypt_then_mac. */
export function acceptsEncryptThenMac(serverHelloBody: Buffer): boolean {
  return serverHelloExtensions(serverHelloBody).has(EXT_ENCRYPT_THEN_MAC);
}

/** The protocol an EncryptedExtensions body selects by ALPN, or undefined. */
export function encryptedExtensionsAlpn(body: Buffer): string | undefined {
  const alpn = extensionsAt(body, 0).get(EXT_ALPN);
  // ProtocolNameList<2> holding one ProtocolName<1> (RFC 7301 §3.1).
  if (alpn === undefined || alpn.length < 3) return undefined;
  const length = alpn[2]!;
  if (3 + length > alpn.length) return undefined;
  return alpn.toString('latin1', 3, 3 + length);
}

/** The ticket of a TLS 1.2 NewSessionTicket body (RFC 5077 §3.3: lifetime(4) ticket<2>). */
export function newSessionTicket(body: Buffer): Buffer | undefined {
  if (body.length < 6) return undefined;
  const length = body.readUInt16BE(4);
  if (length === 0 || 6 + length > body.length) return undefined;
  return body.subarray(6, 6 + length);
}
