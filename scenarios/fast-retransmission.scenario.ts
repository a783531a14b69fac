/**
 * fast-retransmission: RFC 5681 §3.2. The 150th server→client data segment of a 256 KiB download is
 * dropped; the segments behind it draw duplicate ACKs and the server resends it before its
 * RTO. Capture point: server side, where the resend follows the client's last dup ACK by microseconds,
 * well inside Wireshark's 20 ms window. (A client-side capture over this 40 ms path labels the same
 * resend Retransmission or Out-Of-Order, because Wireshark times it from the client's last segment.)
 * The `reproducible` preset turns SACK and RACK off, so the server counts duplicate ACKs the classic way
 * and resends after the third. With SACK on, Linux may resend after the first dup ACK when it already
 * SACKs three segments (RFC 6675); Wireshark, seeing fewer than two dup ACKs, then labels the resend
 * Out-Of-Order (5 of 40 runs did). As in duplicate-ack, the drop comes after the whole body was sent
 * and a 6 Mbit/s bottleneck spaces the segments, so the dup-ACK count is the same run after run.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { before, count } from '../harness/scenario/expect.js';
import { dropNth } from '../harness/impair/drop-nth.js';
import { isDataSegment } from '../harness/impair/match.js';
import { rate } from '../harness/impair/rate.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'fast-retransmission',
  description: 'drop the 20th server data segment; dup ACKs trigger a fast retransmit',
  topology: { rttMs: 40, preset: 'reproducible' },
  capture: 'server',
  impair: { downlink: [dropNth(150, isDataSegment), rate({ kbps: 6000, queuePackets: 1000 })] },
  timeline: [at(0, client.get('/bytes/256k')), at('+0', client.close('fin'))],
  expect: [
    count('duplicate_ack', { atLeast: 2 }),
    count('fast_retransmission', { exactly: 1 }),
    before('duplicate_ack', 'fast_retransmission'),
  ],
});
