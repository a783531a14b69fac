/**
 * lab-report: the whole page load of the lab report over a path like the report's: 175 ms RTT, MSS 1400,
 * a 2 Mbit/s bottleneck, TLS 1.2 with TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, and a browser opening two
 * connections at once (page, image, audio and video on one; the other dropped with FIN then RST).
 * Capture point: client side, where the report's Wireshark sat. On the media connection the proxy drops
 * one segment (duplicate ACKs, then a resend), swaps two (Out-Of-Order), duplicates one (redundant
 * packet) and hides one from the capture (previous segment not captured, ACKed unseen segment).
 * The bottleneck spaces segments ~6 ms apart and queues the resend behind the rest of the flight, so it
 * arrives within Wireshark's 20 ms of the client's last dup ACK: Fast Retransmission, as the report saw.
 * Receive-buffer autotuning is off so the client's window stops growing after slow start; a growing
 * window would turn its duplicate ACKs into Window Updates (spec §6 A5 comes before A8b).
 * Pinned for replay (the same counts when impairments.jsonl is replayed): Reno, whose flight grows by
 * ACKs counted (cubic by wall-clock time, BBR by measured rate); quick ACKs, so the ACK count does not
 * follow the delayed-ACK timer; a 4 MiB send buffer, so each response is written whole and its
 * segmentation does not follow the server's write timing; the duplicate copied inside the first
 * loss's hole, where the client's ACK cannot cover it (Retransmission, never a timing-dependent Spurious).
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { before, count, exactly, parallel, requests, sameConnection, teardown, tls } from '../harness/scenario/expect.js';
import { captureDrop } from '../harness/impair/capture-drop.js';
import { dropNth } from '../harness/impair/drop-nth.js';
import { duplicate } from '../harness/impair/duplicate.js';
import { isDataSegment } from '../harness/impair/match.js';
import { rate } from '../harness/impair/rate.js';
import { reorder } from '../harness/impair/reorder.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'lab-report',
  description: "the report's page load: 175 ms RTT, MSS 1400, dual connection, loss, reordering, duplicates",
  topology: { rttMs: 175, mss: 1400, tcp: { congestionControl: 'reno', delayedAck: false }, sysctls: { 'net.ipv4.tcp_moderate_rcvbuf': '0', 'net.ipv4.tcp_wmem': '4096 4194304 4194304' } },
  capture: 'client',
  tls: { version: 'TLS 1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
  impair: {
    downlink: [
      dropNth(50, isDataSegment),
      reorder({ hold: 1, after: 1, nth: 120, match: isDataSegment }),
      captureDrop(isDataSegment, { nth: 160 }),
      rate({ kbps: 2000, queuePackets: 1000 }),
      duplicate({ nth: 60, match: isDataSegment }),
    ],
  },
  timeline: [at(0, client.page({ connections: 2, spareClose: 'fin-then-rst' })), at('+300ms', client.close('fin'))],
  timeoutMs: 20_000,
  expect: [
    tls({ version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', sni: 'lab.wirelab.test' }, 'all'),
    parallel({ connections: 2, idle: 1 }),
    // Decrypted with the run's own keys: the page and its media on one connection, in order; the spare none.
    sameConnection('GET /', 'GET /media/image.jpg', 'GET /media/audio.mp3', 'GET /media/video.mp4'),
    before('GET /', 'GET /media/image.jpg'),
    requests('spare', exactly(0)),
    teardown('any', 'fin-then-rst'),
    count('duplicate_ack', { atLeast: 2 }),
    count('fast_retransmission', { atLeast: 1 }),
    count('out_of_order', { atLeast: 1 }),
    count('lost_segment', { atLeast: 2 }),
    count('ack_lost_segment', { atLeast: 1 }),
    count('retransmission', { atLeast: 2 }),
  ],
});
