/**
 * cipher-params.ts: what record decryption needs to know of a cipher suite (RFC 5246 appendix C, RFC 5288,
 * RFC 5289, RFC 7905, RFC 8446 §B.4): the bulk cipher as node:crypto names it, key and IV sizes, the MAC
 * and the PRF hash. Suites not listed here are reported as "no decryption for suite …". Pure data.
 */

/** How records of a suite are protected. */
export type RecordProtection = 'gcm' | 'chacha20-poly1305' | 'ccm' | 'cbc';

/** The decryption parameters of one suite. */
export interface CipherParams {
  readonly protection: RecordProtection;
  /** node:crypto cipher name, e.g. `aes-128-gcm`. */
  readonly cipher: string;
  readonly keyLength: number;
  /** TLS 1.2: bytes of IV from the key block (GCM/CCM salt 4, ChaCha20 12, CBC 0: the IV is explicit). */
  readonly fixedIvLength: number;
  /** CBC: the block length; AEAD: 0. */
  readonly blockLength: number;
  /** CBC: HMAC hash (`sha1`, `sha256`, `sha384`); AEAD: undefined. */
  readonly macHash: 'sha1' | 'sha256' | 'sha384' | undefined;
  /** AEAD tag length. */
  readonly tagLength: number;
  /** TLS 1.2 PRF hash, or TLS 1.3 HKDF hash. */
  readonly prfHash: 'sha256' | 'sha384';
  /** A TLS 1.3 suite. */
  readonly tls13: boolean;
}

function aead(protection: RecordProtection, cipher: string, keyLength: number, prfHash: 'sha256' | 'sha384', tagLength = 16): CipherParams {
  const fixedIvLength = protection === 'chacha20-poly1305' ? 12 : 4;
  return { protection, cipher, keyLength, fixedIvLength, blockLength: 0, macHash: undefined, tagLength, prfHash, tls13: false };
}

function cbc(cipher: string, keyLength: number, macHash: 'sha1' | 'sha256' | 'sha384', blockLength = 16): CipherParams {
  // TLS 1.2 (RFC 5246 §5): the PRF is SHA-256 unless the suite names SHA-384.
  const prfHash = macHash === 'sha384' ? 'sha384' : 'sha256';
  return { protection: 'cbc', cipher, keyLength, fixedIvLength: 0, blockLength, macHash, tagLength: 0, prfHash, tls13: false };
}

function tls13(protection: RecordProtection, cipher: string, keyLength: number, prfHash: 'sha256' | 'sha384', tagLength = 16): CipherParams {
  return { protection, cipher, keyLength, fixedIvLength: 12, blockLength: 0, macHash: undefined, tagLength, prfHash, tls13: true };
}

const AES128_GCM_256 = aead('gcm', 'aes-128-gcm', 16, 'sha256');
const AES256_GCM_384 = aead('gcm', 'aes-256-gcm', 32, 'sha384');
const CHACHA = aead('chacha20-poly1305', 'chacha20-poly1305', 32, 'sha256');
const AES128_CCM = aead('ccm', 'aes-128-ccm', 16, 'sha256');
const AES256_CCM = aead('ccm', 'aes-256-ccm', 32, 'sha256');

const SUITES: ReadonlyMap<number, CipherParams> = new Map<number, CipherParams>([
  // TLS 1.3 (RFC 8446 §B.4)
  [0x1301, tls13('gcm', 'aes-128-gcm', 16, 'sha256')],
  [0x1302, tls13('gcm', 'aes-256-gcm', 32, 'sha384')],
  [0x1303, tls13('chacha20-poly1305', 'chacha20-poly1305', 32, 'sha256')],
  [0x1304, tls13('ccm', 'aes-128-ccm', 16, 'sha256')],
  [0x1305, tls13('ccm', 'aes-128-ccm', 16, 'sha256', 8)],
  // AES-GCM (RFC 5288, RFC 5289)
  [0x009c, AES128_GCM_256], [0x009d, AES256_GCM_384], [0x009e, AES128_GCM_256], [0x009f, AES256_GCM_384],
  [0x00a2, AES128_GCM_256], [0x00a3, AES256_GCM_384], [0x00a8, AES128_GCM_256], [0x00a9, AES256_GCM_384],
  [0x00aa, AES128_GCM_256], [0x00ab, AES256_GCM_384], [0x00ac, AES128_GCM_256], [0x00ad, AES256_GCM_384],
  [0xc02b, AES128_GCM_256], [0xc02c, AES256_GCM_384], [0xc02d, AES128_GCM_256], [0xc02e, AES256_GCM_384],
  [0xc02f, AES128_GCM_256], [0xc030, AES256_GCM_384], [0xc031, AES128_GCM_256], [0xc032, AES256_GCM_384],
  // ChaCha20-Poly1305 (RFC 7905)
  [0xcca8, CHACHA], [0xcca9, CHACHA], [0xccaa, CHACHA], [0xccab, CHACHA], [0xccac, CHACHA], [0xccad, CHACHA], [0xccae, CHACHA],
  // AES-CCM (RFC 6655, RFC 7251)
  [0xc09c, AES128_CCM], [0xc09d, AES256_CCM], [0xc09e, AES128_CCM], [0xc09f, AES256_CCM],
  [0xc0ac, AES128_CCM], [0xc0ad, AES256_CCM],
  // CBC with HMAC (RFC 5246, RFC 4492, RFC 5289)
  [0x002f, cbc('aes-128-cbc', 16, 'sha1')], [0x0033, cbc('aes-128-cbc', 16, 'sha1')],
  [0x0035, cbc('aes-256-cbc', 32, 'sha1')], [0x0039, cbc('aes-256-cbc', 32, 'sha1')],
  [0x003c, cbc('aes-128-cbc', 16, 'sha256')], [0x003d, cbc('aes-256-cbc', 32, 'sha256')],
  [0x0067, cbc('aes-128-cbc', 16, 'sha256')], [0x006b, cbc('aes-256-cbc', 32, 'sha256')],
  [0xc009, cbc('aes-128-cbc', 16, 'sha1')], [0xc00a, cbc('aes-256-cbc', 32, 'sha1')],
  [0xc013, cbc('aes-128-cbc', 16, 'sha1')], [0xc014, cbc('aes-256-cbc', 32, 'sha1')],
  [0xc023, cbc('aes-128-cbc', 16, 'sha256')], [0xc024, cbc('aes-256-cbc', 32, 'sha384')],
  [0xc027, cbc('aes-128-cbc', 16, 'sha256')], [0xc028, cbc('aes-256-cbc', 32, 'sha384')],
  [0x000a, cbc('des-ede3-cbc', 24, 'sha1', 8)], [0xc012, cbc('des-ede3-cbc', 24, 'sha1', 8)],
]);

/** The decryption parameters of a suite, or undefined when wirelab cannot decrypt it. */
export function cipherParams(suite: number): CipherParams | undefined {
  return SUITES.get(suite);
}

/** Length of a hash's output in bytes. */
export function hashLength(hash: 'sha1' | 'sha256' | 'sha384'): number {
  return hash === 'sha1' ? 20 : hash === 'sha256' ? 32 : 48;
}
