/**
 * capture-loss: the 15th server→client data segment is delivered but left out of the capture, as when
 * the capturing host drops it. Capture point: client side: the next segment is "previous segment not
 * captured" and the client's ACK covering the hidden bytes is "ACKed unseen segment"; nothing is
 * retransmitted because nothing was lost. The `reproducible` preset turns tail loss probes off (on a busy
 * machine the ACKs can come late enough for a probe to resend the last segment, a Retransmission no loss
 * caused) and pins Reno, fixed buffers and quick ACKs, so a replay gives the same counts. The 6 Mbit/s
 * bottleneck spaces segments 2 ms apart, so the client's ACK of the hidden segment is always captured
 * before the next segment arrives: two ACKed-unseen flags (spec §6 A10: once for the ACK beyond what was
 * seen, once more for the hole), where back-to-back segments would race the ACK and give one or two.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count } from '../harness/scenario/expect.js';
import { captureDrop } from '../harness/impair/capture-drop.js';
import { isDataSegment } from '../harness/impair/match.js';
import { rate } from '../harness/impair/rate.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'capture-loss',
  description: 'hide one delivered server data segment from the capture',
  topology: { rttMs: 20, preset: 'reproducible' },
  capture: 'client',
  impair: { downlink: [captureDrop(isDataSegment, { nth: 15 }), rate({ kbps: 6000, queuePackets: 1000 })] },
  timeline: [at(0, client.get('/bytes/128k')), at('+0', client.close('fin'))],
  expect: [count('lost_segment', { exactly: 1 }), count('ack_lost_segment', { atLeast: 1 }), count('retransmission', { exactly: 0 })],
});
