/**
 * teardown-fin-rst: the browser way to drop a connection: the client sends close_notify and FIN and
 * closes its socket; the server's close_notify then reaches a socket nobody reads, and the client's
 * kernel answers with RST (Linux "TCPAbortOnData"). Capture point: client side.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { before, count, teardown } from '../harness/scenario/expect.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'teardown-fin-rst',
  description: 'client FIN, then RST when the server still sends',
  topology: { rttMs: 20 },
  capture: 'client',
  timeline: [at(0, client.get('/')), at('+100ms', client.close('fin-then-rst'))],
  expect: [teardown(0, 'fin-then-rst'), count('tcp.connection.rst', { atLeast: 1 }), before('tcp.connection.fin', 'tcp.connection.rst')],
});
