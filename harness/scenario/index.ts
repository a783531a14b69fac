/**
 * wirelab/scenario: everything a scenario file needs, in one import: defineScenario, the timeline
 * (`at`, `client`, `browser`), the expectations (`count`, `before`, …, with typed flag ids and the
 * `exactly`/`atLeast`/`atMost` bounds), the impairments and the TCP presets. Pure builders; importing it
 * starts nothing (runScenario and the proxy live in wirelab/harness).
 *
 * @example
 * import { defineScenario, at, client, count, exactly, dropNth, isDataSegment } from 'wirelab/scenario';
 * export default defineScenario({
 *   name: 'lost-segment', description: 'one lost download segment, recovered by fast retransmit',
 *   topology: { rttMs: 50, preset: 'deterministic-loss' }, capture: 'server',
 *   impair: { downlink: [dropNth(30, isDataSegment)] },
 *   timeline: [at(0, client.get('/bytes/256k')), at('+0', client.close('fin'))],
 *   expect: [count('fast_retransmission', exactly(1)), count('zero_window', exactly(0))],
 * });
 */
export { defineScenario, isScenario } from './define-scenario.js';
export type { CapturePoint, Scenario, ScenarioDefinition, ScenarioTls, ScenarioTopology } from './define-scenario.js';
export { at, browser, client } from './timeline.js';
export type { TimelineEntry } from './timeline.js';
export { atLeast, atMost, before, between, count, exactly, FLAG_IDS, handshakes, http, requests, resolveFlagId, parallel, sameConnection, teardown, tls, transferred } from './expect.js';
export type { CountBound, Expectation, ExpectationOutcome, FlagId, RequestName, RequestWhere, StreamChoice, TlsExpectation } from './expect.js';
export { TCP_PRESETS, resolveTcpBehaviour } from './tcp-behaviour.js';
export type { RouteOptions, TcpBehaviour, TcpPreset } from './tcp-behaviour.js';
export * from '../impair/index.js';
