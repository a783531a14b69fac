/**
 * browser-page-load-h2: browser-page-load with HTTP/2. The server offers h2 and http/1.1 by ALPN, so
 * headless Chromium speaks HTTP/2 and multiplexes the page and its media (image, audio, the video by Range
 * requests) as streams of one connection, where HTTP/1.1 needed three or more. Same path: 100 ms RTT,
 * TLS 1.2 with the report's cipher, the first server data segment carrying byte 150 000 of its connection
 * dropped. Asserted, from the capture decrypted with the run's own keys: the server chose h2; the page and
 * every medium were requested, all as HTTP/2 streams of one connection (Chromium may open a spare
 * beside it, as in the report); the drop shows as a gap and its resend as
 * Out-Of-Order or Retransmission; closing the browser resets the connection.
 * Without Chromium the run stops with ERR_ENVIRONMENT and the test suite skips it.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count, http, sameConnection, tls, type Expectation } from '../harness/scenario/expect.js';
import { dropNth } from '../harness/impair/drop-nth.js';
import { coversOffset } from '../harness/impair/match.js';
import { at, browser } from '../harness/scenario/timeline.js';
import { anyOf, everyConnectionReset, PAGE_AND_MEDIA_BYTES, PAGE_REQUESTS, totalDownlink } from './browser-page-load.scenario.js';

/** Every decrypted request went as an HTTP/2 stream, and there was at least one. */
const everyRequestOverH2: Expectation = {
  label: 'every request over HTTP/2',
  evaluate(analysis) {
    const all = analysis.conversations.flatMap((c) => (c.tls?.requests ?? []).map((r) => ({ stream: c.stream, r })));
    const h1 = all.filter((x) => x.r.protocol !== 'h2');
    return {
      ok: all.length > 0 && h1.length === 0,
      expected: 'every request an HTTP/2 stream',
      found: all.length === 0 ? 'no decrypted request' : `${all.length - h1.length} of ${all.length} over h2${h1.length === 0 ? '' : `; HTTP/1.1: ${h1.map((x) => `stream ${x.stream} ${x.r.method} ${x.r.uri}`).join(', ')}`}`,
      tolerance: '',
      frames: h1.map((x) => x.r.frame),
    };
  },
};

export default defineScenario({
  name: 'browser-page-load-h2',
  description: 'the lab page in headless Chromium over HTTP/2 (one multiplexed connection), 100 ms RTT, one dropped segment',
  topology: { rttMs: 100 },
  capture: 'client',
  tls: { version: 'TLS 1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256', alpn: ['h2', 'http/1.1'] },
  impair: { downlink: [dropNth(1, coversOffset(150_000))] },
  timeline: [at(0, browser.load('/', { fetchMedia: false, playMs: 3000 })), at('+500ms', browser.close())],
  timeoutMs: 20_000,
  expect: [
    tls({ version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', sni: 'lab.wirelab.test', alpn: 'h2' }, 'all'),
    ...PAGE_REQUESTS.map((r) => http(r)),
    everyRequestOverH2,
    sameConnection(...PAGE_REQUESTS),
    totalDownlink(PAGE_AND_MEDIA_BYTES),
    count('lost_segment', { atLeast: 1 }),
    anyOf('the dropped segment is resent', [count('out_of_order', { atLeast: 1 }), count('retransmission', { atLeast: 1 })]),
    everyConnectionReset,
  ],
});
