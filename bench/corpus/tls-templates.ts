/**
 * tls-templates.ts: real TLS 1.2 and 1.3 handshake flights lifted from the project's fixture captures.
 * Bench code: reads fixtures with the analyzer's own reader and decoder; must not import harness/ or cap.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cipherParams, type CipherParams } from '../../analyzer/analysis/tls/decrypt/cipher-params.js';
import { tls12Keys, tls13Keys, type DirectionKeys } from '../../analyzer/analysis/tls/decrypt/key-schedule.js';
import { RecordDecryptor } from '../../analyzer/analysis/tls/decrypt/record-decryptor.js';
import { readCaptureFile } from '../../analyzer/capture/open-capture.js';
import { parseKeyLog } from '../../analyzer/keys/key-log.js';
import { decodeFrame } from '../../analyzer/decode/decode-frame.js';
import { ConfigError } from '../../analyzer/errors.js';

/** One handshake flight: the bytes one side sends before it waits for the other. */
export interface TlsFlight {
  /** 0 = client → server, 1 = server → client. */
  readonly direction: 0 | 1;
  /** Whole TLS records, as they appeared on the wire. */
  readonly bytes: Buffer;
}

/** A TLS handshake to replay: its flights in order, alternating direction, starting with the client's. */
export interface TlsTemplate {
  /** `TLS 1.2` or `TLS 1.3`. */
  readonly name: string;
  readonly flights: readonly TlsFlight[];
  /** Ciphertext expansion of an application-data record (explicit nonce, tag, inner content type). */
  readonly recordOverheadBytes: number;
  /** The session's real keys (keyed templates only): application data is then sealed, not random bytes. */
  readonly keys?: TemplateKeys;
}

/** What sealing a keyed template's application data takes. */
export interface TemplateKeys {
  readonly params: CipherParams;
  /** [client → server, server → client]. */
  readonly directions: readonly [DirectionKeys, DirectionKeys];
  /**
   * Sequence number of each direction's next record under these keys: the template's own records that
   * they already protect (TLS 1.2's Finished; a TLS 1.3 client's first request sent with its Finished).
   */
  readonly firstSeq: readonly [number, number];
  /** The key log lines that decrypt it (every connection made from the template shares them). */
  readonly keyLogLines: readonly string[];
}

const FIXTURE_DIR = fileURLToPath(new URL('../../test/fixtures/captures/tls/', import.meta.url));
const KEYED_FIXTURE_DIR = fileURLToPath(new URL('../../test/fixtures/captures/tls-decrypt/', import.meta.url));

/**
 * The flights that make up each handshake: TLS 1.2 ends with the server's Finished (4 flights),
 * TLS 1.3 with the client's Finished (3 flights). The fixtures' application data after them is not used.
 */
const SOURCES = [
  { name: 'TLS 1.2', file: '23_tls12_full_handshake.pcap', flights: 4, recordOverheadBytes: 24 },
  { name: 'TLS 1.3', file: '22_tls13_multiseg_download.pcap', flights: 3, recordOverheadBytes: 17 },
] as const;

/**
 * Harness captures of a TLS 1.2 and a TLS 1.3 session (AES-128-GCM) with their key logs: the keyed
 * corpus seals its application data with these sessions' keys, so decryption can be measured.
 */
const KEYED_SOURCES = [
  { name: 'TLS 1.2', file: 'harness-tls12-handshake.pcapng', flights: 4, recordOverheadBytes: 24 },
  { name: 'TLS 1.3', file: 'harness-tls13-handshake.pcapng', flights: 3, recordOverheadBytes: 17 },
] as const;

/** The keys of a template's session, from its Client/Server Hello and the fixture's key log. */
function templateKeys(source: (typeof KEYED_SOURCES)[number], flights: readonly TlsFlight[]): TemplateKeys {
  const fail = (why: string): never => {
    throw new ConfigError(`${source.file}: ${why}`);
  };
  // Record header 5, handshake header 4, legacy version 2, then the 32-byte random; then the session id and the suite.
  const clientHello = flights[0]!.bytes;
  const serverHello = flights[1]!.bytes;
  if (clientHello[5] !== 1 || serverHello[5] !== 2) fail('the first two flights do not begin with Client Hello and Server Hello');
  const clientRandom = clientHello.subarray(11, 43);
  const serverRandom = serverHello.subarray(11, 43);
  const suite = serverHello.readUInt16BE(44 + serverHello[43]!);
  const params = cipherParams(suite) ?? fail(`no decryption parameters for suite 0x${suite.toString(16)}`);
  const keyLogText = readFileSync(KEYED_FIXTURE_DIR + source.file.replace(/\.pcapng$/, '.keys'), 'utf8');
  const secrets = parseKeyLog([{ text: keyLogText, source: source.file }]).keyLog.sessions.get(clientRandom.toString('hex')) ?? fail('its key log has no line for its client random');
  const keyLogLines = keyLogText.split('\n').filter((l) => l.includes(clientRandom.toString('hex')));
  let directions: [DirectionKeys, DirectionKeys];
  if (params.tls13) {
    const c = secrets.clientTrafficSecret0 ?? fail('no CLIENT_TRAFFIC_SECRET_0');
    const s = secrets.serverTrafficSecret0 ?? fail('no SERVER_TRAFFIC_SECRET_0');
    directions = [tls13Keys(params, c), tls13Keys(params, s)];
  } else {
    const k = tls12Keys(params, secrets.masterSecret ?? fail('no CLIENT_RANDOM master secret'), clientRandom, serverRandom);
    directions = [k.client, k.server];
  }
  return { params, directions, firstSeq: [usedSeq(params, directions[0], flights, 0), usedSeq(params, directions[1], flights, 1)], keyLogLines };
}

/** How many of `direction`'s records in the flights `keys` decrypt (they use sequence numbers 0, 1, …). */
function usedSeq(params: CipherParams, keys: DirectionKeys, flights: readonly TlsFlight[], direction: 0 | 1): number {
  const decryptor = new RecordDecryptor(params, keys);
  for (const f of flights) {
    if (f.direction !== direction) continue;
    for (let p = 0; p + 5 <= f.bytes.length; p += 5 + f.bytes.readUInt16BE(p + 3)) {
      const type = f.bytes[p]!;
      // Handshake-key records (TLS 1.3) and plaintext ones simply fail; the sequence moves on success only.
      if (type === 22 || type === 23) decryptor.decrypt(type, f.bytes.readUInt16BE(p + 1), f.bytes.subarray(p + 5, p + 5 + f.bytes.readUInt16BE(p + 3)));
    }
  }
  return decryptor.seq;
}

/**
 * The handshakes of the keyed corpus, with the keys that seal its application data.
 * @throws ConfigError when a fixture or its key log no longer holds the expected session.
 */
export async function loadKeyedTlsTemplates(): Promise<TlsTemplate[]> {
  const templates: TlsTemplate[] = [];
  for (const source of KEYED_SOURCES) {
    const [template] = await templatesFrom(KEYED_FIXTURE_DIR, [source]);
    templates.push({ ...template!, keys: templateKeys(source, template!.flights) });
  }
  return templates;
}

/**
 * Reads the TLS 1.2 and TLS 1.3 fixture captures and returns their handshake flights: each
 * direction's TCP payload in capture order, cut where the sending direction changes.
 * @throws ConfigError when a fixture no longer holds the expected handshake.
 */
export function loadTlsTemplates(): Promise<TlsTemplate[]> {
  return templatesFrom(FIXTURE_DIR, SOURCES);
}

async function templatesFrom(
  dir: string,
  sources: readonly { name: string; file: string; flights: number; recordOverheadBytes: number }[],
): Promise<TlsTemplate[]> {
  const templates: TlsTemplate[] = [];
  for (const source of sources) {
    const frames = await readCaptureFile(dir + source.file);
    const flights: { direction: 0 | 1; parts: Buffer[] }[] = [];
    let clientPort: number | undefined;
    const nextSeq: [number | undefined, number | undefined] = [undefined, undefined];
    for (const frame of frames) {
      const tcp = decodeFrame(frame).tcp;
      if (tcp === undefined || tcp.payload.length === 0) continue;
      clientPort ??= tcp.srcPort;
      const direction = tcp.srcPort === clientPort ? 0 : 1;
      // A resent segment would duplicate bytes of the flight: keep only the first copy.
      if (nextSeq[direction] !== undefined && tcp.seq !== nextSeq[direction]) continue;
      nextSeq[direction] = (tcp.seq + tcp.payload.length) >>> 0;
      const last = flights[flights.length - 1];
      if (last !== undefined && last.direction === direction) last.parts.push(Buffer.from(tcp.payload));
      else flights.push({ direction, parts: [Buffer.from(tcp.payload)] });
    }
    if (flights.length < source.flights || flights[0]!.direction !== 0) {
      throw new ConfigError(`${source.file}: expected ${source.flights} TLS handshake flights starting with the client's, found ${flights.length}`);
    }
    templates.push({
      name: source.name,
      flights: flights.slice(0, source.flights).map((f) => ({ direction: f.direction, bytes: Buffer.concat(f.parts) })),
      recordOverheadBytes: source.recordOverheadBytes,
    });
  }
  return templates;
}
