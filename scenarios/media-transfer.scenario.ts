/**
 * media-transfer: the lab page and its image (48 KiB), audio (96 KiB) and video (192 KiB) fetched on one
 * keep-alive connection over a 40 ms path, each response spanning dozens of full-size segments.
 * Capture point: client side. Nothing is impaired, so the transfer must be clean.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count, handshakes, teardown, transferred } from '../harness/scenario/expect.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'media-transfer',
  description: 'page, image, audio and video on one keep-alive connection, no loss',
  topology: { rttMs: 40 },
  capture: 'client',
  timeline: [at(0, client.page({ connections: 1 })), at('+0', client.close('fin'))],
  expect: [
    handshakes({ exactly: 1 }),
    transferred({ downlinkBytes: { atLeast: (48 + 96 + 192) * 1024 } }),
    count('retransmission', { exactly: 0 }),
    count('lost_segment', { exactly: 0 }),
    teardown(0, 'fin-close'),
  ],
});
