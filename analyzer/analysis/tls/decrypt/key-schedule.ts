/**
 * key-schedule.ts: the record keys of a TLS session from the key log's secrets: the TLS 1.2 PRF and key
 * block (RFC 5246 §5, §6.3) and TLS 1.3 HKDF-Expand-Label (RFC 8446 §7.1, §7.3). node:crypto only.
 */
import { createHmac } from 'node:crypto';
import { hashLength } from './cipher-params.js';
import type { CipherParams } from './cipher-params.js';

/** The keys one direction protects its records with. */
export interface DirectionKeys {
  readonly key: Buffer;
  /** AEAD: the fixed IV (TLS 1.2 salt or TLS 1.3 IV); CBC: empty. */
  readonly iv: Buffer;
  /** CBC: the HMAC key; AEAD: empty. */
  readonly macKey: Buffer;
}

/** RFC 5246 §5: P_hash(secret, seed) cut to `length` bytes. */
function pHash(hash: string, secret: Buffer, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let total = 0;
  let a = seed;
  while (total < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(seed).digest();
    out.push(block);
    total += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** The TLS 1.2 PRF: P_hash(secret, label + seed). */
export function tls12Prf(hash: 'sha256' | 'sha384', secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  return pHash(hash, secret, Buffer.concat([Buffer.from(label, 'latin1'), seed]), length);
}

/** RFC 5246 §6.3: client and server keys from the master secret and both randoms. */
export function tls12Keys(
  params: CipherParams,
  masterSecret: Buffer,
  clientRandom: Buffer,
  serverRandom: Buffer,
): { client: DirectionKeys; server: DirectionKeys } {
  const macLength = params.macHash === undefined ? 0 : hashLength(params.macHash);
  const need = 2 * (macLength + params.keyLength + params.fixedIvLength);
  const block = tls12Prf(params.prfHash, masterSecret, 'key expansion', Buffer.concat([serverRandom, clientRandom]), need);
  let p = 0;
  const take = (n: number): Buffer => {
    const out = block.subarray(p, p + n);
    p += n;
    return out;
  };
  const clientMac = take(macLength);
  const serverMac = take(macLength);
  const clientKey = take(params.keyLength);
  const serverKey = take(params.keyLength);
  const clientIv = take(params.fixedIvLength);
  const serverIv = take(params.fixedIvLength);
  return {
    client: { key: clientKey, iv: clientIv, macKey: clientMac },
    server: { key: serverKey, iv: serverIv, macKey: serverMac },
  };
}

/** RFC 5869 §2.3 HKDF-Expand. */
export function hkdfExpand(hash: 'sha256' | 'sha384', prk: Buffer, info: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let t: Buffer = Buffer.alloc(0);
  let total = 0;
  for (let i = 1; total < length; i++) {
    t = createHmac(hash, prk).update(t).update(info).update(Buffer.of(i)).digest();
    out.push(t);
    total += t.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** RFC 8446 §7.1 HKDF-Expand-Label(secret, label, context, length). */
export function hkdfExpandLabel(hash: 'sha256' | 'sha384', secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.alloc(2 + 1 + fullLabel.length + 1 + context.length);
  info.writeUInt16BE(length, 0);
  info[2] = fullLabel.length;
  fullLabel.copy(info, 3);
  info[3 + fullLabel.length] = context.length;
  context.copy(info, 4 + fullLabel.length);
  return hkdfExpand(hash, secret, info, length);
}

/** RFC 8446 §7.3: the record key and IV of a traffic secret. */
export function tls13Keys(params: CipherParams, trafficSecret: Buffer): DirectionKeys {
  const empty = Buffer.alloc(0);
  return {
    key: hkdfExpandLabel(params.prfHash, trafficSecret, 'key', empty, params.keyLength),
    iv: hkdfExpandLabel(params.prfHash, trafficSecret, 'iv', empty, 12),
    macKey: empty,
  };
}

/** RFC 8446 §7.2: the traffic secret after a KeyUpdate. */
export function tls13NextSecret(params: CipherParams, trafficSecret: Buffer): Buffer {
  return hkdfExpandLabel(params.prfHash, trafficSecret, 'traffic upd', Buffer.alloc(0), hashLength(params.prfHash));
}
