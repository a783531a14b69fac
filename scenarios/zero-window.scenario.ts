/**
 * zero-window: a slow reader. Receive-buffer autotuning is off (tcp_moderate_rcvbuf 0, so the buffer stays
 * at tcp_rmem's default 128 KiB) and the client stops reading for 800 ms after the response headers of a
 * 1 MiB download, so its advertised window drops to zero while
 * the server has data to send; when it reads again it opens the window with a Window Update.
 * Capture point: client side. Linux probes a zero window with 0-byte segments at snd_una-1, which
 * Wireshark labels Keep-Alive (quirk Q2), so no ZeroWindowProbe flag is expected.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count } from '../harness/scenario/expect.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'zero-window',
  description: 'a stalled reader with a fixed 128 KiB buffer advertises a zero window',
  topology: { rttMs: 20, sysctls: { 'net.ipv4.tcp_moderate_rcvbuf': '0' } },
  capture: 'client',
  timeline: [at(0, client.get('/bytes/1m', { stallMs: 800 })), at('+0', client.close('fin'))],
  expect: [count('zero_window', { atLeast: 1 }), count('window_update', { atLeast: 1 })],
});
