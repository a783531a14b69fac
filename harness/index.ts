/**
 * wirelab/harness: scenarios over real kernel TCP between network namespaces, through an impairment
 * proxy, with live capture. Touches the OS (root, ip, ethtool, libpcap); `cap` loads only when a proxy starts.
 *
 * @example
 * import { defineScenario, at, client, count, runScenario, dropNth, isDataSegment } from 'wirelab/harness';
 * const scenario = defineScenario({ name: 'my-loss', description: 'one lost segment', topology: { rttMs: 40 },
 *   capture: 'client', impair: { downlink: [dropNth(20, isDataSegment)] },
 *   timeline: [at(0, client.get('/bytes/256k'))], expect: [count('tcp.analysis.retransmission', { atLeast: 1 })] });
 * const result = await runScenario(scenario, { seed: 7 });
 */
export * from './impair/index.js';
export { createTopology, newRunId } from './topology.js';
export type { Host, Topology, TopologyOptions, TopologyTimings } from './topology.js';
export { startProxy } from './proxy/impairment-proxy.js';
export type { CapturedFrame, ImpairmentProxy, ProxyOptions } from './proxy/impairment-proxy.js';
export { sweepLeftovers, installSignalHandlers } from './cleanup.js';
export { checkEnvironment } from './env-check.js';
export { defineScenario } from './scenario/define-scenario.js';
export type { CapturePoint, Scenario, ScenarioDefinition, ScenarioTls, ScenarioTopology } from './scenario/define-scenario.js';
export { at, client } from './scenario/timeline.js';
export { atLeast, atMost, before, between, count, evaluateExpectations, exactly, FLAG_IDS, handshakes, http, parallel, requests, sameConnection, teardown, tls, transferred } from './scenario/expect.js';
export type { CountBound, Expectation, ExpectationOutcome, FlagId, RequestName, RequestWhere } from './scenario/expect.js';
export { TCP_PRESETS } from './scenario/tcp-behaviour.js';
export type { TcpBehaviour, TcpPreset } from './scenario/tcp-behaviour.js';
export { isScenario } from './scenario/define-scenario.js';
export { runScenario } from './scenario/run-scenario.js';
export type { RunScenarioOptions, ScenarioRunResult } from './scenario/run-scenario.js';
export { chaiWirelab } from './chai-wirelab.js';
export { scenarioTest } from './scenario-test.js';
export type { ScenarioTestOptions } from './scenario-test.js';
export { startLabServer, renderLabPage } from './https-server.js';
export type { LabServer, LabServerOptions } from './https-server.js';
export { openLabConnection, CloseMode } from './clients/lab-connection.js';
export { loadLabPage } from './clients/browser-client.js';
export { loadCertificate, LAB_HOSTNAME } from './certs.js';
