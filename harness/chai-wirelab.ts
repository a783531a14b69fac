/**
 * chai-wirelab.ts: a chai plugin for asserting on an `Analysis` in scenarios and users' own tests.
 * Must not import node I/O modules, the proxy or the CLI.
 *
 * @example
 * ```ts
 * import * as chai from 'chai';
 * import { chaiWirelab } from 'wirelab/harness';
 * import { analyzeCapture } from 'wirelab/analyzer';
 * chai.use(chaiWirelab);
 * const { expect } = chai;
 *
 * const analysis = await analyzeCapture('runs/fast-retransmission/capture.pcapng');
 * expect(analysis).to.have.flag('fast_retransmission').exactly(1);
 * expect(analysis).to.have.flag('zero_window', { exactly: 0 });   // a count that may be 0
 * expect(analysis).to.have.flag('duplicate_ack', { atMost: 3 });
 * expect(analysis).to.have.flag('tcp.analysis.duplicate_ack').atLeast(2);
 * expect(analysis).not.to.have.flag('lost_segment');          // absence
 * expect(analysis).to.have.teardown('fin-then-rst');           // in any stream
 * expect(analysis).to.have.teardown('fin-close', 0);           // in tcp.stream 0
 * expect(analysis).to.have.tls({ version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' });
 * expect(analysis).to.have.parallelConnections({ connections: 2, idle: 1 });
 * expect(analysis).to.have.request('GET /media/video.mp4');    // decrypted: on some connection
 * expect(analysis).to.have.request('GET /', 0);                // in tcp.stream 0 ('every', 'none' too)
 * ```
 */
import type { Analysis, Teardown } from '../analyzer/analysis-result.js';
import { count, http, resolveFlagId, parallel, teardown, tls, type CountBound, type Expectation, type ExpectationOutcome, type FlagId, type RequestName, type RequestWhere, type StreamChoice, type TlsExpectation } from './scenario/expect.js';

declare global {
  // chai's own typings live in the global Chai namespace; plugins extend it there.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Chai {
    interface Assertion {
      /**
       * The analysis has at least one finding `id` ('fast_retransmission' means
       * 'tcp.analysis.fast_retransmission'); chain `.exactly(n)`, `.atLeast(n)` or `.atMost(n)` to
       * pin the count. Negated (`.not.to.have.flag(id)`) it asserts there is none. With a bound
       * (`.flag(id, { exactly: 0 })`, `{ atMost: 2 }`) it checks only the bound, so 0 can pass.
       */
      flag(id: FlagId, bound?: CountBound): Assertion;
      /** After `.flag(id)`: exactly `n` findings. */
      exactly(n: number): Assertion;
      /** After `.flag(id)`: at least `n` findings. */
      atLeast(n: number): Assertion;
      /** After `.flag(id)`: at most `n` findings. */
      atMost(n: number): Assertion;
      /** A conversation (in `stream`, default any) ended this way: 'fin-close', 'fin-then-rst', 'rst-abort', … */
      teardown(kind: Teardown, stream?: StreamChoice): Assertion;
      /** A TLS session (in `stream`, default any) has the given version, IANA cipher suite, SNI or ALPN. */
      tls(want: TlsExpectation, stream?: StreamChoice): Assertion;
      /** The client opened `connections` connections at once, `idle` of them without data (the dual connection). */
      parallelConnections(want: { connections: number; idle?: number }): Assertion;
      /** A decrypted request ('GET /media/video.mp4') was carried on some connection (or 'every', 'none', a stream). */
      request(name: RequestName, where?: RequestWhere): Assertion;
    }
  }
}

const FLAG_KEY = 'wirelab.flag';

function isAnalysis(value: unknown): value is Analysis {
  const a = value as Partial<Analysis> | null;
  return typeof a === 'object' && a !== null && Array.isArray(a.findings) && Array.isArray(a.conversations);
}

function framesOf(analysis: Analysis, id: string): number[] {
  const frames: number[] = [];
  for (const f of analysis.findings) if (f.id === id) frames.push(f.frame);
  return frames;
}

function listFrames(frames: readonly number[]): string {
  return frames.length === 0 ? 'none' : `frames ${frames.slice(0, 10).join(', ')}${frames.length > 10 ? ', …' : ''}`;
}

/**
 * The plugin: `chai.use(chaiWirelab)` adds `flag`/`exactly`/`atLeast`/`atMost`, `teardown`, `tls`,
 * `parallelConnections` and `request` to `expect(analysis)`. Failure messages state expected and found, with frames.
 */
export const chaiWirelab: Chai.ChaiPlugin = (chai, utils) => {
  const { Assertion } = chai;

  function subject(assertion: Chai.AssertionStatic | object): Analysis {
    const obj: unknown = utils.flag(assertion, 'object');
    if (!isAnalysis(obj)) throw new TypeError(`expected an Analysis (from analyzeCapture), got ${utils.inspect(obj)}`);
    return obj;
  }

  function assertOutcome(assertion: Chai.AssertionStatic, outcome: ExpectationOutcome): void {
    const why = (outcome.explanation ?? []).map((l) => `\n  ${l}`).join('');
    assertion.assert(outcome.ok, `expected ${outcome.expected}, found ${outcome.found}${why}`, `expected not: ${outcome.expected}, found ${outcome.found}`, outcome.expected, outcome.found, false);
  }

  Assertion.addMethod('flag', function (this: Chai.AssertionStatic, id: FlagId, bound?: CountBound) {
    const full = resolveFlagId(id);
    utils.flag(this, FLAG_KEY, full);
    if (bound !== undefined) {
      assertOutcome(this, count(full, bound).evaluate(subject(this)));
      return;
    }
    const frames = framesOf(subject(this), full);
    // `.flag(id)` asserts presence at once, before a chained `.exactly(0)` can run: say how to count zero.
    this.assert(
      frames.length > 0,
      `expected at least one ${full}, found none (for a count that may be 0 use .flag('${id}', { exactly: 0 }) or { atMost: n }, or .not.to.have.flag('${id}'))`,
      `expected no ${full}, found ${frames.length} (${listFrames(frames)})`,
      full,
      undefined,
      false,
    );
  });

  function addCount(name: 'exactly' | 'atLeast' | 'atMost', toBound: (n: number) => CountBound): void {
    Assertion.addMethod(name, function (this: Chai.AssertionStatic, n: number) {
      const id: unknown = utils.flag(this, FLAG_KEY);
      if (typeof id !== 'string') throw new TypeError(`.${name}(${n}) must follow .flag(id), e.g. expect(analysis).to.have.flag('duplicate_ack').${name}(${n})`);
      assertOutcome(this, count(id as FlagId, toBound(n)).evaluate(subject(this)));
    });
  }
  addCount('exactly', (n) => ({ exactly: n }));
  addCount('atLeast', (n) => ({ atLeast: n }));
  addCount('atMost', (n) => ({ atMost: n }));

  function addExpectation<A extends unknown[]>(name: string, build: (...args: A) => Expectation): void {
    Assertion.addMethod(name, function (this: Chai.AssertionStatic, ...args: A) {
      assertOutcome(this, build(...args).evaluate(subject(this)));
    });
  }
  addExpectation('teardown', (kind: Teardown, stream: StreamChoice = 'any') => teardown(stream, kind));
  addExpectation('tls', (want: TlsExpectation, stream: StreamChoice = 'any') => tls(want, stream));
  addExpectation('parallelConnections', (want: { connections: number; idle?: number }) => parallel(want));
  addExpectation('request', (name: RequestName, where: RequestWhere = 'some') => http(name, where));
};
