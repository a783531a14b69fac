/**
 * session-decryption.ts: one TLS session's record decryption, driven by the handshake the TLS analyzer
 * parses: the randoms and suite from the hellos, keys from the key log when a side changes cipher
 * (TLS 1.2 ChangeCipherSpec; TLS 1.3 ServerHello, Finished and KeyUpdate), and TLS 1.2 resumption by session
 * id or ticket through a cache shared by the whole capture. Pure; node:crypto only.
 */
import type { SessionSecrets, TlsKeyLog } from '../../../keys/key-log.js';
import { cipherParams } from './cipher-params.js';
import type { CipherParams } from './cipher-params.js';
import { tls12Keys, tls13Keys, tls13NextSecret } from './key-schedule.js';
import { RecordDecryptor } from './record-decryptor.js';

/** TLS 1.2 master secrets of earlier sessions, for abbreviated handshakes (tshark's session cache). */
export class ResumptionCache {
  private readonly bySessionId = new Map<string, Buffer>();
  private readonly byTicket = new Map<string, Buffer>();
  rememberSessionId(id: Buffer, masterSecret: Buffer): void {
    if (id.length > 0) this.bySessionId.set(id.toString('hex'), masterSecret);
  }
  rememberTicket(ticket: Buffer, masterSecret: Buffer): void {
    this.byTicket.set(ticket.toString('hex'), masterSecret);
  }
  bySession(id: Buffer | undefined): Buffer | undefined {
    return id === undefined || id.length === 0 ? undefined : this.bySessionId.get(id.toString('hex'));
  }
  byTicketBytes(ticket: Buffer | undefined): Buffer | undefined {
    return ticket === undefined ? undefined : this.byTicket.get(ticket.toString('hex'));
  }
}

const TLS13 = 0x0304;

/** Decryption state of one TLS session (one TCP stream). */
export class SessionDecryption {
  private clientRandom: Buffer | undefined;
  private clientSessionId: Buffer | undefined;
  private clientTicket: Buffer | undefined;
  private serverRandom: Buffer | undefined;
  private serverSessionId: Buffer | undefined;
  private params: CipherParams | undefined;
  private suite: number | undefined;
  private encryptThenMac = false;
  private tls13 = false;
  private masterSecret: Buffer | undefined;
  /** TLS 1.2: both sides' keys, made at the first ChangeCipherSpec; a new hello forgets them. */
  private tls12KeyBlock: ReturnType<typeof tls12Keys> | undefined;
  /** TLS 1.3: the current traffic secret of [client, server], for KeyUpdate. */
  private readonly trafficSecrets: [Buffer | undefined, Buffer | undefined] = [undefined, undefined];
  /** The decryptor of [client, server] records, once that side changed cipher and its keys are known. */
  readonly decryptors: [RecordDecryptor | undefined, RecordDecryptor | undefined] = [undefined, undefined];
  /** A side changed cipher: its records are encrypted from now on (decryptable or not). */
  readonly encrypting: [boolean, boolean] = [false, false];
  /** Some record decrypted. */
  get decryptedAny(): boolean {
    return this.decryptors.some((d) => d !== undefined && d.decrypted > 0);
  }
  private readonly messages: string[] = [];
  /** Per side [client, server]: the first record that failed and how many failed. */
  private readonly failures: [{ first: string; count: number } | undefined, { first: string; count: number } | undefined] = [undefined, undefined];

  /** Notes for the conversation report, each once: "no key for client random 3f…", "server record 14 failed authentication". */
  get notes(): string[] {
    const out = [...this.messages];
    for (const f of this.failures) {
      if (f !== undefined) out.push(f.count > 1 ? `${f.first} (${f.count} records failed)` : f.first);
    }
    return out;
  }

  constructor(
    private readonly keyLog: TlsKeyLog,
    private readonly cache: ResumptionCache,
  ) {}

  private note(text: string): void {
    if (!this.messages.includes(text)) this.messages.push(text);
  }

  private secrets(): Readonly<SessionSecrets> | undefined {
    if (this.clientRandom === undefined) return undefined;
    return this.keyLog.sessions.get(this.clientRandom.toString('hex'));
  }

  /** A ClientHello (the last one counts, after a HelloRetryRequest too). Views are copied. */
  onClientHello(random: Buffer | undefined, sessionId: Buffer | undefined, ticket: Buffer | undefined): void {
    this.tls12KeyBlock = undefined;
    if (random !== undefined && random.length === 32) this.clientRandom = Buffer.from(random);
    this.clientSessionId = sessionId === undefined ? undefined : Buffer.from(sessionId);
    this.clientTicket = ticket === undefined ? undefined : Buffer.from(ticket);
  }

  /** A ServerHello that is not a HelloRetryRequest. */
  onServerHello(random: Buffer | undefined, sessionId: Buffer | undefined, suite: number | undefined, version: number, encryptThenMac: boolean): void {
    this.tls12KeyBlock = undefined;
    if (random !== undefined && random.length === 32) this.serverRandom = Buffer.from(random);
    this.serverSessionId = sessionId === undefined ? undefined : Buffer.from(sessionId);
    this.encryptThenMac = encryptThenMac;
    this.tls13 = version === TLS13;
    this.suite = suite;
    this.params = suite === undefined ? undefined : cipherParams(suite);
    if (suite !== undefined && this.params === undefined) {
      this.note(`no decryption for cipher suite 0x${suite.toString(16).padStart(4, '0')}`);
      return;
    }
    if (this.params === undefined || !this.tls13) return;
    // TLS 1.3: both sides' handshake messages after the ServerHello are encrypted.
    const s = this.secrets();
    this.encrypting[0] = true;
    this.encrypting[1] = true;
    if (s?.clientHandshakeTrafficSecret === undefined || s.serverHandshakeTrafficSecret === undefined) {
      this.noteMissingKey();
      return;
    }
    this.setTls13(0, s.clientHandshakeTrafficSecret);
    this.setTls13(1, s.serverHandshakeTrafficSecret);
  }

  private noteMissingKey(): void {
    // Without any key log (a capture with no secrets) nothing is missing.
    if (this.keyLog.sessions.size === 0) return;
    const random = this.clientRandom?.toString('hex') ?? 'unknown';
    this.note(`no key for client random ${random.slice(0, 16)}…`);
  }

  private setTls13(side: 0 | 1, secret: Buffer): void {
    const params = this.params!;
    this.trafficSecrets[side] = secret;
    this.decryptors[side] = new RecordDecryptor(params, tls13Keys(params, secret));
  }

  /** TLS 1.2: the master secret from the key log, or of the resumed session. */
  private tls12MasterSecret(): Buffer | undefined {
    if (this.masterSecret !== undefined) return this.masterSecret;
    let secret = this.secrets()?.masterSecret;
    // An abbreviated handshake (RFC 5246 §7.3; RFC 5077 §3.1) reuses the earlier session's master secret.
    const resumedById =
      this.serverSessionId !== undefined &&
      this.clientSessionId !== undefined &&
      this.serverSessionId.length > 0 &&
      this.serverSessionId.equals(this.clientSessionId);
    secret ??= resumedById ? this.cache.bySession(this.serverSessionId) : undefined;
    secret ??= this.cache.byTicketBytes(this.clientTicket);
    if (secret !== undefined) {
      this.masterSecret = secret;
      if (this.serverSessionId !== undefined) this.cache.rememberSessionId(this.serverSessionId, secret);
    }
    return secret;
  }

  /** TLS 1.2 ChangeCipherSpec from a side: its next records use the new keys. */
  onChangeCipherSpec(side: 0 | 1): void {
    if (this.tls13 || this.suite === undefined) return;
    this.encrypting[side] = true;
    const params = this.params;
    if (params === undefined || params.tls13) return;
    const master = this.tls12MasterSecret();
    if (master === undefined || this.clientRandom === undefined || this.serverRandom === undefined) {
      this.decryptors[side] = undefined;
      this.noteMissingKey();
      return;
    }
    // One key block holds both sides' keys: the second ChangeCipherSpec reuses the first one's.
    const keys = (this.tls12KeyBlock ??= tls12Keys(params, master, this.clientRandom, this.serverRandom));
    this.decryptors[side] = new RecordDecryptor(params, side === 0 ? keys.client : keys.server, this.encryptThenMac);
  }

  /** TLS 1.3 Finished from a side (decrypted): its later records use the application traffic secret. */
  onFinished(side: 0 | 1): void {
    if (!this.tls13 || this.params === undefined) return;
    const s = this.secrets();
    const secret = side === 0 ? s?.clientTrafficSecret0 : s?.serverTrafficSecret0;
    if (secret === undefined) {
      this.decryptors[side] = undefined;
      this.noteMissingKey();
      return;
    }
    this.setTls13(side, secret);
  }

  /** TLS 1.3 KeyUpdate from a side: its next records use the next traffic secret. */
  onKeyUpdate(side: 0 | 1): void {
    const secret = this.trafficSecrets[side];
    if (!this.tls13 || this.params === undefined || secret === undefined) return;
    this.setTls13(side, tls13NextSecret(this.params, secret));
  }

  /** TLS 1.2 NewSessionTicket (decrypted): later sessions may resume with it. */
  onNewSessionTicket(ticket: Buffer): void {
    if (this.tls13 || this.masterSecret === undefined) return;
    this.cache.rememberTicket(Buffer.from(ticket), this.masterSecret);
  }

  /** A record of `side` failed to decrypt. */
  onFailure(side: 0 | 1, recordNumber: number, reason: string): void {
    const f = this.failures[side];
    if (f === undefined) this.failures[side] = { first: `${side === 0 ? 'client' : 'server'} record ${recordNumber} failed ${reason}`, count: 1 };
    else f.count++;
  }
}
