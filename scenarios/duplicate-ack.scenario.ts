/**
 * duplicate-ack: the 20th server→client data segment of a 256 KiB download is dropped; every later
 * segment makes the client repeat its ACK (RFC 5681 §4.2: out-of-order data is acknowledged at once).
 * Capture point: client side, where the dup ACKs originate and the segment after the hole is
 * "previous segment not captured".
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { before, count } from '../harness/scenario/expect.js';
import { dropNth } from '../harness/impair/drop-nth.js';
import { isDataSegment } from '../harness/impair/match.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'duplicate-ack',
  description: 'drop one server data segment; the client sends duplicate ACKs',
  topology: { rttMs: 40 },
  capture: 'client',
  impair: { downlink: [dropNth(20, isDataSegment)] },
  timeline: [at(0, client.get('/bytes/256k')), at('+0', client.close('fin'))],
  expect: [count('duplicate_ack', { atLeast: 2 }), count('lost_segment', { exactly: 1 }), before('lost_segment', 'duplicate_ack')],
});
