/**
 * redundant-packets: the proxy sends a byte-identical copy of the 15th server→client data segment right
 * behind the original (a duplicating link). Capture point: client side: the copy ends exactly at the
 * next expected sequence number, so Wireshark labels it Retransmission, not Out-Of-Order (spec §6 A11
 * 5b), and the client has not acknowledged it yet, so it is not Spurious.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count } from '../harness/scenario/expect.js';
import { duplicate } from '../harness/impair/duplicate.js';
import { isDataSegment } from '../harness/impair/match.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'redundant-packets',
  description: 'one server data segment arrives twice',
  topology: { rttMs: 40 },
  capture: 'client',
  impair: { downlink: [duplicate({ nth: 15, match: isDataSegment })] },
  timeline: [at(0, client.get('/bytes/128k')), at('+0', client.close('fin'))],
  expect: [count('retransmission', { exactly: 1 }), count('lost_segment', { exactly: 0 }), count('out_of_order', { exactly: 0 })],
});
