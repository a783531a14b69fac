/**
 * tcp-handshake: the three-way handshake (RFC 9293 §3.5) and nothing else: SYN, SYN/ACK, ACK over a
 * 20 ms path, then a TLS handshake and a clean close so the conversation is complete.
 * Capture point: client side. No impairment besides the delay, so no segment may go missing. Retransmissions
 * are not asserted: on a loaded host a late ACK can draw a tail-loss probe (RFC 8985 §7) after 2·SRTT.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count, handshakes, teardown } from '../harness/scenario/expect.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'tcp-handshake',
  description: 'SYN, SYN/ACK, ACK over a 20 ms path, then a clean close',
  topology: { rttMs: 20 },
  capture: 'client',
  timeline: [at(0, client.connect()), at('+50ms', client.close('fin'))],
  expect: [
    handshakes({ exactly: 1 }),
    count('tcp.connection.syn', { exactly: 1 }),
    count('tcp.connection.synack', { exactly: 1 }),
    count('lost_segment', { exactly: 0 }),
    teardown(0, 'fin-close'),
  ],
});
