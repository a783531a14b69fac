/**
 * browser-page-load: the lab page in a real browser. Headless Chromium (Debian's /usr/bin/chromium) in the
 * client namespace loads the page over a 100 ms RTT path; the server speaks TLS 1.2 with the report's
 * cipher. The page's media are real (a JPEG, an MP3 and an H.264 MP4 made by script/make-media.sh), so the
 * browser decodes the image and audio and plays the video for three seconds, fetching it with Range
 * requests as a viewer's browser does. The proxy drops the first server data segment that carries byte
 * 150 000 of its connection, in the middle of the video or audio download.
 * Capture point: client side. What Chromium does varies from run to run (two to five connections: a
 * loaded test machine once saw two; sometimes two SYNs at once, sometimes not; which connection carries
 * what), so only this is asserted:
 * every connection negotiates TLS 1.2 with the server's cipher; the decrypted capture shows a request for
 * the page and for each medium; at least two connections carry the load,
 * some of them in parallel; one carries the video whole and all of them together the page and its media;
 * the drop shows as a gap (Previous segment not captured) and its resend as Out-Of-Order (it arrives within
 * an iRTT of the connection's newest segment) or, in rarer timings, as a Retransmission; and no connection
 * ends cleanly: closing the browser ends its keep-alive connections with FIN then RST (the server's
 * close_notify meets a closed socket), or with a bare RST when unread data was still queued.
 * Without Chromium the run stops with ERR_ENVIRONMENT and the test suite skips it.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count, handshakes, http, teardown, tls, transferred, type Expectation } from '../harness/scenario/expect.js';
import { dropNth } from '../harness/impair/drop-nth.js';
import { coversOffset } from '../harness/impair/match.js';
import { at, browser } from '../harness/scenario/timeline.js';

/** A lower bound of the page and its real media (script/make-media.sh keeps each above 48, 96 and 192 KiB). */
export const PAGE_AND_MEDIA_BYTES = 1000 + (48 + 96 + 192) * 1024;

/** What the browser must ask for: the page and each of its media (the video by Range requests). */
export const PAGE_REQUESTS = ['GET /', 'GET /media/image.jpg', 'GET /media/audio.mp3', 'GET /media/video.mp4'] as const;

/** Passes when any of `choices` passes: one resend gets one label, which one depends on its timing. */
export function anyOf(label: string, choices: readonly Expectation[]): Expectation {
  return {
    label,
    evaluate(analysis) {
      const outcomes = choices.map((c) => c.evaluate(analysis));
      return {
        ok: outcomes.some((o) => o.ok),
        expected: outcomes.map((o) => o.expected).join(' or '),
        found: outcomes.map((o) => o.found).join('; '),
        tolerance: '',
        frames: outcomes.flatMap((o) => o.frames),
      };
    },
  };
}

/** The server sent at least `bytes` of payload over all connections together. */
export function totalDownlink(bytes: number): Expectation {
  return {
    label: `total downlink at least ${bytes} bytes`,
    evaluate(analysis) {
      const total = analysis.conversations.reduce((sum, c) => sum + c.bytes[1], 0);
      return { ok: total >= bytes, expected: `at least ${bytes} bytes server→client in all`, found: `${total} bytes in ${analysis.conversations.length} conversations`, tolerance: `${bytes}..∞`, frames: [] };
    },
  };
}

/** Every connection ends with a reset from the client: FIN then RST, or RST alone. */
export const everyConnectionReset: Expectation = {
  label: 'every teardown fin-then-rst or rst-abort',
  evaluate(analysis) {
    const clean = analysis.conversations.filter((c) => c.teardown !== 'fin-then-rst' && c.teardown !== 'rst-abort');
    return {
      ok: analysis.conversations.length > 0 && clean.length === 0,
      expected: 'every stream ends fin-then-rst or rst-abort',
      found: analysis.conversations.map((c) => `stream ${c.stream}: ${c.teardown}`).join(', ') || 'no conversation',
      tolerance: '',
      frames: clean.flatMap((c) => c.teardownFrames),
    };
  },
};

/** The analyzer found a group of two or more connections opened together (its size varies). */
const someParallelConnections: Expectation = {
  label: 'parallel connections',
  evaluate(analysis) {
    const groups = analysis.parallelConnections;
    return {
      ok: groups.some((g) => g.streams.length >= 2),
      expected: 'a group of 2 or more parallel connections',
      found: groups.length === 0 ? 'no parallel connections' : groups.map((g) => `streams [${g.streams.join(', ')}]`).join('; '),
      tolerance: '2..∞',
      frames: [],
    };
  },
};

export default defineScenario({
  name: 'browser-page-load',
  description: 'the lab page in headless Chromium over a 100 ms RTT path with one dropped server data segment',
  topology: { rttMs: 100 },
  capture: 'client',
  tls: { version: 'TLS 1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
  impair: { downlink: [dropNth(1, coversOffset(150_000))] },
  timeline: [at(0, browser.load('/', { fetchMedia: false, playMs: 3000 })), at('+500ms', browser.close())],
  timeoutMs: 20_000,
  expect: [
    tls({ version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', sni: 'lab.wirelab.test', alpn: 'http/1.1' }, 'all'),
    handshakes({ atLeast: 2 }),
    // Decrypted with the run's own keys: the browser asked for the page and every medium.
    ...PAGE_REQUESTS.map((r) => http(r)),
    someParallelConnections,
    transferred({ downlinkBytes: { atLeast: 192 * 1024 } }),
    totalDownlink(PAGE_AND_MEDIA_BYTES),
    count('lost_segment', { atLeast: 1 }),
    anyOf('the dropped segment is resent', [count('out_of_order', { atLeast: 1 }), count('retransmission', { atLeast: 1 })]),
    teardown('any', 'fin-then-rst'),
    everyConnectionReset,
  ],
});
