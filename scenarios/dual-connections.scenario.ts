/**
 * dual-connections: the lab report's "dual connection": a browser opens two connections to the server at
 * the same moment, loads the page and its media on one, and drops the unused one with FIN then RST.
 * The busy one is closed gracefully later. Capture point: client side over a 40 ms path.
 */
import { defineScenario } from '../harness/scenario/define-scenario.js';
import { exactly, parallel, requests, sameConnection, teardown } from '../harness/scenario/expect.js';
import { at, client } from '../harness/scenario/timeline.js';

export default defineScenario({
  name: 'dual-connections',
  description: 'two connections at once; page on one, the other dropped with FIN then RST',
  topology: { rttMs: 40 },
  capture: 'client',
  timeline: [at(0, client.page({ connections: 2, spareClose: 'fin-then-rst' })), at('+200ms', client.close('fin'))],
  expect: [
    parallel({ connections: 2, idle: 1 }),
    // Decrypted with the run's own keys: which connection carried the page and media, and that the spare carried none.
    sameConnection('GET /', 'GET /media/image.jpg', 'GET /media/audio.mp3', 'GET /media/video.mp4'),
    requests('spare', exactly(0)),
    teardown('any', 'fin-then-rst'),
    teardown('any', 'fin-close'),
  ],
});
