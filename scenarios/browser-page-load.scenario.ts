/**
 * browser-page-load: draft
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count } from '../harness/scenario/expect.js';
import { dropNth } from '../harness/impair/drop-nth.js';
import { coversOffset } from '../harness/impair/match.js';
import { at, browser } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'browser-page-load',
  description: 'the lab page in real headless Chromium over a 100 ms RTT path with one dropped server data segment',
  topology: { rttMs: 100 },
  capture: 'both',
  tls: { version: 'TLS 1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
  impair: { downlink: [dropNth(1, coversOffset(150_000))] },
  timeline: [at(0, browser.load('/')), at('+500ms', browser.close())],
  expect: [count('retransmission', { atLeast: 1 })],
});
