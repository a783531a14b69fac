/**
 * tls13-handshake: a TLS 1.3 handshake (RFC 8446) with TLS_AES_128_GCM_SHA256 and one GET of the page
 * over a 20 ms path. The version is negotiated through supported_versions, so only the ServerHello's
 * extension says 1.3. Capture point: client side.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count, teardown, tls } from '../harness/scenario/expect.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'tls13-handshake',
  description: 'TLS 1.3 with TLS_AES_128_GCM_SHA256, one GET',
  topology: { rttMs: 20 },
  capture: 'client',
  tls: { version: 'TLS 1.3', ciphers: 'TLS_AES_128_GCM_SHA256' },
  timeline: [at(0, client.get('/')), at('+0', client.close('fin'))],
  expect: [
    tls({ version: 'TLS 1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', sni: 'lab.wirelab.test' }, 0),
    count('retransmission', { exactly: 0 }),
    teardown(0, 'fin-close'),
  ],
});
