/**
 * duplicate-ack: the 150th server→client data segment of a 256 KiB download is dropped; every later
 * segment makes the client repeat its ACK (RFC 5681 §4.2: out-of-order data is acknowledged at once).
 * Capture point: client side, where the dup ACKs originate and the segment after the hole is
 * "previous segment not captured".
 * Reproducible counts (the same in a replay of the run): by the 150th segment the server has sent the
 * whole body, so the dup ACKs are exactly the segments behind the hole, not a race between the resend
 * and new data; the 6 Mbit/s bottleneck spaces them 2 ms apart and queues the resend behind them, so it
 * arrives within Wireshark's 20 ms of the last dup ACK (Fast Retransmission). The `reproducible` preset
 * pins the kernel's side (Reno, fixed buffers, quick ACKs, classic loss recovery).
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { before, count } from '../harness/scenario/expect.js';
import { dropNth } from '../harness/impair/drop-nth.js';
import { isDataSegment } from '../harness/impair/match.js';
import { rate } from '../harness/impair/rate.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'duplicate-ack',
  description: 'drop one server data segment; the client sends duplicate ACKs',
  topology: { rttMs: 40, preset: 'reproducible' },
  capture: 'client',
  impair: { downlink: [dropNth(150, isDataSegment), rate({ kbps: 6000, queuePackets: 1000 })] },
  timeline: [at(0, client.get('/bytes/256k')), at('+0', client.close('fin'))],
  expect: [count('duplicate_ack', { atLeast: 2 }), count('lost_segment', { exactly: 1 }), before('lost_segment', 'duplicate_ack')],
});
