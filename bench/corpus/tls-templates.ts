/**
 * tls-templates.ts: real TLS 1.2 and 1.3 handshake flights lifted from the project's fixture captures.
 * Bench code: reads fixtures with the analyzer's own reader and decoder; must not import harness/ or cap.
 */
import { fileURLToPath } from 'node:url';
import { readCaptureFile } from '../../analyzer/capture/open-capture.js';
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
}

const FIXTURE_DIR = fileURLToPath(new URL('../../test/fixtures/captures/tls/', import.meta.url));

/**
 * The flights that make up each handshake: TLS 1.2 ends with the server's Finished (4 flights),
 * TLS 1.3 with the client's Finished (3 flights). The fixtures' application data after them is not used.
 */
const SOURCES = [
  { name: 'TLS 1.2', file: '23_tls12_full_handshake.pcap', flights: 4, recordOverheadBytes: 24 },
  { name: 'TLS 1.3', file: '22_tls13_multiseg_download.pcap', flights: 3, recordOverheadBytes: 17 },
] as const;

/**
 * Reads the TLS 1.2 and TLS 1.3 fixture captures and returns their handshake flights: each
 * direction's TCP payload in capture order, cut where the sending direction changes.
 * @throws ConfigError when a fixture no longer holds the expected handshake.
 */
export async function loadTlsTemplates(): Promise<TlsTemplate[]> {
  const templates: TlsTemplate[] = [];
  for (const source of SOURCES) {
    const frames = await readCaptureFile(FIXTURE_DIR + source.file);
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
