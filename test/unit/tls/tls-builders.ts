// Test-local builders of TLS wire bytes (RFC 8446 §4, §5), so unit tests read as protocol, not hex.
import { HELLO_RETRY_REQUEST_RANDOM } from '../../../analyzer/decode/tls/tls-constants.js';

/** A TLS record: type, version, 16-bit length, body. */
export function record(type: number, body: Buffer, version = 0x0303): Buffer {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeUInt16BE(version, 1);
  header.writeUInt16BE(body.length, 3);
  return Buffer.concat([header, body]);
}

/** A handshake message: type and 24-bit length. */
export function handshake(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header[0] = type;
  header.writeUIntBE(body.length, 1, 3);
  return Buffer.concat([header, body]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** One extension: type, 16-bit length, body. */
export function extension(type: number, body: Buffer): Buffer {
  return Buffer.concat([u16(type), u16(body.length), body]);
}

export function sniExtension(name: string): Buffer {
  const host = Buffer.from(name, 'ascii');
  const entry = Buffer.concat([Buffer.from([0]), u16(host.length), host]);
  return extension(0, Buffer.concat([u16(entry.length), entry]));
}

export function alpnExtension(names: readonly string[]): Buffer {
  const list = Buffer.concat(names.map((n) => Buffer.concat([Buffer.from([n.length]), Buffer.from(n, 'ascii')])));
  return extension(16, Buffer.concat([u16(list.length), list]));
}

export function clientSupportedVersions(versions: readonly number[]): Buffer {
  return extension(43, Buffer.concat([Buffer.from([versions.length * 2]), ...versions.map(u16)]));
}

/** ClientHello body (without the handshake header). */
export function clientHelloBody(extensions: readonly Buffer[] = [], suites: readonly number[] = [0x1301, 0xc02f]): Buffer {
  const exts = Buffer.concat(extensions);
  return Buffer.concat([
    u16(0x0303),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    u16(suites.length * 2),
    ...suites.map(u16),
    Buffer.from([1, 0]),
    u16(exts.length),
    exts,
  ]);
}

/** ServerHello body; `hrr` uses the HelloRetryRequest random. */
export function serverHelloBody(suite: number, extensions: readonly Buffer[] = [], hrr = false): Buffer {
  const exts = Buffer.concat(extensions);
  return Buffer.concat([
    u16(0x0303),
    hrr ? HELLO_RETRY_REQUEST_RANDOM : Buffer.alloc(32, 9),
    Buffer.from([0]),
    u16(suite),
    Buffer.from([0]),
    u16(exts.length),
    exts,
  ]);
}

export const tls13ServerVersion = extension(43, u16(0x0304));

/** A full ClientHello record. */
export function clientHelloRecord(extensions: readonly Buffer[] = []): Buffer {
  return record(22, handshake(1, clientHelloBody(extensions)), 0x0301);
}

/** An SSLv2-format ClientHello record (RFC 5246 Appendix E.2) with 3 cipher specs and a 32-byte challenge. */
export function sslv2ClientHello(): Buffer {
  const body = Buffer.concat([
    Buffer.from([1]),
    u16(0x0301),
    u16(9),
    u16(0),
    u16(32),
    Buffer.from([0, 0, 0x2f, 0, 0, 0x35, 0, 0, 0x0a]),
    Buffer.alloc(32, 3),
  ]);
  return Buffer.concat([Buffer.from([0x80 | (body.length >> 8), body.length & 0xff]), body]);
}
