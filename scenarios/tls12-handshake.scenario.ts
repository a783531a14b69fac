/**
 * tls12-handshake: a TLS 1.2 handshake with the suite the lab report's server chose,
 * TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (OpenSSL ECDHE-RSA-AES128-GCM-SHA256), SNI lab.wirelab.test,
 * then one GET of the page over a 20 ms path. Capture point: client side.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count, teardown, tls } from '../harness/scenario/expect.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'tls12-handshake',
  description: 'TLS 1.2 with ECDHE-RSA-AES128-GCM-SHA256, SNI lab.wirelab.test, one GET',
  topology: { rttMs: 20 },
  capture: 'client',
  tls: { version: 'TLS 1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
  timeline: [at(0, client.get('/')), at('+0', client.close('fin'))],
  expect: [
    tls({ version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', sni: 'lab.wirelab.test', alpn: 'http/1.1' }, 0),
    count('retransmission', { exactly: 0 }),
    teardown(0, 'fin-close'),
  ],
});
