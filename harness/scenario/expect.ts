/**
 * expect.ts: scenario expectations over an `Analysis` (flag counts, order, teardown class, TLS, parallel
 * connections, the decrypted HTTP requests) and their evaluation into expected-versus-found outcomes.
 * Pure; no I/O, no proxy.
 */
import type { Analysis, ConversationReport, HttpRequestSummary, Teardown } from '../../analyzer/analysis-result.js';
import { FLAG_IDS, resolveFlagId, type FlagId } from '../../analyzer/analysis/expert.js';
import { ConfigError } from '../../analyzer/errors.js';
import { explainMissing } from './explain.js';

/** The result of checking one expectation. */
export interface ExpectationOutcome {
  readonly ok: boolean;
  /** What was asked, e.g. "exactly 1 tcp.analysis.fast_retransmission". */
  readonly expected: string;
  /** What the analysis showed, e.g. "0" or "frames 12, 40". */
  readonly found: string;
  /** The allowed range when it is not a single value, e.g. "1..3"; empty otherwise. */
  readonly tolerance: string;
  /** Frames that bear on the outcome, to mark in the timeline. */
  readonly frames: readonly number[];
  /** Why a failed outcome came out so, in sentences (e.g. how Wireshark labelled the resend instead). */
  readonly explanation?: readonly string[];
}

/** A check of an analysis. Build with `count`, `before`, `teardown`, `tls`, `parallel`, `handshakes`, `http`, `requests`, `sameConnection`. */
export interface Expectation {
  /** Short description, e.g. "count tcp.analysis.duplicate_ack >= 2". */
  readonly label: string;
  evaluate(analysis: Analysis): ExpectationOutcome;
}

/** Which streams an expectation looks at: one tcp.stream number, any of them, or all of them. */
export type StreamChoice = number | 'any' | 'all';

// The one flag-id table and resolver live in the analyzer; harness users import them from here too.
export { FLAG_IDS, resolveFlagId, type FlagId };

/** A count bound: one of exactly, or atLeast and/or atMost. */
export interface CountBound {
  readonly exactly?: number;
  readonly atLeast?: number;
  readonly atMost?: number;
}

/** Bound builders for `count(id, exactly(0))`, `count(id, atMost(2))`, `count(id, atLeast(1))`, `count(id, between(1, 3))`. */
export const exactly = (n: number): CountBound => ({ exactly: n });
export const atLeast = (n: number): CountBound => ({ atLeast: n });
export const atMost = (n: number): CountBound => ({ atMost: n });
export const between = (min: number, max: number): CountBound => ({ atLeast: min, atMost: max });

/** Checks a bound and renders it ("exactly 1", "at least 2", "2..5"). */
export function describeBound(bound: CountBound, what: string): { test: (n: number) => boolean; text: string; tolerance: string } {
  const { exactly, atLeast, atMost } = bound;
  for (const [name, v] of [['exactly', exactly], ['atLeast', atLeast], ['atMost', atMost]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new ConfigError(`${what}: ${name} must be a non-negative integer (got ${v})`);
  }
  if (exactly !== undefined) {
    if (atLeast !== undefined || atMost !== undefined) throw new ConfigError(`${what}: give exactly, or atLeast/atMost, not both`);
    return { test: (n) => n === exactly, text: `exactly ${exactly}`, tolerance: '' };
  }
  if (atLeast === undefined && atMost === undefined) throw new ConfigError(`${what}: give exactly, atLeast or atMost`);
  if (atLeast !== undefined && atMost !== undefined && atLeast > atMost) throw new ConfigError(`${what}: atLeast ${atLeast} exceeds atMost ${atMost}`);
  const lo = atLeast ?? 0;
  const text = atMost === undefined ? `at least ${lo}` : atLeast === undefined ? `at most ${atMost}` : `${lo} to ${atMost}`;
  return { test: (n) => n >= lo && (atMost === undefined || n <= atMost), text, tolerance: `${lo}..${atMost ?? '∞'}` };
}

function framesOf(analysis: Analysis, id: string, stream: number | undefined): number[] {
  const frames: number[] = [];
  for (const f of analysis.findings) if (f.id === id && (stream === undefined || f.stream === stream)) frames.push(f.frame);
  return frames;
}

function listFrames(frames: readonly number[]): string {
  if (frames.length === 0) return 'none';
  const shown = frames.slice(0, 8).join(', ');
  return `frame${frames.length === 1 ? '' : 's'} ${shown}${frames.length > 8 ? `, … (${frames.length})` : ''}`;
}

/**
 * How many findings of `id` the analysis has (optionally in one stream).
 * @example count('tcp.analysis.fast_retransmission', { exactly: 1 }), count('duplicate_ack', { atLeast: 2 })
 */
export function count(id: FlagId, bound: CountBound & { stream?: number }): Expectation {
  const full = resolveFlagId(id);
  const b = describeBound(bound, `count("${full}")`);
  const where = bound.stream === undefined ? '' : ` in stream ${bound.stream}`;
  return {
    label: `count ${full} ${b.text}${where}`,
    evaluate(analysis) {
      const frames = framesOf(analysis, full, bound.stream);
      const ok = b.test(frames.length);
      const outcome = { ok, expected: `${b.text} ${full}${where}`, found: `${frames.length} (${listFrames(frames)})`, tolerance: b.tolerance, frames };
      // Too few: say what Wireshark saw instead (the resend it labelled otherwise, and why).
      if (ok || frames.length >= (bound.exactly ?? bound.atLeast ?? 0)) return outcome;
      const why = explainMissing(analysis, full, bound.stream);
      return why.lines.length === 0 ? outcome : { ...outcome, frames: [...frames, ...why.frames], explanation: why.lines };
    },
  };
}

/** A decrypted request as a scenario names it: method, space, request target (`GET /media/video.mp4`). */
export type RequestName = `${string} /${string}`;

const REQUEST_NAME = /^([A-Z]+) (\/\S*)$/;

function isRequestName(text: string): text is RequestName {
  return REQUEST_NAME.test(text);
}

function parseRequestName(text: string, what: string): { method: string; uri: string } {
  const m = REQUEST_NAME.exec(text);
  if (m === null) throw new ConfigError(`${what}: "${text}" is no request: write the method and the path, e.g. 'GET /media/video.mp4'`);
  return { method: m[1]!, uri: m[2]! };
}

/** The decrypted requests of `c` with this method and target. */
function requestsMatching(c: ConversationReport, want: { method: string; uri: string }): HttpRequestSummary[] {
  return (c.tls?.requests ?? []).filter((r) => r.method === want.method && r.uri === want.uri);
}

/** Frames where `name` occurs, in order: a flag's findings, or the frames completing a request of that name. */
function occurrences(analysis: Analysis, name: string): number[] {
  if (!isRequestName(name)) return framesOf(analysis, name, undefined);
  const want = parseRequestName(name, 'before()');
  return analysis.conversations.flatMap((c) => requestsMatching(c, want).map((r) => r.frame)).sort((x, y) => x - y);
}

/** Says that nothing was decrypted, when that is why a request expectation failed. */
function decryptionWords(analysis: Analysis): string {
  return analysis.conversations.some((c) => c.tls?.decrypted === true) ? '' : ' (nothing was decrypted: no keys for these sessions)';
}

/**
 * The first occurrence of `first` comes before (by frame number) the first of `then`; both must occur.
 * Each is a flag id, or a decrypted request by method and path.
 * @example before('tcp.analysis.duplicate_ack', 'tcp.analysis.fast_retransmission'), before('GET /', 'GET /media/image.jpg')
 */
export function before(first: FlagId | RequestName, then: FlagId | RequestName): Expectation {
  const a = isRequestName(first) ? first : resolveFlagId(first);
  const b = isRequestName(then) ? then : resolveFlagId(then);
  return {
    label: `${a} before ${b}`,
    evaluate(analysis) {
      const fa = occurrences(analysis, a)[0];
      const fb = occurrences(analysis, b)[0];
      const found = `first ${a} at ${fa === undefined ? 'none' : `frame ${fa}`}, first ${b} at ${fb === undefined ? 'none' : `frame ${fb}`}`;
      const frames = [fa, fb].filter((f): f is number => f !== undefined);
      return { ok: fa !== undefined && fb !== undefined && fa < fb, expected: `${a} before ${b}`, found, tolerance: '', frames };
    },
  };
}

function pickConversations(analysis: Analysis, stream: StreamChoice): readonly ConversationReport[] {
  return typeof stream === 'number' ? analysis.conversations.filter((c) => c.stream === stream) : analysis.conversations;
}

function matchStreams(analysis: Analysis, stream: StreamChoice, test: (c: ConversationReport) => boolean): boolean {
  const chosen = pickConversations(analysis, stream);
  if (chosen.length === 0) return false;
  return stream === 'all' ? chosen.every(test) : chosen.some(test);
}

function streamWords(stream: StreamChoice): string {
  return typeof stream === 'number' ? `stream ${stream}` : stream === 'all' ? 'every stream' : 'some stream';
}

/**
 * A conversation ended in the given way (spec/tcp-analysis.md §10): in one stream, in any, or in all.
 * @example teardown('any', 'fin-then-rst'), teardown(0, 'fin-close')
 */
export function teardown(stream: StreamChoice, kind: Teardown): Expectation {
  const kinds: readonly Teardown[] = ['fin-close', 'fin-then-rst', 'rst-abort', 'refused', 'half-open', 'open'];
  if (!kinds.includes(kind)) throw new ConfigError(`teardown("${String(kind)}"): expected one of ${kinds.join(', ')}`);
  return {
    label: `teardown ${kind} in ${streamWords(stream)}`,
    evaluate(analysis) {
      const chosen = pickConversations(analysis, stream);
      const found = chosen.length === 0 ? 'no conversation' : chosen.map((c) => `stream ${c.stream}: ${c.teardown}`).join(', ');
      const frames = chosen.filter((c) => c.teardown === kind).flatMap((c) => c.teardownFrames);
      return { ok: matchStreams(analysis, stream, (c) => c.teardown === kind), expected: `${streamWords(stream)} ends ${kind}`, found, tolerance: '', frames };
    },
  };
}

/** The TLS facts a scenario can pin. */
export interface TlsExpectation {
  /** 'TLS 1.2' or 'TLS 1.3'. */
  readonly version?: string;
  /** IANA name, e.g. 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'. */
  readonly cipherSuite?: string;
  readonly sni?: string;
  /** An ALPN protocol the client offered, e.g. 'http/1.1'. */
  readonly alpn?: string;
}

/**
 * A TLS session (in one stream, any, or all) has the given version, cipher suite, SNI and ALPN.
 * @example tls({ version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' })
 */
export function tls(want: TlsExpectation, stream: StreamChoice = 'any'): Expectation {
  const parts = Object.entries(want).filter(([, v]) => v !== undefined);
  if (parts.length === 0) throw new ConfigError('tls(): give at least one of version, cipherSuite, sni, alpn');
  const expected = `${streamWords(stream)} has TLS ${parts.map(([k, v]) => `${k}=${String(v)}`).join(' ')}`;
  const test = (c: ConversationReport): boolean =>
    c.tls !== undefined &&
    (want.version === undefined || c.tls.version === want.version) &&
    (want.cipherSuite === undefined || c.tls.cipherSuite === want.cipherSuite) &&
    (want.sni === undefined || c.tls.sni === want.sni) &&
    (want.alpn === undefined || c.tls.alpn.includes(want.alpn));
  return {
    label: `tls ${parts.map(([k, v]) => `${k}=${String(v)}`).join(' ')}`,
    evaluate(analysis) {
      const chosen = pickConversations(analysis, stream);
      const found =
        chosen.length === 0
          ? 'no conversation'
          : chosen
              .map((c) => `stream ${c.stream}: ${c.tls ? `${c.tls.version ?? 'no ServerHello'} ${c.tls.cipherSuite ?? '-'} sni=${c.tls.sni ?? '-'}` : 'no TLS'}`)
              .join(', ');
      const frames = chosen.flatMap((c) => (c.tls?.serverHelloFrame === undefined ? [] : [c.tls.serverHelloFrame]));
      return { ok: matchStreams(analysis, stream, test), expected, found, tolerance: '', frames };
    },
  };
}

/**
 * A client opened `connections` connections to one server at once, `idle` of which carried no data:
 * the browser's dual connection.
 * @example parallel({ connections: 2, idle: 1 })
 */
export function parallel(want: { connections: number; idle?: number }): Expectation {
  if (!Number.isInteger(want.connections) || want.connections < 2) throw new ConfigError(`parallel(): connections must be an integer >= 2 (got ${want.connections})`);
  const expected = `a group of ${want.connections} parallel connections${want.idle === undefined ? '' : ` with ${want.idle} idle`}`;
  return {
    label: `parallel ${want.connections}${want.idle === undefined ? '' : ` idle ${want.idle}`}`,
    evaluate(analysis) {
      const groups = analysis.parallelConnections;
      const hit = groups.find((g) => g.streams.length === want.connections && (want.idle === undefined || g.idleStreams.length === want.idle));
      const found = groups.length === 0 ? 'no parallel connections' : groups.map((g) => `streams [${g.streams.join(', ')}] idle [${g.idleStreams.join(', ')}]`).join('; ');
      const frames = hit ? analysis.conversations.filter((c) => hit.streams.includes(c.stream)).map((c) => c.firstFrame) : [];
      return { ok: hit !== undefined, expected, found, tolerance: '', frames };
    },
  };
}

/**
 * How many conversations completed the three-way handshake.
 * @example handshakes({ exactly: 1 })
 */
export function handshakes(bound: CountBound): Expectation {
  const b = describeBound(bound, 'handshakes()');
  return {
    label: `handshakes ${b.text}`,
    evaluate(analysis) {
      const done = analysis.conversations.filter((c) => c.handshake.complete);
      const frames = done.flatMap((c) => (c.handshake.synFrame === undefined ? [] : [c.handshake.synFrame]));
      return { ok: b.test(done.length), expected: `${b.text} complete handshakes`, found: `${done.length} of ${analysis.conversations.length} conversations`, tolerance: b.tolerance, frames };
    },
  };
}

/**
 * Some conversation (or stream `stream`) carried at least/most this many payload bytes each way.
 * @example transferred({ downlinkBytes: { atLeast: 300_000 } })
 */
export function transferred(want: { downlinkBytes?: CountBound; uplinkBytes?: CountBound; stream?: number }): Expectation {
  const down = want.downlinkBytes === undefined ? undefined : describeBound(want.downlinkBytes, 'transferred().downlinkBytes');
  const up = want.uplinkBytes === undefined ? undefined : describeBound(want.uplinkBytes, 'transferred().uplinkBytes');
  if (!down && !up) throw new ConfigError('transferred(): give downlinkBytes or uplinkBytes');
  const expected = [down ? `${down.text} bytes server→client` : '', up ? `${up.text} bytes client→server` : ''].filter(Boolean).join(' and ');
  const stream: StreamChoice = want.stream ?? 'any';
  return {
    label: `transferred ${expected}`,
    evaluate(analysis) {
      const chosen = pickConversations(analysis, stream);
      const found = chosen.length === 0 ? 'no conversation' : chosen.map((c) => `stream ${c.stream}: ${c.bytes[1]} down, ${c.bytes[0]} up`).join(', ');
      const ok = matchStreams(analysis, stream, (c) => (!down || down.test(c.bytes[1])) && (!up || up.test(c.bytes[0])));
      return { ok, expected: `${streamWords(stream)} carried ${expected}`, found, tolerance: '', frames: [] };
    },
  };
}

/** Where `http()` looks for a request: on some connection, on every one, on none, or in one tcp.stream. */
export type RequestWhere = 'some' | 'every' | 'none' | number;

function requestList(c: ConversationReport): string {
  const list = c.tls?.requests ?? [];
  return `stream ${c.stream}: ${list.length === 0 ? 'no request' : list.map((r) => `${r.method} ${r.uri}`).join(', ')}`;
}

/**
 * A decrypted request (method and path) was carried on some connection, on every one, on none, or in one
 * stream. The harness decrypts its own captures, so a scenario can name what its connections fetched.
 * @example http('GET /media/video.mp4'), http('GET /', 0), http('GET /favicon.ico', 'none')
 */
export function http(request: RequestName, where: RequestWhere = 'some'): Expectation {
  const want = parseRequestName(request, 'http()');
  if (typeof where === 'number' && (!Number.isInteger(where) || where < 0)) throw new ConfigError(`http("${request}", ${where}): a stream is a non-negative integer`);
  if (typeof where !== 'number' && !['some', 'every', 'none'].includes(where)) throw new ConfigError(`http("${request}", "${String(where)}"): expected 'some', 'every', 'none' or a stream number`);
  const words = typeof where === 'number' ? `in stream ${where}` : where === 'some' ? 'on some connection' : where === 'every' ? 'on every connection' : 'on no connection';
  return {
    label: `http ${request} ${words}`,
    evaluate(analysis) {
      const chosen = typeof where === 'number' ? analysis.conversations.filter((c) => c.stream === where) : analysis.conversations;
      const hits = chosen.filter((c) => requestsMatching(c, want).length > 0);
      const ok = where === 'none' ? hits.length === 0 : where === 'every' ? chosen.length > 0 && hits.length === chosen.length : hits.length > 0;
      const frames = hits.flatMap((c) => requestsMatching(c, want).map((r) => r.frame));
      const found = (chosen.length === 0 ? 'no conversation' : chosen.map(requestList).join('; ')) + (ok ? '' : decryptionWords(analysis));
      return { ok, expected: `${request} ${words}`, found, tolerance: '', frames };
    },
  };
}

/**
 * How many decrypted requests a stream carried, all streams together ('all'), or the idle spares of the
 * parallel groups together ('spare': the connections a browser opened and did not use).
 * @example requests('spare', exactly(0)), requests(0, atLeast(4)), requests('all', exactly(4))
 */
export function requests(stream: number | 'all' | 'spare', bound: CountBound): Expectation {
  const b = describeBound(bound, `requests(${JSON.stringify(stream)})`);
  const words = typeof stream === 'number' ? `in stream ${stream}` : stream === 'all' ? 'in all' : 'on the idle spare connections';
  return {
    label: `requests ${words} ${b.text}`,
    evaluate(analysis) {
      const spares = new Set(analysis.parallelConnections.flatMap((g) => g.idleStreams));
      const chosen = analysis.conversations.filter((c) => (typeof stream === 'number' ? c.stream === stream : stream === 'all' || spares.has(c.stream)));
      const n = chosen.reduce((sum, c) => sum + (c.tls?.requests.length ?? 0), 0);
      const where = stream === 'spare' && chosen.length === 0 ? 'no idle spare connection' : chosen.map(requestList).join('; ') || 'no conversation';
      const frames = chosen.flatMap((c) => (c.tls?.requests ?? []).map((r) => r.frame));
      const ok = b.test(n) && (stream !== 'spare' || chosen.length > 0);
      return { ok, expected: `${b.text} requests ${words}`, found: `${n} (${where})${ok ? '' : decryptionWords(analysis)}`, tolerance: b.tolerance, frames };
    },
  };
}

/**
 * One connection carried every one of these requests (the page and its media on the browser's busy
 * connection, say).
 * @example sameConnection('GET /', 'GET /media/image.jpg', 'GET /media/audio.mp3', 'GET /media/video.mp4')
 */
export function sameConnection(...names: RequestName[]): Expectation {
  if (names.length < 2) throw new ConfigError('sameConnection(): name at least two requests');
  const wanted = names.map((n) => parseRequestName(n, 'sameConnection()'));
  return {
    label: `one connection carried ${names.join(', ')}`,
    evaluate(analysis) {
      const hit = analysis.conversations.find((c) => wanted.every((w) => requestsMatching(c, w).length > 0));
      const found = hit !== undefined ? `stream ${hit.stream}` : (analysis.conversations.map(requestList).join('; ') || 'no conversation') + decryptionWords(analysis);
      const frames = hit === undefined ? [] : (hit.tls?.requests ?? []).map((r) => r.frame);
      return { ok: hit !== undefined, expected: `one connection carried ${names.join(', ')}`, found, tolerance: '', frames };
    },
  };
}

/** Evaluates every expectation; an expectation that throws counts as failed with the error as "found". */
export function evaluateExpectations(analysis: Analysis, expectations: readonly Expectation[]): { expectation: Expectation; outcome: ExpectationOutcome }[] {
  return expectations.map((expectation) => {
    try {
      return { expectation, outcome: expectation.evaluate(analysis) };
    } catch (e) {
      return { expectation, outcome: { ok: false, expected: expectation.label, found: `error: ${(e as Error).message}`, tolerance: '', frames: [] } };
    }
  });
}
