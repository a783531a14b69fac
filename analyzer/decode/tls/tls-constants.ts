/**
 * tls-constants.ts: TLS/SSL protocol numbers and the names tshark 4.0.17 shows for them.
 * Pure data and lookups; imports nothing.
 */

/** TLS record content types (RFC 8446 §5.1, RFC 6520, RFC 9146). */
export const ContentType = {
  ChangeCipherSpec: 20,
  Alert: 21,
  Handshake: 22,
  ApplicationData: 23,
  Heartbeat: 24,
  ConnectionId: 25,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

/** True for the content types tshark accepts as valid (20–25). */
export function isValidContentType(type: number): boolean {
  return type >= ContentType.ChangeCipherSpec && type <= ContentType.ConnectionId;
}

/** Handshake message types we act on (RFC 8446 §4, RFC 5246 §7.4). */
export const HandshakeType = {
  HelloRequest: 0,
  ClientHello: 1,
  ServerHello: 2,
  NewSessionTicket: 4,
  HelloRetryRequest: 6,
  Certificate: 11,
  Finished: 20,
} as const;

/** Protocol version numbers as they appear on the wire. */
export const TlsVersion = {
  Ssl2: 0x0002,
  Ssl3: 0x0300,
  Tls10: 0x0301,
  Tls11: 0x0302,
  Tls12: 0x0303,
  Tls13: 0x0304,
  Tlcp: 0x0101,
} as const;

/** Extension types we read (IANA TLS ExtensionType Values). */
export const ExtensionType = {
  ServerName: 0,
  Alpn: 16,
  PreSharedKey: 41,
  EarlyData: 42,
  SupportedVersions: 43,
  KeyShare: 51,
} as const;

// tshark 4.0.17 `tls.handshake.type` value names (spec §5.3); index = type.
const HANDSHAKE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'Hello Request'],
  [1, 'Client Hello'],
  [2, 'Server Hello'],
  [3, 'Hello Verify Request'],
  [4, 'New Session Ticket'],
  [5, 'End of Early Data'],
  [6, 'Hello Retry Request'],
  [8, 'Encrypted Extensions'],
  [11, 'Certificate'],
  [12, 'Server Key Exchange'],
  [13, 'Certificate Request'],
  [14, 'Server Hello Done'],
  [15, 'Certificate Verify'],
  [16, 'Client Key Exchange'],
  [20, 'Finished'],
  [21, 'Client Certificate URL'],
  [22, 'Certificate Status'],
  [23, 'Supplemental Data'],
  [24, 'Key Update'],
  [25, 'Compressed Certificate'],
  [67, 'Encrypted Extensions'],
]);

// Precomputed so the analyzer never builds strings per packet.
const HANDSHAKE_FRAGMENT_NAMES: ReadonlyMap<number, string> = new Map(
  [...HANDSHAKE_NAMES].map(([type, name]) => [type, `[${name} Fragment]`]),
);

/** True when tshark 4.0.17 knows the handshake type (spec §5.1 list). */
export function isKnownHandshakeType(type: number): boolean {
  return HANDSHAKE_NAMES.has(type);
}

/** tshark's name of a handshake message type, or undefined when unknown. */
export function handshakeTypeName(type: number): string | undefined {
  return HANDSHAKE_NAMES.get(type);
}

/** tshark's Info item for the first piece of a handshake message split over records: `[Certificate Fragment]`. */
export function handshakeFragmentName(type: number): string {
  return HANDSHAKE_FRAGMENT_NAMES.get(type) ?? '[Encrypted Handshake Message Fragment]';
}

// SSLv2 message types (draft-hickman-netscape-ssl-00), as tshark names them.
const SSLV2_MESSAGE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'Error'],
  [1, 'Client Hello'],
  [2, 'Client Master Key'],
  [3, 'Client Finished'],
  [4, 'Server Hello'],
  [5, 'Server Verify'],
  [6, 'Server Finished'],
  [7, 'Request Certificate'],
  [8, 'Client Certificate'],
]);

/** tshark's name of an SSLv2 message type (0–8), or undefined. */
export function sslv2MessageName(type: number): string | undefined {
  return SSLV2_MESSAGE_NAMES.get(type);
}

// Alert descriptions (RFC 8446 §6 and tshark's table), names as tshark prints them.
const ALERT_DESCRIPTIONS: ReadonlyMap<number, string> = new Map([
  [0, 'Close Notify'],
  [1, 'End of Early Data'],
  [10, 'Unexpected Message'],
  [20, 'Bad Record MAC'],
  [21, 'Decryption Failed'],
  [22, 'Record Overflow'],
  [30, 'Decompression Failure'],
  [40, 'Handshake Failure'],
  [41, 'No Certificate'],
  [42, 'Bad Certificate'],
  [43, 'Unsupported Certificate'],
  [44, 'Certificate Revoked'],
  [45, 'Certificate Expired'],
  [46, 'Certificate Unknown'],
  [47, 'Illegal Parameter'],
  [48, 'Unknown CA'],
  [49, 'Access Denied'],
  [50, 'Decode Error'],
  [51, 'Decrypt Error'],
  [60, 'Export Restriction'],
  [70, 'Protocol Version'],
  [71, 'Insufficient Security'],
  [80, 'Internal Error'],
  [86, 'Inappropriate Fallback'],
  [90, 'User Canceled'],
  [100, 'No Renegotiation'],
  [109, 'Missing Extension'],
  [110, 'Unsupported Extension'],
  [111, 'Certificate Unobtainable'],
  [112, 'Unrecognized Name'],
  [113, 'Bad Certificate Status Response'],
  [114, 'Bad Certificate Hash Value'],
  [115, 'Unknown PSK Identity'],
  [116, 'Certificate Required'],
  [120, 'No application Protocol'],
  [121, 'ECH Required'],
]);

/** tshark's alert description name (`Unknown CA`), `Unknown` when not in its table. */
export function alertDescriptionName(desc: number): string {
  return ALERT_DESCRIPTIONS.get(desc) ?? 'Unknown';
}

/** tshark's alert level name: 1 `Warning`, 2 `Fatal`, else `Unknown`. */
export function alertLevelName(level: number): string {
  return level === 1 ? 'Warning' : level === 2 ? 'Fatal' : 'Unknown';
}

/**
 * Human name of a protocol version: `SSL 2.0`, `SSL 3.0`, `TLS 1.0` … `TLS 1.3`, `TLS 1.3 (draft 28)`;
 * anything else as `0xNNNN`.
 */
export function tlsVersionName(version: number): string {
  switch (version) {
    case TlsVersion.Ssl2:
      return 'SSL 2.0';
    case TlsVersion.Ssl3:
      return 'SSL 3.0';
    case TlsVersion.Tls10:
      return 'TLS 1.0';
    case TlsVersion.Tls11:
      return 'TLS 1.1';
    case TlsVersion.Tls12:
      return 'TLS 1.2';
    case TlsVersion.Tls13:
      return 'TLS 1.3';
    case TlsVersion.Tlcp:
      return 'GMTLS';
    default:
      if (version >>> 8 === 0x7f) return `TLS 1.3 (draft ${version & 0xff})`;
      return `0x${version.toString(16).padStart(4, '0')}`;
  }
}

/**
 * The ServerHello.random value that marks a HelloRetryRequest: SHA-256("HelloRetryRequest")
 * (RFC 8446 §4.1.3).
 */
export const HELLO_RETRY_REQUEST_RANDOM: Buffer = Buffer.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
  'hex',
);
