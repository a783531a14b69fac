/**
 * out-of-order: the 15th server→client data segment is held and released right after the next one,
 * so the client receives N+1 before N. Capture point: client side over a 40 ms path: the iRTT is 40 ms,
 * so N arriving microseconds after N+1 is Out-Of-Order (Wireshark spec §6 A11 5b); on a path without
 * delay the tiny iRTT would make it a Retransmission (quirk Q1). N+1 is "previous segment not captured"
 * and draws one duplicate ACK, too few for a fast retransmission label. The `reproducible` preset (Reno,
 * fixed buffers, quick ACKs, no SACK) keeps the counts the same in a replay.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count } from '../harness/scenario/expect.js';
import { isDataSegment } from '../harness/impair/match.js';
import { reorder } from '../harness/impair/reorder.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'out-of-order',
  description: 'swap two server data segments; the late one is Out-Of-Order at the client',
  topology: { rttMs: 40, preset: 'reproducible' },
  capture: 'client',
  impair: { downlink: [reorder({ hold: 1, after: 1, nth: 15, match: isDataSegment })] },
  timeline: [at(0, client.get('/bytes/128k')), at('+0', client.close('fin'))],
  expect: [count('out_of_order', { exactly: 1 }), count('lost_segment', { exactly: 1 }), count('fast_retransmission', { exactly: 0 })],
});
