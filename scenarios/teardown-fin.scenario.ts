/**
 * teardown-fin: a graceful close (RFC 9293 §3.6): the client sends close_notify and FIN, the server
 * answers with its own close_notify and FIN, and each FIN is acknowledged. Capture point: client side.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count, teardown } from '../harness/scenario/expect.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'teardown-fin',
  description: 'graceful FIN/ACK close from the client',
  topology: { rttMs: 20 },
  capture: 'client',
  timeline: [at(0, client.get('/')), at('+100ms', client.close('fin'))],
  expect: [teardown(0, 'fin-close'), count('tcp.connection.fin', { exactly: 2 }), count('tcp.connection.rst', { exactly: 0 })],
});
