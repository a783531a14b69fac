/**
 * analysis-result.ts: the records `analyzeCapture` returns, shared by reports, the CLI,
 * scenario expectations and user tests. Pure types; no I/O.
 */

import type { Finding } from './analysis/expert.js';
import type { HttpRequestRecord } from './analysis/tls/app-data.js';
import type { CaptureFormatError } from './errors.js';
import type { FindingStore } from './core/finding-store.js';

export type { Finding };

/** The TLS fields tshark shows for one frame (the oracle's `tls` object), plus an Info string. */
export interface TlsFrameRecord {
  readonly records: readonly {
    readonly type: number | null;
    readonly version: number;
    readonly length: number | null;
    readonly opaque: boolean;
    readonly handshake_types: readonly number[];
  }[];
  readonly content_types: readonly (number | null)[];
  readonly handshake_types: readonly number[];
  readonly cipher_suite: number | null;
  readonly version: number | null;
  readonly client_version: number | null;
  readonly supported_versions: readonly number[];
  readonly sni: string | null;
  readonly alpn: readonly string[];
  readonly alerts: readonly { readonly level: number | null; readonly desc: number | null }[];
}

/** Per-frame view, in the oracle's JSONL schema (tshark field-suffix names). */
export interface FrameRecord {
  readonly frame: number;
  readonly time_epoch: string;
  readonly frame_len: number;
  readonly cap_len: number;
  /** Protocol chain, e.g. "eth:ethertype:ip:tcp:tls" (best effort, not compared). */
  readonly protocols: string;
  readonly ip_version: 4 | 6 | null;
  readonly src: string | null;
  readonly dst: string | null;
  readonly stream: number | null;
  readonly sport: number | null;
  readonly dport: number | null;
  readonly tcp_flags: number | null;
  readonly seq: number | null;
  readonly ack: number | null;
  readonly seq_raw: number | null;
  readonly ack_raw: number | null;
  readonly nxtseq: number | null;
  readonly tcp_len: number | null;
  readonly win: number | null;
  readonly win_raw: number | null;
  /** tcp.analysis flag suffixes, sorted; fast/spurious also carry 'retransmission'. */
  readonly flags: readonly string[];
  readonly dup_ack_num: number | null;
  readonly dup_ack_frame: number | null;
  readonly tcp_in_error: boolean;
  /** Final (two-pass) tcp.completeness of the frame's stream. */
  readonly completeness: number | null;
  readonly tls: TlsFrameRecord | null;
  /** Outer layers before the innermost IP header, e.g. ["eth","vlan","ipv4","udp","gtp"]. */
  readonly encap: readonly string[];
  /** Wireshark-like Info column. */
  readonly info: string;
  /** A decrypted TLS 1.3 frame (its records show inner types, so nothing else says 1.3); absent = false. */
  readonly tls_decrypted_13?: boolean;
  /** tshark's http.request.method / http.request.uri / http.response.code of the frame; only when present. */
  readonly http?: {
    readonly request_method: readonly string[];
    readonly request_uri: readonly string[];
    readonly response_code: readonly number[];
  };
  /** tshark's http2.type / streamid / headers.method / headers.path / headers.status; only when present. */
  readonly http2?: {
    readonly type: readonly number[];
    readonly streamid: readonly number[];
    readonly method: readonly string[];
    readonly path: readonly string[];
    readonly status: readonly number[];
  };
}

/** How a TCP conversation ended (spec/tcp-analysis.md §10, our definitions). */
export type Teardown = 'fin-close' | 'fin-then-rst' | 'rst-abort' | 'refused' | 'half-open' | 'open';

/** Summary of one TLS session (one TCP stream). */
export interface TlsSummary {
  /** Negotiated version name, e.g. 'TLS 1.2', or undefined if no ServerHello was seen. */
  readonly version: string | undefined;
  /** IANA name of the chosen suite, e.g. 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'. */
  readonly cipherSuite: string | undefined;
  readonly sni: string | undefined;
  /** The server's ALPN choice when visible (TLS ≤ 1.2), else the client's offer. */
  readonly alpn: readonly string[];
  /** The client's ALPN offer. */
  readonly alpnOffered: readonly string[];
  /** IANA names of the cipher suites the first Client Hello offered, in its order (unknown ones as 0x…). */
  readonly suitesOffered: readonly string[];
  /**
   * A resumed session (abbreviated handshake): the Server Hello took up the session the client offered
   * (TLS ≤ 1.2: it echoes the client's non-empty session ID; TLS 1.3: pre_shared_key). No Certificate
   * is sent; both sides reuse the earlier session's secret.
   */
  readonly resumed: boolean;
  readonly clientHelloFrame: number | undefined;
  readonly serverHelloFrame: number | undefined;
  /** Frames of the first ChangeCipherSpec sent by client and by server. */
  readonly changeCipherSpecFrames: readonly number[];
  /** Frames of the first encrypted handshake message sent by client and by server. */
  readonly encryptedHandshakeFrames: readonly number[];
  /** Alerts; level/desc null when encrypted; `text` like tshark's Info ("Alert (Level: Fatal, Description: Unknown CA)"). */
  readonly alerts: readonly {
    readonly frame: number;
    readonly level: number | null;
    readonly desc: number | null;
    readonly text: string;
  }[];
  /** True when tshark's view shows a HelloRetryRequest. */
  readonly helloRetryRequest: boolean;
  /** Some record decrypted with the key log. */
  readonly decrypted: boolean;
  /** Decryption notes, each once ("no key for client random 3f…", "server record 14 failed authentication"). */
  readonly decryptionNotes: readonly string[];
  /** HTTP requests inside the decrypted stream, in order (empty without keys). */
  readonly requests: readonly HttpRequestSummary[];
  /** Decrypted application data (only with the `keepDecrypted` option), for `--follow`. */
  readonly decryptedData?: {
    /** Who sent the first decrypted record: tshark's follow "Node 0" (0 = client). */
    readonly firstSide: 0 | 1;
    /** One chunk per application-data record, in order; `fromServer` 1 = server → client. */
    readonly chunks: readonly { readonly frame: number; readonly fromServer: 0 | 1; readonly data: Buffer }[];
  };
}

/** One HTTP request of a connection and its response, as decrypted (the TLS analysis's record, read-only). */
export type HttpRequestSummary = Readonly<HttpRequestRecord>;

/** One TCP conversation (tcp.stream). */
export interface ConversationReport {
  readonly stream: number;
  readonly client: { readonly address: string; readonly port: number };
  readonly server: { readonly address: string; readonly port: number };
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly completeness: number;
  readonly handshake: {
    readonly synFrame: number | undefined;
    readonly synAckFrame: number | undefined;
    readonly ackFrame: number | undefined;
    readonly rttNs: number | undefined;
    readonly complete: boolean;
  };
  readonly teardown: Teardown;
  readonly teardownFrames: readonly number[];
  /** Per direction: [client→server, server→client]. */
  readonly bytes: readonly [number, number];
  readonly segments: readonly [number, number];
  readonly retransmissions: readonly [number, number];
  readonly tls: TlsSummary | undefined;
}

/**
 * Connections one client opened to one server within a short window of each other and open at the
 * same time (the browser's dual connection); sequential connections are never a group.
 */
export interface ParallelConnections {
  readonly client: string;
  readonly server: string;
  readonly streams: readonly number[];
  /** Streams that carried little or no application data and closed early. */
  readonly idleStreams: readonly number[];
}

/** One row of the expert summary. */
export interface ExpertSummaryRow {
  readonly severity: 'error' | 'warn' | 'note' | 'chat';
  readonly group: string;
  readonly summary: string;
  readonly count: number;
}

/** Everything `analyzeCapture` returns. */
export interface Analysis {
  readonly source: string;
  readonly frameCount: number;
  readonly frames: readonly FrameRecord[];
  readonly findings: readonly Finding[];
  readonly conversations: readonly ConversationReport[];
  readonly parallelConnections: readonly ParallelConnections[];
  /** The window of `parallelConnections`: connections opened within it of each other and open at once. */
  readonly parallelWindowMs: number;
  /** Count of findings per id (of the chosen streams, when AnalyzeOptions.streams is given). */
  readonly expertCounts: Readonly<Record<string, number>>;
  /** The `tshark -z expert` view: one row per distinct summary text, most severe first. */
  readonly expertSummary: readonly ExpertSummaryRow[];
  /** Set when the capture is damaged part-way: everything above covers the frames before the damage. */
  readonly readError: CaptureFormatError | undefined;
  /** Unreadable key log lines (given files and Decryption Secrets Blocks), one line each; absent = none. */
  readonly keyLogWarnings?: readonly string[];
}

/**
 * What a whole capture gave, without per-frame records: an `Analysis` whose findings are kept
 * compactly (`findingStore`), with each stream's final completeness at hand.
 */
export interface CaptureSummary extends Omit<Analysis, 'frames' | 'findings'> {
  /** Every finding in frame order (empty with `keepFindings: false`). */
  readonly findingStore: FindingStore;
  /** The final (two-pass) tcp.completeness of a stream, or undefined for a stream that does not exist. */
  completenessOf(stream: number): number | undefined;
}

