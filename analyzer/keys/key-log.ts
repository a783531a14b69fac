/**
 * key-log.ts: the NSS key log format (SSLKEYLOGFILE, also the payload of a pcapng Decryption Secrets Block),
 * parsed into secrets keyed by client random. Pure: the CLI and capture layers read the files and pass text.
 * Format: https://udn.realityripple.com/docs/Mozilla/Projects/NSS/Key_Log_Format (one `LABEL random secret`
 * per line, hex, `#` comments).
 */

/** The secrets known for one TLS session, by the labels of the key log. Buffers are private copies. */
export interface SessionSecrets {
  /** CLIENT_RANDOM: the TLS 1.2 (and older) master secret, 48 bytes. */
  masterSecret?: Buffer;
  clientHandshakeTrafficSecret?: Buffer;
  serverHandshakeTrafficSecret?: Buffer;
  clientTrafficSecret0?: Buffer;
  serverTrafficSecret0?: Buffer;
  clientEarlyTrafficSecret?: Buffer;
}

/** Every secret of one or more key logs, keyed by the client random in lower-case hex. */
export interface TlsKeyLog {
  readonly sessions: ReadonlyMap<string, Readonly<SessionSecrets>>;
}

/** A line that could not be read, for a one-line warning. */
export interface KeyLogWarning {
  /** File name or "<capture>" for a Decryption Secrets Block. */
  readonly source: string;
  /** 1-based line number. */
  readonly line: number;
  readonly message: string;
}

const LABELS: Readonly<Record<string, keyof SessionSecrets>> = {
  CLIENT_RANDOM: 'masterSecret',
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'clientHandshakeTrafficSecret',
  SERVER_HANDSHAKE_TRAFFIC_SECRET: 'serverHandshakeTrafficSecret',
  CLIENT_TRAFFIC_SECRET_0: 'clientTrafficSecret0',
  SERVER_TRAFFIC_SECRET_0: 'serverTrafficSecret0',
  CLIENT_EARLY_TRAFFIC_SECRET: 'clientEarlyTrafficSecret',
};

const HEX = /^[0-9a-fA-F]+$/;

/** Collects key log texts; later lines for the same session and label replace earlier ones. */
export class KeyLogBuilder implements TlsKeyLog {
  /** Live: a TLS analyzer given the builder sees sessions added later. */
  readonly sessions = new Map<string, SessionSecrets>();
  readonly warnings: KeyLogWarning[] = [];

  /** Adds the lines of one key log text. */
  add(text: string, source: string): this {
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      const parts = line.split(/\s+/);
      const field = LABELS[parts[0]!];
      // Labels we do not use (EXPORTER_SECRET, RSA, …) are skipped quietly, as NSS readers do.
      if (/^[A-Z0-9_]+$/.test(parts[0]!) && field === undefined && parts.length === 3) continue;
      const warn = (message: string): void => {
        this.warnings.push({ source, line: i + 1, message });
      };
      if (field === undefined) {
        warn(`unreadable key log line "${line.length > 40 ? `${line.slice(0, 40)}…` : line}"`);
        continue;
      }
      const [, random, secret] = parts;
      if (parts.length !== 3 || random === undefined || secret === undefined) {
        warn(`${parts[0]} needs a client random and a secret`);
        continue;
      }
      if (random.length !== 64 || !HEX.test(random)) {
        warn(`${parts[0]}: the client random is not 32 bytes of hex`);
        continue;
      }
      if (secret.length % 2 !== 0 || secret.length < 32 || !HEX.test(secret)) {
        warn(`${parts[0]}: the secret is not hex`);
        continue;
      }
      if (field === 'masterSecret' && secret.length !== 96) {
        warn('CLIENT_RANDOM: the master secret is not 48 bytes');
        continue;
      }
      const key = random.toLowerCase();
      let session = this.sessions.get(key);
      if (session === undefined) {
        session = {};
        this.sessions.set(key, session);
      }
      session[field] = Buffer.from(secret, 'hex');
    }
    return this;
  }

  /** Adds every session of another key log (its secrets win). */
  addKeyLog(other: TlsKeyLog): this {
    for (const [k, v] of other.sessions) this.sessions.set(k, { ...(this.sessions.get(k) ?? {}), ...v });
    return this;
  }

  /** A copy of the key log so far. */
  build(): TlsKeyLog {
    return { sessions: new Map(this.sessions) };
  }
}

/**
 * Parses key log texts (several files, or a Decryption Secrets Block) into one key log.
 * @example
 * const { keyLog, warnings } = parseKeyLog([{ text: readFileSync('sslkeylog.txt', 'utf8'), source: 'sslkeylog.txt' }]);
 */
export function parseKeyLog(texts: readonly { readonly text: string; readonly source: string }[]): {
  keyLog: TlsKeyLog;
  warnings: KeyLogWarning[];
} {
  const builder = new KeyLogBuilder();
  for (const t of texts) builder.add(t.text, t.source);
  return { keyLog: builder.build(), warnings: builder.warnings };
}

/** The key log of both: `b`'s secrets win where both have one. */
export function mergeKeyLogs(a: TlsKeyLog, b: TlsKeyLog): TlsKeyLog {
  const sessions = new Map<string, SessionSecrets>();
  for (const [k, v] of a.sessions) sessions.set(k, { ...v });
  for (const [k, v] of b.sessions) sessions.set(k, { ...(sessions.get(k) ?? {}), ...v });
  return { sessions };
}
