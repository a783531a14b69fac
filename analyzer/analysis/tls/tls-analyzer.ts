/**
 * tls-analyzer.ts: TLS over TCP as tshark 4.0.17 reports it (spec/tls-analysis.md): port/heuristic/STARTTLS
 * routing, TCP-driven record reassembly, record and handshake parsing, per-frame `tls` objects and per-stream
 * summaries. A pure fold over TCP-analysed segments; must not import capture/, harness/, cap or node:tls.
 */
import { decodeAlert, formatAlert } from '../../decode/tls/tls-alert.js';
import { cipherSuiteName } from '../../decode/tls/tls-cipher-suites.js';
import {
  ContentType,
  handshakeFragmentName,
  handshakeTypeName,
  HandshakeType,
  isKnownHandshakeType,
  isValidContentType,
  sslv2MessageName,
  TlsVersion,
  tlsVersionName,
} from '../../decode/tls/tls-constants.js';
import { decodeClientHello, decodeServerHello } from '../../decode/tls/tls-hello.js';
import type { TlsServerHello } from '../../decode/tls/tls-hello.js';
import {
  isHeuristicSslv2ClientHello,
  isHeuristicTlsRecordHeader,
  isPlausibleSslv2Message,
  isSslv2ClientHelloStart,
  looksLikeSslv2Record,
  looksLikeTlsRecord,
  readSslv2RecordHeader,
  startsWithPrintableText,
  TLS_RECORD_HEADER_LENGTH,
} from '../../decode/tls/tls-record.js';
import type { TlsKeyLog } from '../../keys/key-log.js';
import { AppDataStream } from './app-data.js';
import type { AppFrameResult, FollowChunk, HttpRequestRecord } from './app-data.js';
import {
  acceptsEncryptThenMac,
  encryptedExtensionsAlpn,
  newSessionTicket,
  offeredTicket,
} from './decrypt/hello-extensions.js';
import { ResumptionCache, SessionDecryption } from './decrypt/session-decryption.js';
import { addPduBytes, PduBufferPool, PduFlow, takePduBytes } from './pdu-flow.js';
import { isSmtpReady220, isSmtpStartTlsCommand, routeByPorts, TLS_PORTS } from './tls-ports.js';
import type { TlsPortRoute } from './tls-ports.js';

/** One TCP segment as TLS sees it. The lead maps TCP analysis results onto this. */
export interface TlsSegmentInput {
  /** 1-based frame number. */
  readonly frame: number;
  /** tcp.stream; a new stream number means fresh TLS state (port reuse). */
  readonly stream: number;
  /** Which side of the conversation sent it. */
  readonly direction: 0 | 1;
  readonly srcPort: number;
  readonly dstPort: number;
  /** Destination port of the captured SYN; undefined when no SYN was seen. */
  readonly serverPort: number | undefined;
  /** Raw TCP sequence number of the first payload byte. */
  readonly seq: number;
  /** Captured TCP payload (shorter than segmentLength when the snaplen cut it). A view; not kept. */
  readonly payload: Buffer;
  /** Payload length announced by the IP header. */
  readonly segmentLength: number;
  /**
   * TCP flagged it retransmission (spurious ones included) or out_of_order: no dissector runs on it (spec §3.3).
   * Not for fast retransmissions: tshark dissects those like new data.
   */
  readonly retransmissionOrOutOfOrder: boolean;
  /**
   * Of those, flagged out_of_order (and not retransmission): its bytes still join a record being reassembled,
   * though TLS never parses anything on this frame. Absent = false.
   */
  readonly outOfOrder?: boolean;
}

/** One record of a frame, as the oracle's `tls.records[]` entry. */
export interface TlsRecordInfo {
  /** Content type byte; null for SSLv2. */
  readonly type: number | null;
  /** Record header version as on the wire; 2 for SSLv2. */
  readonly version: number | null;
  /** Length field (body bytes); null for an SSLv2 record shown as Encrypted Data. */
  readonly length: number | null;
  /** Shown as `opaque_type` (TLS 1.3 session, type 23, spec §4.2). */
  readonly opaque: boolean;
  /** Plaintext handshake messages reported on this record, in order. */
  readonly handshake_types: number[];
}

/** An alert record: level/desc null when encrypted. */
export interface TlsAlertInfo {
  readonly level: number | null;
  readonly desc: number | null;
}

/**
 * The TLS result of one frame. `JSON.stringify` gives exactly the oracle's `tls` object (see
 * shared/tools/oracle.sh); `info` (tshark's Info column text) and `malformed` are extra, not serialised.
 */
export class TlsFrameInfo {
  /** 1-based frame number. */
  readonly frame: number;
  /** tcp.stream. */
  readonly stream: number;
  /** Every record of the frame in wire order (reassembled ones first, then the rest of the segment). */
  readonly records: TlsRecordInfo[] = [];
  /** The records' types; null for SSLv2 records. */
  readonly content_types: (number | null)[] = [];
  /** Plaintext handshake message types of all records, in order. */
  readonly handshake_types: number[] = [];
  /** Suite of the first ServerHello (HelloRetryRequest included). */
  cipher_suite: number | null = null;
  /** First ServerHello: its supported_versions value if present, else legacy_version. */
  version: number | null = null;
  /** legacy_version of the first ClientHello. */
  client_version: number | null = null;
  /** supported_versions entries of every ClientHello and ServerHello, in order. */
  readonly supported_versions: number[] = [];
  /** First server_name of the first ClientHello that has one. */
  sni: string | null = null;
  /** ALPN names of every ClientHello and ServerHello, in order. */
  readonly alpn: string[] = [];
  /** One entry per alert record. */
  readonly alerts: TlsAlertInfo[] = [];
  /** tshark raised an exception while dissecting TLS in this frame (e.g. a zero-length record at the end). */
  malformed = false;
  /**
   * A read passed the captured bytes of a segment cut by the snapshot length: TLS stopped there, and tshark
   * shows `[Packet size limited during capture]`. Such a frame is reported even without a record.
   */
  truncated = false;
  /** Info column items, joined by `info`. */
  readonly infoItems: string[] = [];
  /** What decrypted application data showed in this frame (HTTP, HTTP/2); undefined without. */
  app: AppFrameResult | undefined;
  /**
   * The Info text the application layer wrote over TLS's items (tshark's col_set_str behind a fence: a
   * record held for reassembly writes "[TLS segment of a reassembled PDU]" and fences it, a completed HTTP
   * message writes its line after the fence). Undefined when TLS's own items stand.
   */
  appInfo: string | undefined;
  /**
   * `appInfo` begins with HTTP/2 items and no fence: HTTP/2 appends each with col_append_sep(", "), so after
   * TCP's fenced tags ("[TCP Fast Retransmission] ") the first one gets the separator too.
   */
  appInfoSeparated = false;
  /** The fenced part of `appInfo`. */
  appFence = '';
  /** Index in `app.info` of the first item after the fence. */
  appFenceItem = 0;
  /** A TLS 1.3 record of this frame was decrypted. */
  decrypted13 = false;

  /** @param frame frame number @param stream tcp.stream */
  constructor(frame: number, stream: number) {
    this.frame = frame;
    this.stream = stream;
  }

  /** tshark's Info column for the frame, e.g. `Server Hello, Change Cipher Spec, Encrypted Handshake Message`. */
  get info(): string {
    const items = this.appInfo ?? this.infoItems.join(', ');
    // tshark appends the exception's text without a separator.
    return this.truncated ? `${items}${CAPTURE_LIMITED_INFO}` : items;
  }

  /** The oracle's `tls` object, key for key. */
  toJSON(): object {
    return {
      records: this.records,
      content_types: this.content_types,
      handshake_types: this.handshake_types,
      cipher_suite: this.cipher_suite,
      version: this.version,
      client_version: this.client_version,
      supported_versions: this.supported_versions,
      sni: this.sni,
      alpn: this.alpn,
      alerts: this.alerts,
    };
  }
}

/** An alert seen on a stream, for the conversation report. */
export interface TlsStreamAlert {
  readonly frame: number;
  readonly direction: 0 | 1;
  /** null when encrypted. */
  readonly level: number | null;
  readonly desc: number | null;
  /** `Alert (Level: Fatal, Description: Unknown CA)` or `Encrypted Alert`. */
  readonly text: string;
}

/** What one TCP stream's TLS session looked like, for the conversation report. */
export interface TlsStreamSummary {
  readonly stream: number;
  /** Negotiated version from the last ServerHello (supported_versions if present), undefined without one. */
  readonly version: number | undefined;
  /** `TLS 1.3`, `TLS 1.2`, … or undefined. */
  readonly versionName: string | undefined;
  readonly cipherSuite: number | undefined;
  /** IANA name, e.g. `TLS_AES_256_GCM_SHA384`. */
  readonly cipherSuiteName: string | undefined;
  /** First server_name of the first ClientHello. */
  readonly sni: string | undefined;
  /** ALPN names offered by the first ClientHello. */
  readonly alpnOffered: readonly string[];
  /** Cipher suites offered by the first ClientHello, in its order. */
  readonly suitesOffered: readonly number[];
  /**
   * An abbreviated handshake: the ServerHello took up the session the client offered (TLS ≤ 1.2: it
   * echoes the client's non-empty session ID; TLS 1.3: it carries pre_shared_key).
   */
  readonly resumed: boolean;
  /** ALPN name chosen in a ServerHello (TLS 1.2 only; TLS 1.3 hides it in EncryptedExtensions). */
  readonly alpnSelected: string | undefined;
  readonly alerts: readonly TlsStreamAlert[];
  /** Direction that sent the first ClientHello. */
  readonly clientDirection: 0 | 1 | undefined;
  readonly clientHelloFrame: number | undefined;
  readonly helloRetryRequestFrame: number | undefined;
  /** First ServerHello that is not a HelloRetryRequest. */
  readonly serverHelloFrame: number | undefined;
  /** First ChangeCipherSpec per direction [0, 1]. */
  readonly changeCipherSpecFrames: readonly [number | undefined, number | undefined];
  /** First Encrypted Handshake Message per direction [0, 1]. */
  readonly encryptedHandshakeFrames: readonly [number | undefined, number | undefined];
  /** The records could be decrypted with the key log (at least one did). */
  readonly decrypted: boolean;
  /** Decryption notes, each once: "no key for client random 3f…", "server record 14 failed authentication". */
  readonly decryptionNotes: readonly string[];
  /** HTTP requests carried by the decrypted stream, in order, with what answered them. */
  readonly requests: readonly HttpRequestRecord[];
  /** Decrypted application bytes both ways, one chunk per record (only with `keepDecrypted`), for `--follow`. */
  readonly decryptedChunks: readonly FollowChunk[];
  /** Side of the first decrypted record (0 client, 1 server): the "Node 0" of tshark's follow output. */
  readonly firstDecryptedSide: 0 | 1 | undefined;
}

/** Options of the TLS analyzer. */
export interface TlsAnalyzerOptions {
  /**
   * Secrets to decrypt with. A live object: sessions added later (a Decryption Secrets Block met while
   * reading) are used by handshakes that come after.
   */
  readonly keyLog?: TlsKeyLog;
  /** Keep the decrypted bytes of every stream for `--follow` (default false). */
  readonly keepDecrypted?: boolean;
}

/** Stateful TLS analysis: push segments in file order. */
export interface TlsAnalyzer {
  /** Analyses one segment; returns the frame's TLS result, or null when no record was reported on it. */
  push(input: TlsSegmentInput): TlsFrameInfo | null;
  /** One summary per stream that TLS dissected at least one record of, by stream number. */
  summarize(): TlsStreamSummary[];
}

/** Upper bound of bytes kept for a handshake message split over records (beyond it only its length counts). */
const MAX_HANDSHAKE_REASSEMBLY_BYTES = 65_536;

/** Handshake types only decryption acts on (RFC 8446 §4). */
const HANDSHAKE_ENCRYPTED_EXTENSIONS = 8;
const HANDSHAKE_KEY_UPDATE = 24;

/** Session version UNKNOWN (tshark's SSL_VER_UNKNOWN). */
const VERSION_UNKNOWN = 0;

/** What a buffer handed to TLS holds. */
const BufferKind = {
  /** A whole segment (or its tail, or a reassembled record): an unfinished record can ask for more. */
  Reassemblable: 0,
  /** A segment cut by the snaplen: never reassembled; reading past the captured bytes is an exception. */
  Truncated: 1,
  /** A reassembled application-data record of which only the 5-byte header was kept (§4.2 reads no more). */
  HeaderOnly: 2,
} as const;
type BufferKind = (typeof BufferKind)[keyof typeof BufferKind];

/** A handshake message collecting its pieces from successive handshake records (spec §5.2). */
interface PendingHandshake {
  /** Bytes collected so far (only kept while ≤ MAX_HANDSHAKE_REASSEMBLY_BYTES). */
  readonly chunks: Buffer[];
  collected: number;
  /** First 4 bytes once known (type and 24-bit length); a private copy. */
  header: Buffer;
}

/** TLS session state of one side (tshark keys it by "is from server"). */
interface SessionSide {
  /** Frame of this side's last ChangeCipherSpec; 0 = none (spec §5.1). */
  ccsFrame: number;
  pendingHandshake: PendingHandshake | undefined;
}

interface StreamState {
  readonly stream: number;
  readonly route: TlsPortRoute;
  /** SMTP: the SMTP server port. */
  readonly routePort: number | undefined;
  /** TLS is the conversation dissector from this frame on (heuristic or STARTTLS); 0 = not set. */
  tlsFromFrame: number;
  /** SMTP: the client asked STARTTLS and the reply is pending. */
  startTlsAsked: boolean;
  /** tshark's session->version. */
  version: number;
  /** Direction of the server once a ClientHello named it (ssl_set_server). */
  serverDirection: 0 | 1 | undefined;
  readonly sides: [SessionSide, SessionSide];
  /** Per TCP direction, the records TCP reassembles for TLS (spec §3). */
  readonly flows: [PduFlow, PduFlow];
  // Summary. Only scalars and strings: nothing kept may point into a frame's bytes.
  dissectedRecords: boolean;
  /** Negotiated version and suite of the last ServerHello. */
  serverHelloVersion: number | undefined;
  serverHelloSuite: number | undefined;
  sni: string | undefined;
  alpnOffered: string[] | undefined;
  suitesOffered: number[] | undefined;
  clientSessionId: string | undefined;
  resumed: boolean;
  alpnSelected: string | undefined;
  alerts: TlsStreamAlert[];
  clientDirection: 0 | 1 | undefined;
  clientHelloFrame: number | undefined;
  helloRetryRequestFrame: number | undefined;
  serverHelloFrame: number | undefined;
  readonly ccsFrames: [number | undefined, number | undefined];
  readonly encryptedHandshakeFrames: [number | undefined, number | undefined];
  /** Record decryption, when the analyzer was given a key log. */
  decryption: SessionDecryption | undefined;
  /** The decrypted application data's protocol layer, from the first decrypted application record. */
  app: AppDataStream | undefined;
  /** Encrypted records seen per side [client, server], to name a failing one in a note. */
  readonly encryptedRecords: [number, number];
  /** Side (0 client, 1 server) of the first record that decrypted: tshark's follow "Node 0". */
  firstDecryptedSide: 0 | 1 | undefined;
}

/** What tshark appends to the Info column when a dissector reads past the captured bytes. */
export const CAPTURE_LIMITED_INFO = '[Packet size limited during capture]';
const INFO_CCS = 'Change Cipher Spec';
const INFO_REASSEMBLED = '[TLS segment of a reassembled PDU]';
const INFO_APP_DATA = 'Application Data';
const INFO_ENCRYPTED_ALERT = 'Encrypted Alert';
const INFO_ENCRYPTED_HANDSHAKE = 'Encrypted Handshake Message';
const INFO_IGNORED = 'Ignored Unknown Record';
const INFO_CONTINUATION = 'Continuation Data';
const INFO_HRR = 'Hello Retry Request';
const INFO_SSLV2_ENCRYPTED = 'Encrypted Data';

function isKnownSessionVersion(version: number): boolean {
  return (version >= TlsVersion.Ssl3 && version <= TlsVersion.Tls13) || version === TlsVersion.Tlcp;
}

/**
 * True when tshark's record recognition at `offset` reads a byte the snapshot length cut off: it reads byte 0,
 * then byte 2 after an SSLv2-like first byte (≥ 0x80; exactly 0x80 once the version is known), or bytes 1–2
 * after a valid content type. Our byte-pattern tests answer false instead of throwing.
 */
function recognitionReadsPastCapture(buf: Buffer, offset: number, versionKnown: boolean): boolean {
  const captured = buf.length - offset;
  if (captured >= 3) return false;
  if (captured <= 0) return true;
  const first = buf[offset];
  if (versionKnown) return first === 0x80;
  return first >= 0x80 || isValidContentType(first);
}

/** Body bytes tshark's SSLv2/PCT message checks read for a message type (version, or the key lengths). */
function sslv2CheckBytes(msgType: number): number {
  if (msgType === 1) return 3;
  if (msgType === 4) return 5;
  if (msgType === 2) return 10;
  return 1;
}

/** A private copy of a view, so that what is kept never pins a frame's read chunk. */
function ownCopy(view: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(view.length);
  view.copy(out);
  return out;
}

/** Per-frame, per-segment working context (one object per pushed TLS segment; not kept after the push). */
class FrameContext {
  result: TlsFrameInfo | undefined;
  aborted = false;
  /** How the last parsed buffer ended: offset of an unfinished record, or −1 when it was used up. */
  needOffset = -1;
  /** Bytes that record still needs, or 0 for "one more segment" (partial header). */
  needBytes = 0;
  /** Only the unfinished record's 5-byte header will be read again (application data, spec §4.2). */
  needHeaderOnly = false;
  /** A parsed record's body may still be referenced (a plaintext handshake's fields): its buffer is not reused. */
  keptViews = false;
  constructor(
    readonly input: TlsSegmentInput,
    readonly state: StreamState,
  ) {}

  out(): TlsFrameInfo {
    this.result ??= new TlsFrameInfo(this.input.frame, this.input.stream);
    return this.result;
  }

  /** tshark read past the captured bytes (a BoundsError): the frame's TLS ends here. Returns `reported`. */
  cutByCapture(reported: number): number {
    this.out().truncated = true;
    this.aborted = true;
    return reported;
  }

  /** The session side of this segment's sender (tshark's ssl_packet_from_server). */
  side(): SessionSide {
    return this.state.sides[this.sideIndex()];
  }

  /** 0 for the client's side, 1 for the server's. */
  sideIndex(): 0 | 1 {
    const st = this.state;
    const fromServer =
      st.serverDirection !== undefined ? this.input.direction === st.serverDirection : TLS_PORTS.has(this.input.srcPort);
    return fromServer ? 1 : 0;
  }
}

/**
 * Creates a TLS analyzer (spec/tls-analysis.md).
 * @example
 * const tls = createTlsAnalyzer();
 * const info = tls.push({ frame: 4, stream: 0, direction: 0, srcPort: 40000, dstPort: 443, serverPort: 443,
 *   seq: 1001, payload, segmentLength: payload.length, retransmissionOrOutOfOrder: false });
 * JSON.stringify(info); // the oracle's `tls` object, or null
 */
export function createTlsAnalyzer(options: TlsAnalyzerOptions = {}): TlsAnalyzer {
  const streams = new Map<number, StreamState>();
  const keyLog = options.keyLog;
  const keepDecrypted = options.keepDecrypted ?? false;
  const resumption = new ResumptionCache();
  // Buffers that complete records are reassembled in, reused once a record is parsed (pdu-flow.ts).
  const pduBuffers = new PduBufferPool();

  function newStream(input: TlsSegmentInput): StreamState {
    const decision = routeByPorts(input.serverPort, input.srcPort, input.dstPort);
    return {
      stream: input.stream,
      route: decision.route,
      routePort: decision.port,
      tlsFromFrame: 0,
      startTlsAsked: false,
      version: VERSION_UNKNOWN,
      serverDirection: undefined,
      sides: [
        { ccsFrame: 0, pendingHandshake: undefined },
        { ccsFrame: 0, pendingHandshake: undefined },
      ],
      flows: [new PduFlow(pduBuffers), new PduFlow(pduBuffers)],
      dissectedRecords: false,
      serverHelloVersion: undefined,
      serverHelloSuite: undefined,
      sni: undefined,
      alpnOffered: undefined,
      suitesOffered: undefined,
      clientSessionId: undefined,
      resumed: false,
      alpnSelected: undefined,
      alerts: [],
      clientDirection: undefined,
      clientHelloFrame: undefined,
      helloRetryRequestFrame: undefined,
      serverHelloFrame: undefined,
      ccsFrames: [undefined, undefined],
      encryptedHandshakeFrames: [undefined, undefined],
      decryption: undefined,
      app: undefined,
      encryptedRecords: [0, 0],
      firstDecryptedSide: undefined,
    };
  }

  function push(input: TlsSegmentInput): TlsFrameInfo | null {
    if (input.payload.length === 0) return null;
    let st = streams.get(input.stream);
    if (input.retransmissionOrOutOfOrder) {
      // Spec §3.3: no dissector runs; out-of-order bytes only fill records TCP is already reassembling.
      if (st !== undefined && input.outOfOrder === true) desegment(new FrameContext(input, st));
      return null;
    }
    if (st === undefined) {
      st = newStream(input);
      streams.set(input.stream, st);
    }
    if (!routeToTls(st, input)) return null;
    const ctx = new FrameContext(input, st);
    desegment(ctx);
    const result = ctx.result;
    if (result === undefined || (result.records.length === 0 && !result.truncated)) return null;
    if (result.records.length > 0) st.dissectedRecords = true;
    return result;
  }

  /** Spec §1: conversation dissector, then port table, then heuristic. */
  function routeToTls(st: StreamState, input: TlsSegmentInput): boolean {
    if (st.tlsFromFrame !== 0 && input.frame >= st.tlsFromFrame) return true;
    switch (st.route) {
      case 'tls':
        return true;
      case 'never':
        return false;
      case 'smtp':
        trackSmtp(st, input);
        return false;
      case 'heuristic':
        if (isHeuristicTlsRecordHeader(input.payload) || isHeuristicSslv2ClientHello(input.payload)) {
          st.tlsFromFrame = input.frame;
          return true;
        }
        return false;
    }
  }

  /** Spec §1.4: `STARTTLS` from the client, then a `220` reply: TLS from the next frame on. */
  function trackSmtp(st: StreamState, input: TlsSegmentInput): void {
    if (input.dstPort === st.routePort) {
      if (isSmtpStartTlsCommand(input.payload)) st.startTlsAsked = true;
    } else if (st.startTlsAsked && input.srcPort === st.routePort) {
      st.startTlsAsked = false;
      if (isSmtpReady220(input.payload)) st.tlsFromFrame = input.frame + 1;
    }
  }

  /**
   * Spec §3: TCP desegmentation driven by what TLS asks for, as tshark 4.0.17's desegment_tcp does (rules
   * checked on test/fixtures/captures/tls-bench/). Every record that spanned segments stays known:
   * - a segment starting exactly where a known record starts is a copy: ignored whole;
   * - a segment inside a record still being reassembled adds its bytes; when the last one arrives the record
   *   is handed to TLS, and the bytes past the record are matched again (usually: a new buffer);
   * - a segment inside a record already reassembled is ignored, with the rest of the segment;
   * - a segment outside every known record is handed to TLS as a new buffer.
   * Retransmissions (spurious ones too) join nothing. Out-of-order segments join records, but nothing is
   * dissected on their frame, so a record they complete is lost. Fast retransmissions count as new data.
   */
  function desegment(ctx: FrameContext): void {
    const { input } = ctx;
    const payload = input.payload;
    const dissect = !input.retransmissionOrOutOfOrder;
    // tshark reassembles only segments whose bytes were all captured.
    if (payload.length < input.segmentLength) {
      if (dissect) parseBuffer(ctx, payload, input.segmentLength, BufferKind.Truncated);
      return;
    }
    if (!dissect && input.outOfOrder !== true) return;
    const flow = ctx.state.flows[input.direction];
    let pos = flow.position(input.seq);
    const segmentEnd = pos + payload.length;
    let offset = 0;
    while (offset < payload.length && !ctx.aborted) {
      const i = flow.indexAtOrBefore(pos);
      const pdu = i >= 0 ? flow.at(i) : undefined;
      if (pdu !== undefined && pdu.start === pos) return; // tshark: "Retransmitted TCP segment data"
      if (pdu === undefined || pdu.end <= pos) {
        if (dissect) handOver(ctx, flow, offset === 0 ? payload : payload.subarray(offset), pos, segmentEnd);
        return;
      }
      // A copy of bytes of a record already reassembled: tshark parses nothing more of this segment.
      if (pdu.complete) return;
      const remaining = payload.length - offset;
      let length = remaining;
      if (pdu.entireSegment) {
        pdu.entireSegment = false;
        pdu.end = segmentEnd;
      } else if (pdu.end - pos < remaining) {
        length = pdu.end - pos;
      }
      // A record completed by an out-of-order segment is never dissected: it is lost (spec §3.3).
      if (addPduBytes(pdu, pos - pdu.start, payload, offset, length)) {
        const bytes = takePduBytes(pdu);
        const total = pdu.end - pdu.start;
        if (dissect && bytes.length < total) parseBuffer(ctx, bytes, total, BufferKind.HeaderOnly);
        else if (dissect) {
          ctx.keptViews = false;
          handOver(ctx, flow, bytes, pdu.start, segmentEnd);
          if (!ctx.keptViews) flow.releaseBytes(bytes);
        }
      }
      offset += length;
      pos += length;
    }
  }

  /** Hands a buffer at flow position `pos` to TLS; an unfinished record at its end becomes a new PDU. */
  function handOver(ctx: FrameContext, flow: PduFlow, buf: Buffer, pos: number, segmentEnd: number): void {
    if (ctx.aborted || !parseBuffer(ctx, buf, buf.length, BufferKind.Reassemblable) || ctx.needOffset < 0) return;
    const at = ctx.needOffset;
    const tailLength = buf.length - at;
    const start = pos + at;
    if (ctx.needBytes === 0) {
      flow.add(start, segmentEnd + 1, true, Infinity, buf, at, tailLength);
    } else {
      const keep = ctx.needHeaderOnly ? TLS_RECORD_HEADER_LENGTH : Infinity;
      flow.add(start, start + tailLength + ctx.needBytes, false, keep, buf, at, tailLength);
    }
  }

  /**
   * Spec §4: walks the records of one handed-over buffer. `reported` is the length TCP announced (larger than
   * buf.length for a snaplen-cut segment, or for a record whose body was not kept). Returns false when TLS
   * refused the buffer (§1.3); otherwise ctx.needOffset/needBytes say whether a record is unfinished.
   */
  function parseBuffer(ctx: FrameContext, buf: Buffer, reported: number, kind: BufferKind): boolean {
    ctx.needOffset = -1;
    ctx.needBytes = 0;
    ctx.needHeaderOnly = false;
    if (startsWithPrintableText(buf)) return false;
    const st = ctx.state;
    const canDesegment = kind === BufferKind.Reassemblable;
    let offset = 0;
    while (offset < reported && !ctx.aborted) {
      const v = st.version;
      const available = reported - offset;
      let next: number;
      if (v === TlsVersion.Ssl2) {
        next = parseSslv2Record(ctx, buf, offset, reported, canDesegment);
      } else if (available < TLS_RECORD_HEADER_LENGTH) {
        needMore(ctx, canDesegment, offset, 0, reported);
        return true;
      } else if (recognitionReadsPastCapture(buf, offset, v !== VERSION_UNKNOWN && v !== TlsVersion.Tls13)) {
        next = ctx.cutByCapture(reported);
      } else if (v !== VERSION_UNKNOWN && v !== TlsVersion.Tls13) {
        next = isSslv2ClientHelloStart(buf, offset)
          ? parseSslv2Record(ctx, buf, offset, reported, canDesegment)
          : parseTlsRecord(ctx, buf, offset, reported, kind);
      } else if (looksLikeSslv2Record(buf, offset)) {
        next = parseSslv2Record(ctx, buf, offset, reported, canDesegment);
      } else if (looksLikeTlsRecord(buf, offset)) {
        next = parseTlsRecord(ctx, buf, offset, reported, kind);
      } else {
        ctx.out().infoItems.push(INFO_CONTINUATION);
        next = reported;
      }
      if (ctx.needOffset >= 0) return true;
      offset = next;
    }
    return true;
  }

  /** Asks for more data (or stops when desegmentation is impossible); returns the next offset. */
  function needMore(ctx: FrameContext, canDesegment: boolean, offset: number, bytes: number, reported: number): number {
    if (!canDesegment) return reported;
    ctx.needOffset = offset;
    ctx.needBytes = bytes;
    return offset;
  }

  /** Spec §4.2: one TLS record at `offset`; returns the offset after it. */
  function parseTlsRecord(
    ctx: FrameContext,
    buf: Buffer,
    offset: number,
    reported: number,
    kind: BufferKind,
  ): number {
    const st = ctx.state;
    const v = st.version;
    const canDesegment = kind === BufferKind.Reassemblable;
    const available = reported - offset;
    if (offset >= buf.length) return ctx.cutByCapture(reported);
    const type = buf[offset];
    // TLS 1.0–1.2 (RFC 2246 §6) ignore unknown records: the rest of the buffer goes with it.
    if ((v === TlsVersion.Tls10 || v === TlsVersion.Tls11 || v === TlsVersion.Tls12 || v === TlsVersion.Tlcp) && !isValidContentType(type)) {
      ctx.out().infoItems.push(INFO_IGNORED);
      // The ignored bytes are shown to the end of the segment: past the captured ones that throws.
      if (buf.length < reported) ctx.out().truncated = true;
      return reported;
    }
    if (available < TLS_RECORD_HEADER_LENGTH) return needMore(ctx, canDesegment, offset, 0, reported);
    // The snapshot length cut the header: tshark's read of version and length throws.
    if (buf.length - offset < TLS_RECORD_HEADER_LENGTH) return ctx.cutByCapture(reported);
    const version = buf.readUInt16BE(offset + 1);
    const length = buf.readUInt16BE(offset + 3);
    if (!isValidContentType(type)) {
      ctx.out().infoItems.push(INFO_CONTINUATION);
      return offset + TLS_RECORD_HEADER_LENGTH + length;
    }
    if (available < TLS_RECORD_HEADER_LENGTH + length) {
      // Application data (and connection-ID records) in a known-version session is read no further than its
      // header when it completes; with the version unknown the bytes could yet be parsed otherwise (§4.1).
      // With keys the body is decrypted, so it is kept.
      ctx.needHeaderOnly =
        (type === ContentType.ApplicationData || type === ContentType.ConnectionId) &&
        v !== VERSION_UNKNOWN &&
        st.decryption?.decryptors[ctx.sideIndex()] === undefined;
      return needMore(ctx, canDesegment, offset, TLS_RECORD_HEADER_LENGTH + length - available, reported);
    }
    const out = ctx.out();
    const bodyStart = offset + TLS_RECORD_HEADER_LENGTH;
    const bodyEnd = bodyStart + length;
    const plain = kind === BufferKind.HeaderOnly ? undefined : decryptRecord(ctx, type, version, buf, bodyStart, bodyEnd);
    const shownType = plain === undefined ? type : plain.type;
    if (plain !== undefined && v === TlsVersion.Tls13) out.decrypted13 = true;
    const record: TlsRecordInfo = {
      type: shownType,
      version,
      length,
      // A decrypted TLS 1.3 record shows its inner content type (the oracle's content_type over opaque_type).
      opaque: plain === undefined && v === TlsVersion.Tls13 && type === ContentType.ApplicationData,
      handshake_types: [],
    };
    out.records.push(record);
    out.content_types.push(shownType);
    // tshark reads the first body byte to decide whether the record sets the version; past the captured
    // bytes that read throws and ends the frame's TLS (spec §4.2 step 6). A header-only record is complete.
    if (kind !== BufferKind.HeaderOnly && (bodyStart >= buf.length || bodyEnd > buf.length)) {
      // Past the reported length (a zero-length record at the end) it is malformed, else cut by the capture.
      if (bodyStart >= reported) {
        out.malformed = true;
      } else {
        out.truncated = true;
        // In a TLS 1.3 session tshark dissects a cut handshake record up to the missing bytes (the messages and
        // hello fields captured are reported); otherwise it reads none of its body (checked with tshark on
        // tls/21, tls/23, tls/24 and tls-bench/ cut at 60–200 bytes).
        if (type === ContentType.Handshake && v === TlsVersion.Tls13 && bodyStart < buf.length) {
          ctx.keptViews = true;
          parseHandshakeRecord(ctx, buf.subarray(bodyStart), record, true);
        }
      }
      ctx.aborted = true;
      return reported;
    }
    if (v === VERSION_UNKNOWN) trySetVersionFromRecord(st, type, buf[bodyStart], version);
    const body = plain === undefined ? buf.subarray(bodyStart, bodyEnd) : plain.plaintext;
    switch (shownType) {
      case ContentType.ChangeCipherSpec: {
        out.infoItems.push(INFO_CCS);
        // tshark 4.0.17 does not note a CCS sent in a TLS 1.3 session (the middlebox-compatibility dummy),
        // so it never makes later handshake records look encrypted (checked with tshark on crafted files).
        if (st.version !== TlsVersion.Tls13) {
          ctx.side().ccsFrame = ctx.input.frame;
          st.decryption?.onChangeCipherSpec(ctx.sideIndex());
        }
        st.ccsFrames[ctx.input.direction] ??= ctx.input.frame;
        break;
      }
      case ContentType.Alert:
        parseAlert(ctx, body);
        break;
      case ContentType.Handshake:
        if (plain === undefined) ctx.keptViews = true;
        parseHandshakeRecord(ctx, body, record, false, plain !== undefined);
        break;
      case ContentType.ApplicationData:
        if (plain === undefined) out.infoItems.push(INFO_APP_DATA);
        else pushApplicationData(ctx, plain.plaintext);
        break;
      case ContentType.Heartbeat:
        out.infoItems.push(heartbeatInfo(buf.subarray(bodyStart, bodyEnd)));
        break;
      default:
        // Type 25 (RFC 9146 connection ID) is reported without an Info item.
        break;
    }
    return bodyEnd;
  }

  /**
   * Decrypts a record when its sender changed cipher and the key log has its keys; undefined when the record
   * is plaintext, or encrypted without a key, or failed (noted once per conversation).
   */
  function decryptRecord(
    ctx: FrameContext,
    type: number,
    version: number,
    buf: Buffer,
    bodyStart: number,
    bodyEnd: number,
  ): { type: number; plaintext: Buffer } | undefined {
    const st = ctx.state;
    const dec = st.decryption;
    if (dec === undefined || type === ContentType.ChangeCipherSpec || bodyEnd > buf.length) return undefined;
    const side = ctx.sideIndex();
    if (!dec.encrypting[side]) return undefined;
    // TLS 1.3 protects everything as application data (RFC 8446 §5.2); a plaintext alert may still come.
    if (st.version === TlsVersion.Tls13 && type !== ContentType.ApplicationData) return undefined;
    const decryptor = dec.decryptors[side];
    const number = ++st.encryptedRecords[side];
    if (decryptor === undefined) return undefined;
    const result = decryptor.decrypt(type, version, buf.subarray(bodyStart, bodyEnd));
    if (!result.ok) {
      dec.onFailure(side, number, result.reason);
      return undefined;
    }
    st.firstDecryptedSide ??= side;
    return result;
  }

  /** A decrypted application-data record goes to the HTTP layer. */
  function pushApplicationData(ctx: FrameContext, plaintext: Buffer): void {
    const st = ctx.state;
    st.app ??= new AppDataStream(st.alpnSelected, keepDecrypted);
    const out = ctx.out();
    const app = (out.app ??= { http: undefined, http2: undefined, info: [], partial: false, continued: false });
    const infoBefore = app.info.length;
    app.partial = false;
    app.continued = false;
    st.app.push(ctx.input.frame, ctx.sideIndex(), plaintext, app);
    if (app.info.length > infoBefore || app.partial) {
      // HTTP/2 lists its frames since the fence; HTTP/1.1 shows its (last) message. A record that leaves a
      // message unfinished adds TLS's reassembly text and a fence after it, unless the record began with a
      // new message (then the HTTP dissector itself asked for the rest, as tshark's tcp_dissect_pdus does).
      const completed = app.info.length > infoBefore;
      const items = app.info.slice(out.appFenceItem);
      let text = out.appFence;
      const startsWithHttp2Items = text === '' && app.http2 !== undefined && items.length > 0;
      if (items.length > 0) text += app.http2 !== undefined ? items.join(', ') : items[items.length - 1]!;
      if (app.partial && (app.continued || !completed)) {
        text += INFO_REASSEMBLED;
        out.appFence = text;
        out.appFenceItem = app.info.length;
      }
      out.appInfo = text;
      out.appInfoSeparated = startsWithHttp2Items;
    } else {
      // Neither part of a message nor one: the record still shows as Application Data.
      out.infoItems.push(INFO_APP_DATA);
    }
  }

  /** Spec §4.1: an authoritative record sets the unknown session version. */
  function trySetVersionFromRecord(st: StreamState, type: number, firstBodyByte: number, version: number): void {
    if (!isKnownSessionVersion(version)) return;
    if (type === ContentType.Handshake) {
      if (firstBodyByte === HandshakeType.ClientHello || !isKnownHandshakeType(firstBodyByte)) return;
    }
    st.version = version;
  }

  /** Spec §5.4: exactly 2 bytes are a plaintext alert, anything else is encrypted. */
  function parseAlert(ctx: FrameContext, body: Buffer): void {
    const out = ctx.out();
    const alert = decodeAlert(body);
    const text = alert === undefined ? INFO_ENCRYPTED_ALERT : formatAlert(alert);
    out.infoItems.push(text);
    const level = alert === undefined ? null : alert.level;
    const desc = alert === undefined ? null : alert.description;
    out.alerts.push({ level, desc });
    ctx.state.alerts.push({ frame: ctx.input.frame, direction: ctx.input.direction, level, desc, text });
  }

  /** tshark's heartbeat label: plausible plaintext (RFC 6520 §4) or encrypted. */
  function heartbeatInfo(body: Buffer): string {
    if (body.length < 3) return 'Encrypted Heartbeat';
    const type = body[0];
    const payloadLength = body.readUInt16BE(1);
    const plaintext = body.length <= 19 || 3 + payloadLength + 16 <= body.length;
    if (plaintext && type === 1) return 'Heartbeat Request';
    if (plaintext && type === 2) return 'Heartbeat Response';
    return 'Encrypted Heartbeat';
  }

  /** Spec §5.1 step 2: tshark's guess that a handshake record is encrypted. */
  function looksEncrypted(ctx: FrameContext, body: Buffer, side: SessionSide): boolean {
    if (body.length < 16) return false;
    // TLS 1.2 AEAD: the first encrypted record starts with an all-zero explicit nonce.
    if (body[0] === 0 && body[1] === 0 && body[2] === 0 && body[3] === 0 && body[4] === 0) return true;
    if (side.ccsFrame > 0 && ctx.input.frame > side.ccsFrame) return true;
    if (!isKnownHandshakeType(body[0])) return true;
    return ((body[1] << 16) | (body[2] << 8) | body[3]) >= 0x10000;
  }

  /**
   * Spec §5.1/§5.2: the handshake messages of one record. `cut`: the snapshot cut the body, which ends at the
   * last captured byte; the message it cuts is dissected as far as it goes and nothing waits for the rest.
   * `decrypted`: the body is decrypted plaintext (never guessed encrypted).
   */
  function parseHandshakeRecord(ctx: FrameContext, body: Buffer, record: TlsRecordInfo, cut = false, decrypted = false): void {
    const side = ctx.side();
    const out = ctx.out();
    let p = 0;
    let isFirst = true;
    // A decrypted handshake record was, on the wire, the side's encrypted handshake (its Finished, in TLS 1.2).
    if (decrypted) ctx.state.encryptedHandshakeFrames[ctx.input.direction] ??= ctx.input.frame;
    const hs = side.pendingHandshake;
    if (hs !== undefined && cut) return;
    if (hs !== undefined) {
      // The record continues a message begun in an earlier record of this side.
      let msgLength = 0;
      if (hs.header.length >= 4) {
        msgLength = 4 + hs.header.readUIntBE(1, 3);
      } else if (hs.header.length + body.length >= 4) {
        // The 24-bit length is bytes 1–3 of the header's bytes followed by the body's.
        const byteAt = (k: number): number => (k < hs.header.length ? hs.header[k] : body[k - hs.header.length]);
        msgLength = 4 + ((byteAt(1) << 16) | (byteAt(2) << 8) | byteAt(3));
      }
      let subset = body.length;
      if (msgLength > 0 && subset > msgLength - hs.collected) subset = msgLength - hs.collected;
      appendHandshakePiece(hs, body.subarray(0, subset));
      if (msgLength === 0 || hs.collected !== msgLength) return; // a middle piece: nothing reported
      side.pendingHandshake = undefined;
      const kept = hs.chunks.length > 0 && hs.collected <= MAX_HANDSHAKE_REASSEMBLY_BYTES;
      const message = kept ? (hs.chunks.length === 1 ? hs.chunks[0] : Buffer.concat(hs.chunks)) : undefined;
      dissectMessage(ctx, hs.header[0], message, msgLength, true, record);
      p = subset;
      isFirst = false;
    } else if (!decrypted && looksEncrypted(ctx, body, side)) {
      out.infoItems.push(INFO_ENCRYPTED_HANDSHAKE);
      ctx.state.encryptedHandshakeFrames[ctx.input.direction] ??= ctx.input.frame;
      return;
    }
    while (p < body.length) {
      const remaining = body.length - p;
      const msgLength = remaining >= 4 ? 4 + ((body[p + 1] << 16) | (body[p + 2] << 8) | body[p + 3]) : 0;
      if (cut && (msgLength === 0 || remaining < msgLength)) {
        // Reading the message header past the captured bytes throws; a cut message shows what was captured.
        if (remaining >= 4) dissectMessage(ctx, body[p], body.subarray(p), msgLength, isFirst, record);
        return;
      }
      if (msgLength === 0 || remaining < msgLength) {
        const piece = body.subarray(p);
        const pending: PendingHandshake = { chunks: [], collected: 0, header: Buffer.alloc(0) };
        appendHandshakePiece(pending, piece);
        side.pendingHandshake = pending;
        if (isFirst) out.infoItems.push(handshakeFragmentName(body[p]));
        return;
      }
      dissectMessage(ctx, body[p], body.subarray(p, p + msgLength), msgLength, isFirst, record);
      p += msgLength;
      isFirst = false;
    }
  }

  function appendHandshakePiece(hs: PendingHandshake, piece: Buffer): void {
    if (hs.header.length < 4) {
      hs.header = ownCopy(Buffer.concat([hs.header, piece.subarray(0, 4 - hs.header.length)]));
    }
    hs.collected += piece.length;
    // Only hellos, EncryptedExtensions (ALPN) and tickets (resumption) need their bytes; the rest is reported
    // by type alone.
    const type = hs.header[0];
    const keep =
      type === HandshakeType.ClientHello ||
      type === HandshakeType.ServerHello ||
      type === HANDSHAKE_ENCRYPTED_EXTENSIONS ||
      type === HandshakeType.NewSessionTicket;
    if (keep && hs.collected <= MAX_HANDSHAKE_REASSEMBLY_BYTES) {
      hs.chunks.push(ownCopy(piece));
    }
  }

  /**
   * One complete handshake message (tshark's dissect_tls_handshake_full). `message` holds its bytes
   * (header included), or is undefined when a reassembled message other than a hello was not kept.
   */
  function dissectMessage(
    ctx: FrameContext,
    type: number,
    message: Buffer | undefined,
    msgLength: number,
    isFirst: boolean,
    record: TlsRecordInfo,
  ): void {
    const out = ctx.out();
    const state = ctx.state;
    const name = handshakeTypeName(type);
    if (name === undefined && !isFirst) return;
    const body = message === undefined ? undefined : message.subarray(4, msgLength);
    let serverHello: TlsServerHello | undefined;
    if (type === HandshakeType.ServerHello && body !== undefined) serverHello = decodeServerHello(body);
    let isHrr = false;
    if (isFirst && type === HandshakeType.ServerHello && msgLength - 4 > 2 && serverHello !== undefined) {
      if (isKnownSessionVersion(serverHello.negotiatedVersion)) state.version = serverHello.negotiatedVersion;
      isHrr = serverHello.helloRetryRequest;
    }
    out.infoItems.push(isHrr ? INFO_HRR : (name ?? INFO_ENCRYPTED_HANDSHAKE));
    if (name === undefined) return;
    record.handshake_types.push(type);
    out.handshake_types.push(type);
    // The oracle reads hello fields only from records with an SSLv3+ header version.
    const reportFields = record.version !== null && record.version >= TlsVersion.Ssl3;
    if (type === HandshakeType.ClientHello) {
      const hello = body === undefined ? undefined : decodeClientHello(body);
      state.serverDirection = ctx.input.direction === 0 ? 1 : 0;
      if (hello === undefined) return;
      if (hello.earlyData) state.version = TlsVersion.Tls13;
      if (keyLog !== undefined && body !== undefined) {
        state.decryption ??= new SessionDecryption(keyLog, resumption);
        state.decryption.onClientHello(hello.random, hello.sessionId, offeredTicket(body));
      }
      if (state.clientHelloFrame === undefined) {
        state.clientHelloFrame = ctx.input.frame;
        state.clientDirection = ctx.input.direction;
        state.sni = hello.serverNames[0];
        state.alpnOffered = [...hello.alpn];
        state.suitesOffered = [...hello.cipherSuites];
        state.clientSessionId = hello.sessionId === undefined || hello.sessionId.length === 0 ? undefined : hello.sessionId.toString('hex');
      }
      if (!reportFields) return;
      out.client_version ??= hello.legacyVersion;
      if (out.sni === null && hello.serverNames.length > 0) out.sni = hello.serverNames[0];
      out.alpn.push(...hello.alpn);
      out.supported_versions.push(...hello.supportedVersions);
    } else if (type === HandshakeType.ServerHello && serverHello !== undefined) {
      state.serverHelloVersion = serverHello.negotiatedVersion;
      state.serverHelloSuite = serverHello.cipherSuite;
      if (serverHello.helloRetryRequest) state.helloRetryRequestFrame ??= ctx.input.frame;
      else if (state.serverHelloFrame === undefined) {
        state.serverHelloFrame = ctx.input.frame;
        // TLS 1.3 echoes the client's legacy session ID in every ServerHello: only pre_shared_key says resumed there.
        state.resumed =
          serverHello.negotiatedVersion === TlsVersion.Tls13
            ? serverHello.preSharedKey
            : state.clientSessionId !== undefined && serverHello.sessionId !== undefined && serverHello.sessionId.toString('hex') === state.clientSessionId;
      }
      if (serverHello.alpn.length > 0) state.alpnSelected = serverHello.alpn[0];
      if (!serverHello.helloRetryRequest && body !== undefined) {
        state.decryption?.onServerHello(
          serverHello.random,
          serverHello.sessionId,
          serverHello.cipherSuite,
          serverHello.negotiatedVersion,
          acceptsEncryptThenMac(body),
        );
      }
      if (!reportFields) return;
      if (out.cipher_suite === null && serverHello.cipherSuite !== undefined) out.cipher_suite = serverHello.cipherSuite;
      out.version ??= serverHello.supportedVersions.length > 0 ? serverHello.supportedVersions[0] : serverHello.legacyVersion;
      out.supported_versions.push(...serverHello.supportedVersions);
      out.alpn.push(...serverHello.alpn);
    } else {
      decryptedMessage(ctx, type, body);
    }
  }

  /** Handshake messages only seen decrypted: what they change in the session. */
  function decryptedMessage(ctx: FrameContext, type: number, body: Buffer | undefined): void {
    const state = ctx.state;
    const dec = state.decryption;
    if (dec === undefined) return;
    const side = ctx.sideIndex();
    if (type === HANDSHAKE_ENCRYPTED_EXTENSIONS && body !== undefined) {
      const alpn = encryptedExtensionsAlpn(body);
      if (alpn !== undefined) {
        state.alpnSelected = alpn;
        state.app?.setAlpn(alpn);
      }
    } else if (type === HandshakeType.Finished && state.version === TlsVersion.Tls13) {
      dec.onFinished(side);
    } else if (type === HANDSHAKE_KEY_UPDATE) {
      dec.onKeyUpdate(side);
    } else if (type === HandshakeType.NewSessionTicket && body !== undefined) {
      const ticket = newSessionTicket(body);
      if (ticket !== undefined) dec.onNewSessionTicket(ticket);
    }
  }

  /** Spec §4.4: one SSLv2 record at `offset`; returns the offset after it. */
  function parseSslv2Record(
    ctx: FrameContext,
    buf: Buffer,
    offset: number,
    reported: number,
    canDesegment: boolean,
  ): number {
    const st = ctx.state;
    const header = readSslv2RecordHeader(buf, offset);
    if (header === undefined && buf.length < reported) return ctx.cutByCapture(reported);
    if (header === undefined) return needMore(ctx, canDesegment, offset, 0, reported);
    const available = reported - offset;
    const total = header.headerLength + header.length;
    if (available < total) return needMore(ctx, canDesegment, offset, total - available, reported);
    const out = ctx.out();
    const bodyStart = offset + header.headerLength;
    if (bodyStart >= buf.length) {
      // Reading the message type throws before the version field is added.
      out.records.push({ type: null, version: null, length: null, opaque: false, handshake_types: [] });
      out.content_types.push(null);
      if (bodyStart >= reported) out.malformed = true;
      else out.truncated = true;
      ctx.aborted = true;
      return reported;
    }
    // The snapshot cut the body: tshark's message checks read up to 10 bytes of it; past the captured ones the
    // record is not shown at all (checked with tshark on tls/27 cut at 70–100 bytes).
    const cut = offset + total > buf.length;
    if (cut && buf.length - bodyStart < sslv2CheckBytes(buf[bodyStart])) return ctx.cutByCapture(reported);
    const msgType = buf[bodyStart];
    if (st.version === VERSION_UNKNOWN && msgType >= 2 && msgType <= 8) st.version = TlsVersion.Ssl2;
    const name = sslv2MessageName(msgType);
    if (name === undefined || !isPlausibleSslv2Message(buf.subarray(bodyStart))) {
      // Encrypted data is not read: a cut body does not throw, and tshark parses nothing after it (checked
      // with tshark on tls/53 cut at 60–80 bytes).
      out.infoItems.push(INFO_SSLV2_ENCRYPTED);
      out.records.push({ type: null, version: TlsVersion.Ssl2, length: null, opaque: false, handshake_types: [] });
      out.content_types.push(null);
      return cut ? reported : offset + total;
    } else {
      out.infoItems.push(name);
      out.records.push({ type: null, version: TlsVersion.Ssl2, length: header.length, opaque: false, handshake_types: [msgType] });
      out.handshake_types.push(msgType);
      if (msgType === HandshakeType.ClientHello) {
        st.serverDirection = ctx.input.direction === 0 ? 1 : 0;
        if (st.clientHelloFrame === undefined) {
          st.clientHelloFrame = ctx.input.frame;
          st.clientDirection = ctx.input.direction;
        }
      }
    }
    // SSLv2 records have no content type: the oracle lists null.
    out.content_types.push(null);
    // Dissecting the rest of a cut body throws.
    if (cut) return ctx.cutByCapture(reported);
    return offset + total;
  }

  function summarize(): TlsStreamSummary[] {
    const summaries: TlsStreamSummary[] = [];
    for (const s of [...streams.values()].sort((a, b) => a.stream - b.stream)) {
      if (!s.dissectedRecords) continue;
      const version = s.serverHelloVersion;
      const cipherSuite = s.serverHelloSuite;
      summaries.push({
        stream: s.stream,
        version,
        versionName: version === undefined ? undefined : tlsVersionName(version),
        cipherSuite,
        cipherSuiteName: cipherSuite === undefined ? undefined : cipherSuiteName(cipherSuite),
        sni: s.sni,
        alpnOffered: s.alpnOffered ?? [],
        suitesOffered: s.suitesOffered ?? [],
        resumed: s.resumed,
        alpnSelected: s.alpnSelected,
        alerts: s.alerts,
        clientDirection: s.clientDirection,
        clientHelloFrame: s.clientHelloFrame,
        helloRetryRequestFrame: s.helloRetryRequestFrame,
        serverHelloFrame: s.serverHelloFrame,
        changeCipherSpecFrames: [s.ccsFrames[0], s.ccsFrames[1]],
        encryptedHandshakeFrames: [s.encryptedHandshakeFrames[0], s.encryptedHandshakeFrames[1]],
        decrypted: s.app !== undefined || s.decryption?.decryptedAny === true,
        decryptionNotes: s.decryption?.notes ?? [],
        requests: s.app?.requests ?? [],
        decryptedChunks: s.app?.chunks ?? [],
        firstDecryptedSide: s.firstDecryptedSide,
      });
    }
    return summaries;
  }

  return { push, summarize };
}
