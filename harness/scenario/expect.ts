/**
 * expect.ts: scenario expectations over an `Analysis` (flag counts, order, teardown class, TLS, parallel
 * connections) and their evaluation into expected-versus-found outcomes. Pure; no I/O, no proxy.
 */
import type { Analysis, ConversationReport, Teardown } from '../../analyzer/analysis-result.js';
import { normalizeFlagId } from '../../analyzer/analysis/expert.js';
import { ConfigError } from '../../analyzer/errors.js';

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
}

/** A check of an analysis. Build with `count`, `before`, `teardown`, `tls`, `parallel`, `handshakes`. */
export interface Expectation {
  /** Short description, e.g. "count tcp.analysis.duplicate_ack >= 2". */
  readonly label: string;
  evaluate(analysis: Analysis): ExpectationOutcome;
}

/** Which streams an expectation looks at: one tcp.stream number, any of them, or all of them. */
export type StreamChoice = number | 'any' | 'all';

// The one flag-id normaliser lives in the analyzer; harness users import it from here too.
export { normalizeFlagId };

/** A count bound: one of exactly, or atLeast and/or atMost. */
export interface CountBound {
  readonly exactly?: number;
  readonly atLeast?: number;
  readonly atMost?: number;
}

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
export function count(id: string, bound: CountBound & { stream?: number }): Expectation {
  const full = normalizeFlagId(id);
  const b = describeBound(bound, `count("${full}")`);
  const where = bound.stream === undefined ? '' : ` in stream ${bound.stream}`;
  return {
    label: `count ${full} ${b.text}${where}`,
    evaluate(analysis) {
      const frames = framesOf(analysis, full, bound.stream);
      return { ok: b.test(frames.length), expected: `${b.text} ${full}${where}`, found: `${frames.length} (${listFrames(frames)})`, tolerance: b.tolerance, frames };
    },
  };
}

/**
 * The first finding of `first` comes before (by frame number) the first finding of `then`;
 * both must occur.
 * @example before('tcp.analysis.duplicate_ack', 'tcp.analysis.fast_retransmission')
 */
export function before(first: string, then: string): Expectation {
  const a = normalizeFlagId(first);
  const b = normalizeFlagId(then);
  return {
    label: `${a} before ${b}`,
    evaluate(analysis) {
      const fa = framesOf(analysis, a, undefined)[0];
      const fb = framesOf(analysis, b, undefined)[0];
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
