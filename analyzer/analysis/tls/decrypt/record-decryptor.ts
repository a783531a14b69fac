/**
 * record-decryptor.ts: decrypts the records of one direction of a TLS session, in order: TLS 1.2 AEAD
 * (RFC 5288 explicit nonce, RFC 7905 ChaCha20 nonce, RFC 6655 CCM), TLS 1.2 CBC with HMAC, MAC-then-encrypt
 * (RFC 5246 §6.2.3.2) or encrypt-then-MAC (RFC 7366), and TLS 1.3 (RFC 8446 §5.2–5.3). node:crypto only;
 * never throws on bad input: a record that does not decrypt is a result, not an exception.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { CipherGCMTypes, CipherCCMTypes, CipherChaCha20Poly1305Types } from 'node:crypto';
import { hashLength } from './cipher-params.js';
import type { CipherParams } from './cipher-params.js';
import type { DirectionKeys } from './key-schedule.js';

/** A decrypted record, or why it did not decrypt. */
export type DecryptResult =
  | { readonly ok: true; /** The (TLS 1.3: inner) content type. */ readonly type: number; readonly plaintext: Buffer }
  | { readonly ok: false; readonly reason: 'authentication' | 'length' | 'padding' };

/** TLS 1.3 records carry at most 2^14 + 256 bytes of ciphertext (RFC 8446 §5.2). */
const MAX_CIPHERTEXT = 16384 + 2048;

/** The 8-byte big-endian sequence number, written at `at` into `out`. */
function writeSeq(out: Buffer, at: number, seq: number): void {
  out.writeUInt32BE(Math.floor(seq / 2 ** 32), at);
  out.writeUInt32BE(seq >>> 0, at + 4);
}

/** The 8-byte big-endian sequence number. */
function seqBytes(seq: number): Buffer {
  const out = Buffer.alloc(8);
  writeSeq(out, 0, seq);
  return out;
}

/** The IV XOR the left-padded sequence number (RFC 8446 §5.3, RFC 7905 §2), into `nonce` (the IV's length). */
function xorNonceInto(nonce: Buffer, iv: Buffer, seq: number): Buffer {
  iv.copy(nonce, 0);
  const n = nonce.length;
  const hi = Math.floor(seq / 2 ** 32);
  const lo = seq >>> 0;
  for (let i = 0; i < 4; i++) {
    nonce[n - 8 + i]! ^= (hi >>> (24 - 8 * i)) & 0xff;
    nonce[n - 4 + i]! ^= (lo >>> (24 - 8 * i)) & 0xff;
  }
  return nonce;
}

/** The IV XOR the left-padded sequence number, a new buffer. */
function xorNonce(iv: Buffer, seq: number): Buffer {
  return xorNonceInto(Buffer.alloc(iv.length), iv, seq);
}

/** A stream cipher's output and its (for AEAD always empty) final block, without copying the first. */
function withFinal(out: Buffer, last: Buffer): Buffer {
  return last.length === 0 ? out : Buffer.concat([out, last]);
}

/** One direction's record protection; `seq` counts the records it was given since its keys were set. */
export class RecordDecryptor {
  /**
   * The next record's sequence number: records decrypted since the keys were set. As tshark, a record that
   * fails does not advance it (so after a lost record every later one fails, and a resent one decrypts).
   */
  seq = 0;
  /** Records that decrypted. */
  decrypted = 0;
  /**
   * Scratch for each record's nonce and additional data: node:crypto copies both when given them, so one
   * buffer of each serves every record (two allocations fewer per record).
   */
  private readonly nonce: Buffer;
  private readonly aad12 = Buffer.alloc(13);
  private readonly aad13 = Buffer.alloc(5);

  /**
   * @param params the suite's parameters
   * @param keys this direction's key, IV and MAC key
   * @param encryptThenMac CBC only: RFC 7366 was negotiated
   */
  constructor(
    readonly params: CipherParams,
    readonly keys: DirectionKeys,
    readonly encryptThenMac = false,
  ) {
    this.nonce = Buffer.alloc(params.tls13 || params.protection === 'chacha20-poly1305' ? keys.iv.length : keys.iv.length + 8);
  }

  /**
   * Decrypts one record body; `type` and `version` are the record header's.
   * @example
   * const r = decryptor.decrypt(23, 0x0303, body);
   * if (r.ok) handle(r.type, r.plaintext);
   */
  decrypt(type: number, version: number, body: Buffer): DecryptResult {
    const seq = this.seq;
    try {
      let result: DecryptResult;
      if (this.params.tls13) result = this.decryptTls13(type, version, body, seq);
      else if (this.params.protection === 'cbc') result = this.decryptCbc(type, version, body, seq);
      else result = this.decryptTls12Aead(type, version, body, seq);
      if (result.ok) {
        this.seq++;
        this.decrypted++;
      }
      return result;
    } catch {
      // node:crypto rejects what cannot be authenticated (and odd lengths) by throwing.
      return { ok: false, reason: 'authentication' };
    }
  }

  private aeadOpen(nonce: Buffer, aad: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
    const { protection, cipher, tagLength } = this.params;
    const key = this.keys.key;
    if (protection === 'ccm') {
      const d = createDecipheriv(cipher as CipherCCMTypes, key, nonce, { authTagLength: tagLength });
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: ciphertext.length });
      return d.update(ciphertext);
    }
    if (protection === 'chacha20-poly1305') {
      const d = createDecipheriv(cipher as CipherChaCha20Poly1305Types, key, nonce, { authTagLength: tagLength });
      d.setAAD(aad, { plaintextLength: ciphertext.length });
      d.setAuthTag(tag);
      return withFinal(d.update(ciphertext), d.final());
    }
    const d = createDecipheriv(cipher as CipherGCMTypes, key, nonce, { authTagLength: tagLength });
    d.setAAD(aad);
    d.setAuthTag(tag);
    return withFinal(d.update(ciphertext), d.final());
  }

  private decryptTls13(type: number, version: number, body: Buffer, seq: number): DecryptResult {
    const tagLength = this.params.tagLength;
    if (body.length < tagLength + 1 || body.length > MAX_CIPHERTEXT) return { ok: false, reason: 'length' };
    const aad = this.aad13;
    aad[0] = type;
    aad.writeUInt16BE(version, 1);
    aad.writeUInt16BE(body.length, 3);
    const ciphertext = body.subarray(0, body.length - tagLength);
    const tag = body.subarray(body.length - tagLength);
    const inner = this.aeadOpen(xorNonceInto(this.nonce, this.keys.iv, seq), aad, ciphertext, tag);
    // RFC 8446 §5.4: the content type is the last non-zero byte; zeros after it are padding.
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) return { ok: false, reason: 'padding' };
    return { ok: true, type: inner[end]!, plaintext: inner.subarray(0, end) };
  }

  private decryptTls12Aead(type: number, version: number, body: Buffer, seq: number): DecryptResult {
    const { protection, tagLength } = this.params;
    const explicit = protection === 'chacha20-poly1305' ? 0 : 8;
    if (body.length < explicit + tagLength) return { ok: false, reason: 'length' };
    const nonce = this.nonce;
    if (explicit === 0) xorNonceInto(nonce, this.keys.iv, seq);
    else {
      this.keys.iv.copy(nonce, 0);
      body.copy(nonce, this.keys.iv.length, 0, explicit);
    }
    const ciphertext = body.subarray(explicit, body.length - tagLength);
    const tag = body.subarray(body.length - tagLength);
    const aad = this.aad12;
    writeSeq(aad, 0, seq);
    aad[8] = type;
    aad.writeUInt16BE(version, 9);
    aad.writeUInt16BE(ciphertext.length, 11);
    return { ok: true, type, plaintext: this.aeadOpen(nonce, aad, ciphertext, tag) };
  }

  private mac(seq: number, type: number, version: number, content: Buffer): Buffer {
    const header = Buffer.of(type, version >> 8, version & 0xff, content.length >> 8, content.length & 0xff);
    return createHmac(this.params.macHash!, this.keys.macKey).update(seqBytes(seq)).update(header).update(content).digest();
  }

  private decryptCbc(type: number, version: number, body: Buffer, seq: number): DecryptResult {
    const { blockLength, cipher, macHash } = this.params;
    const macLength = hashLength(macHash!);
    let encrypted = body;
    if (this.encryptThenMac) {
      // RFC 7366: the MAC covers the IV and ciphertext and is checked before decrypting.
      if (body.length < macLength + 2 * blockLength) return { ok: false, reason: 'length' };
      encrypted = body.subarray(0, body.length - macLength);
      const expected = this.mac(seq, type, version, encrypted);
      if (!timingSafeEqual(expected, body.subarray(body.length - macLength))) return { ok: false, reason: 'authentication' };
    }
    if (encrypted.length < 2 * blockLength || encrypted.length % blockLength !== 0) return { ok: false, reason: 'length' };
    // TLS 1.1+ (RFC 4346 §6.2.3.2): the first block is the record's explicit IV.
    const iv = encrypted.subarray(0, blockLength);
    const d = createDecipheriv(cipher, this.keys.key, iv);
    d.setAutoPadding(false);
    const padded = Buffer.concat([d.update(encrypted.subarray(blockLength)), d.final()]);
    const padLength = padded[padded.length - 1]!;
    const contentEnd = padded.length - padLength - 1 - (this.encryptThenMac ? 0 : macLength);
    if (contentEnd < 0) return { ok: false, reason: 'padding' };
    for (let i = padded.length - padLength - 1; i < padded.length; i++) {
      if (padded[i] !== padLength) return { ok: false, reason: 'padding' };
    }
    const content = padded.subarray(0, contentEnd);
    if (!this.encryptThenMac) {
      const expected = this.mac(seq, type, version, content);
      if (!timingSafeEqual(expected, padded.subarray(contentEnd, contentEnd + macLength))) return { ok: false, reason: 'authentication' };
    }
    return { ok: true, type, plaintext: content };
  }
}

/**
 * Encrypts one record as `RecordDecryptor` expects it, for tests and simulations (TLS 1.3 and TLS 1.2
 * AEAD; CBC with a zero explicit IV). Returns the record body.
 */
export function encryptRecord(
  params: CipherParams,
  keys: DirectionKeys,
  seq: number,
  type: number,
  version: number,
  plaintext: Buffer,
  options: { readonly encryptThenMac?: boolean; readonly explicitNonce?: Buffer } = {},
): { type: number; body: Buffer } {
  const { protection, cipher, tagLength } = params;
  const seal = (nonce: Buffer, aad: Buffer, data: Buffer): Buffer => {
    const opts = { authTagLength: tagLength };
    const c =
      protection === 'ccm'
        ? createCipheriv(cipher as CipherCCMTypes, keys.key, nonce, opts)
        : createCipheriv(cipher as CipherGCMTypes, keys.key, nonce, opts);
    c.setAAD(aad, { plaintextLength: data.length });
    return Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
  };
  if (params.tls13) {
    const inner = Buffer.concat([plaintext, Buffer.of(type)]);
    const length = inner.length + tagLength;
    const aad = Buffer.of(23, version >> 8, version & 0xff, length >> 8, length & 0xff);
    return { type: 23, body: seal(xorNonce(keys.iv, seq), aad, inner) };
  }
  const header = Buffer.of(type, version >> 8, version & 0xff, plaintext.length >> 8, plaintext.length & 0xff);
  if (protection === 'cbc') {
    const macHash = params.macHash!;
    const mac = (content: Buffer): Buffer => {
      const h = Buffer.of(type, version >> 8, version & 0xff, content.length >> 8, content.length & 0xff);
      return createHmac(macHash, keys.macKey).update(seqBytes(seq)).update(h).update(content).digest();
    };
    const iv = Buffer.alloc(params.blockLength);
    const etm = options.encryptThenMac === true;
    const data = etm ? plaintext : Buffer.concat([plaintext, mac(plaintext)]);
    const padLength = params.blockLength - 1 - (data.length % params.blockLength);
    const padded = Buffer.concat([data, Buffer.alloc(padLength + 1, padLength)]);
    const c = createCipheriv(cipher, keys.key, iv);
    c.setAutoPadding(false);
    const encrypted = Buffer.concat([iv, c.update(padded), c.final()]);
    return { type, body: etm ? Buffer.concat([encrypted, mac(encrypted)]) : encrypted };
  }
  const aad = Buffer.concat([seqBytes(seq), header]);
  if (protection === 'chacha20-poly1305') return { type, body: seal(xorNonce(keys.iv, seq), aad, plaintext) };
  const explicit = options.explicitNonce ?? seqBytes(seq);
  return { type, body: Buffer.concat([explicit, seal(Buffer.concat([keys.iv, explicit]), aad, plaintext)]) };
}
