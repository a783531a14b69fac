/**
 * rst-abort: the client aborts an established connection with RST (SO_LINGER 0 through
 * resetAndDestroy) without any FIN. Capture point: client side.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { count, teardown } from '../harness/scenario/expect.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'rst-abort',
  description: 'client aborts with RST after one GET',
  topology: { rttMs: 20 },
  capture: 'client',
  timeline: [at(0, client.get('/')), at('+100ms', client.close('rst'))],
  expect: [teardown(0, 'rst-abort'), count('tcp.connection.fin', { exactly: 0 }), count('tcp.connection.rst', { exactly: 1 })],
});
