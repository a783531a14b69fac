/**
 * run-scenario.ts: runs one scenario end to end: topology, seeded impairment proxy with capture, server and
 * client agents, artefacts, analysis and expectations; cleans up in `finally`. Must not import the CLI.
 */
import { spawn as spawnLocal } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Analysis } from '../../analyzer/analysis-result.js';
import { analyzeCapture } from '../../analyzer/analyze-capture.js';
import { ConfigError, EnvironmentError, ExpectationError } from '../../analyzer/errors.js';
import { AgentProcess, type SpawnAgent } from '../agents/agent-process.js';
import type { BrowserAgentConfig } from '../agents/browser-agent.js';
import type { ClientAgentConfig } from '../agents/client-agent.js';
import type { ServerAgentConfig } from '../agents/server-agent.js';
import { loadCertificate } from '../certs.js';
import { browserTimeline, chromiumProblem } from '../clients/chromium-client.js';
import type { ClientStepResult, TimedClientAction } from '../clients/client-script.js';
import { chain } from '../impair/chain.js';
import { delay } from '../impair/delay.js';
import type { ImpairDecision, Impairment } from '../impair/impairment.js';
import { formatImpairmentLog, type ImpairmentRecording } from '../impair/recording.js';
import { auditPath, formatPathAudit, type PathAudit } from '../path-audit.js';
import { startProxy, type ImpairmentProxy, type ReplayStats } from '../proxy/impairment-proxy.js';
import { createTopology, type Host, type Topology } from '../topology.js';
import type { CapturePoint, Scenario } from './define-scenario.js';
import { evaluateExpectations } from './expect.js';
import { captureFramesByChainFrame, formatPacketTimeline } from './packet-timeline.js';

/**
 * Bound on an agent's start (node + tsx loading the sources: a second or two when idle). The wait ends on
 * the agent's `ready`, so a wide margin costs nothing; 15 s was too short on a loaded 2-core machine
 * (three concurrent lab-report runs at load average 29 all timed out).
 */
const AGENT_READY_TIMEOUT_MS = 60_000;

/** The port the lab server binds inside its namespace (the namespace is ours, so 443 is free). */
export const LAB_PORT = 443;

/** Options of {@link runScenario}; every one overrides the scenario for this run only. */
export interface RunScenarioOptions {
  /** Artefacts go to `outDir/NAME/` (default `runs`), unless `runDir` names the directory itself. */
  readonly outDir?: string;
  readonly runDir?: string;
  /** Seed of the impairments' randomness; a random one is drawn (and reported) when absent. */
  readonly seed?: number;
  readonly capture?: CapturePoint;
  /** Replace the scenario's impairments of one direction (the RTT delay stays). */
  readonly uplink?: readonly Impairment[];
  readonly downlink?: readonly Impairment[];
  /**
   * An earlier run's impairments.jsonl: the proxy repeats it segment by segment, and the run uses the
   * recording's seed unless `seed` is given.
   */
  readonly replay?: ImpairmentRecording;
  /** Called at each phase, for progress output. */
  readonly onPhase?: (phase: string) => void;
}

/** One expectation's outcome in a run report. */
export interface RunOutcome {
  readonly label: string;
  readonly ok: boolean;
  readonly expected: string;
  readonly found: string;
  readonly tolerance: string;
  /** Why a failure came out so (e.g. the resend Wireshark labelled otherwise); empty when passed. */
  readonly explanation: readonly string[];
}

/** Wall-clock cost of a run's phases, in ms. */
export interface RunTimings {
  /** Namespaces, veths, proxy and server readiness. */
  readonly setupMs: number;
  /** Namespaces and veths created (the topology alone). */
  readonly topologyUpMs: number;
  readonly trafficMs: number;
  readonly analyzeMs: number;
  /** Agents stopped and topology removed. */
  readonly teardownMs: number;
  readonly topologyDownMs: number;
  readonly totalMs: number;
}

/** What a run produced. When `ok` is false, `error` is the ExpectationError to throw or print. */
export interface ScenarioRunResult {
  readonly name: string;
  readonly seed: number;
  readonly ok: boolean;
  readonly dir: string;
  readonly capturePoint: 'client' | 'server';
  readonly outcomes: readonly RunOutcome[];
  readonly analysis: Analysis;
  readonly clientSteps: readonly ClientStepResult[];
  readonly decisions: readonly ImpairDecision[];
  /** With `replay`: how many frames matched a recorded segment, how many did not, and recorded segments never seen. */
  readonly replayStats: ReplayStats | undefined;
  /**
   * Each host's TCP segments sent against those the proxy received. `lost > 0` means the machine lost
   * frames outside the impairment chain (overloaded): the capture then shows losses nobody asked for.
   */
  readonly pathAudit: PathAudit;
  /** The impairment chains as run, e.g. uplink "delay 20ms", downlink "drop-nth 20 data | delay 20ms". */
  readonly chains: { readonly uplink: string; readonly downlink: string };
  readonly timings: RunTimings;
  readonly error: ExpectationError | undefined;
}

/**
 * What this machine lacks for the scenario's clients beyond the namespaces (today: Chromium for a browser
 * timeline), as one line with the fix; undefined when nothing. For test skips and early CLI checks.
 */
export function scenarioEnvironmentProblem(scenario: Scenario): string | undefined {
  return browserTimeline(scenario.timeline) === undefined ? undefined : chromiumProblem();
}

/**
 * Throws when {@link scenarioEnvironmentProblem} names something; `runScenario` calls it first.
 * @throws EnvironmentError, e.g. "chromium was not found at /usr/bin/chromium …: install chromium (apt-get install chromium)".
 */
export function checkScenarioEnvironment(scenario: Scenario): void {
  const problem = scenarioEnvironmentProblem(scenario);
  if (problem !== undefined) throw new EnvironmentError(problem);
}


/** How long a stopping browser agent may take to close Chromium and remove its profile before SIGKILL. */
const BROWSER_STOP_GRACE_MS = 5_000;

/**
 * The client side of a scenario: the real-browser agent when its timeline holds browser actions (then
 * Chromium must be installed), else the node client agent.
 * @throws ConfigError for a timeline that mixes both; EnvironmentError when Chromium is missing.
 */
function startClientAgent(scenario: Scenario, host: string, port: number, certPath: string, spawn: SpawnAgent): AgentProcess {
  const browserSteps = browserTimeline(scenario.timeline);
  if (browserSteps !== undefined) return new AgentProcess('browser-agent', { host, port, timeoutMs: scenario.timeoutMs, steps: browserSteps } satisfies BrowserAgentConfig, spawn);
  const config: ClientAgentConfig = {
    host,
    port,
    certPath,
    ...(scenario.tls.version === undefined ? {} : { tlsVersion: scenario.tls.version }),
    ...(scenario.tls.ciphers === undefined ? {} : { ciphers: scenario.tls.ciphers }),
    steps: scenario.timeline as readonly TimedClientAction[],
  };
  return new AgentProcess('client-agent', config, spawn);
}

/** Stops agents; the browser agent gets longer, since closing Chromium takes a moment. */
function stopAgents(agents: readonly AgentProcess[]): Promise<unknown> {
  return Promise.allSettled(agents.map((a) => a.stop(a.name === 'browser-agent' ? BROWSER_STOP_GRACE_MS : undefined)));
}

/** Extra time after the client finished for in-flight segments (FIN/RST exchanges) to cross the path. */
function drainMs(rttMs: number): number {
  return Math.ceil(1.5 * rttMs) + 150;
}

/** A fresh seed from the clock and pid when none is given; always printed so a run can be repeated. */
export function drawSeed(): number {
  return ((Date.now() ^ (process.pid << 16)) >>> 0) % 2_147_483_647 || 1;
}

/**
 * Runs a scenario and returns its result; expectations that fail do not throw (see `result.error`),
 * everything else does: ConfigError for bad options, EnvironmentError for a missing privilege, tool
 * or port. Namespaces, agents and the proxy are gone when it returns or throws.
 * @example
 * const result = await runScenario(fastRetransmission, { seed: 7 });
 * if (!result.ok) throw result.error;
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): Promise<ScenarioRunResult> {
  const startMs = performance.now();
  const seed = options.seed ?? options.replay?.seed ?? drawSeed();
  const capture = options.capture ?? scenario.capture;
  const point: 'client' | 'server' = capture === 'server' ? 'server' : 'client';
  const dir = resolve(options.runDir ?? join(options.outDir ?? 'runs', scenario.name));
  const phase = options.onPhase ?? (() => {});
  const oneWayMs = scenario.rttMs / 2;
  const uplink = [...(options.uplink ?? scenario.impair.uplink), ...(oneWayMs > 0 ? [delay({ ms: oneWayMs })] : [])];
  const downlink = [...(options.downlink ?? scenario.impair.downlink), ...(oneWayMs > 0 ? [delay({ ms: oneWayMs })] : [])];

  let topology: Topology | undefined;
  let proxy: ImpairmentProxy | undefined;
  const agents: AgentProcess[] = [];
  let topologyUpMs: number;
  let setupMs: number;
  let trafficMs: number;
  let teardownMs: number;
  let topologyDownMs: number;
  const keyLog = new Set<string>();
  let clientSteps: ClientStepResult[];
  let decisions: ImpairDecision[];
  // Before any namespace exists: a run that needs Chromium fails at once, in one line, without it.
  checkScenarioEnvironment(scenario);
  if (options.replay !== undefined) checkReplayChains(options.replay, { uplink, downlink });
  try {
    phase('topology');
    let t = performance.now();
    topology = await createTopology({ mtu: scenario.mtu, sysctls: { ...scenario.sysctls }, route: scenario.route });
    topologyUpMs = performance.now() - t;
    const topo = topology;
    // Clients verify the name lab.wirelab.test (their SNI), so the per-run addresses need not be in the
    // certificate; adding them would regenerate the shared cached file on almost every run.
    const cert = await loadCertificate();
    proxy = await startProxy(topo, { uplink, downlink, seed, capture, ...(options.replay === undefined ? {} : { replay: options.replay }) });
    phase('server');
    const spawnIn = (host: Host): SpawnAgent => (command, args, spawnOptions) => topo.spawn(host, command, args, spawnOptions);
    const serverConfig: ServerAgentConfig = {
      host: topo.server.ipv4,
      port: LAB_PORT,
      certPath: cert.path,
      ...(scenario.tls.version === undefined ? {} : { tlsVersion: scenario.tls.version }),
      ...(scenario.tls.ciphers === undefined ? {} : { ciphers: scenario.tls.ciphers }),
      ...(scenario.media === undefined ? {} : { media: scenario.media }),
      ...(scenario.tls.alpn === undefined ? {} : { alpn: scenario.tls.alpn }),
    };
    // Both agents load at once (each takes a second or two); the client starts only on our word.
    const server = new AgentProcess('server-agent', serverConfig, spawnIn(topo.server));
    agents.push(server);
    const client = startClientAgent(scenario, topo.server.ipv4, LAB_PORT, cert.path, spawnIn(topo.client));
    agents.push(client);
    await Promise.all([server.next(['ready'], AGENT_READY_TIMEOUT_MS), client.next(['ready'], AGENT_READY_TIMEOUT_MS)]);
    setupMs = performance.now() - startMs;

    phase('traffic');
    t = performance.now();
    client.send('start');
    await client.next(['done'], scenario.timeoutMs + 5_000);
    clientSteps = client.messages.flatMap((m) => (m.type === 'step' ? [{ index: m.index, label: m.label, startMs: m.startMs, endMs: m.endMs, detail: m.detail }] : []));
    await new Promise((r) => setTimeout(r, drainMs(scenario.rttMs)));
    const pathAudit = await auditPath(topo, proxy);
    trafficMs = performance.now() - t;
    for (const line of [...server.keyLog, ...client.keyLog]) keyLog.add(line);

    phase('capture');
    await proxy.stop();
    const positions = proxy.captured[point].map((f) => ({ direction: f.direction, chainFrame: f.chainFrame }));
    // Each decision names the capture.pcapng frame its segment became, when this capture holds it.
    const inCapture = captureFramesByChainFrame(positions);
    decisions = proxy.decisions.map((d) => {
      const frames = inCapture.get(`${d.direction}:${d.frame}`);
      return frames === undefined ? d : { ...d, captureFrame: frames[0]! };
    });
    const replayStats = proxy.replayStats;
    const chains = proxy.chainLabels;
    const recording: ImpairmentRecording = { seed, ...proxy.chainLabels, decisions };
    await mkdir(dir, { recursive: true });
    const keyLogText = [...keyLog].map((l) => `${l}\n`).join('');
    const capturePath = join(dir, 'capture.pcapng');
    await proxy.writeCapture(capturePath, { keyLog: keyLogText, point });
    if (capture === 'both') await proxy.writeCapture(join(dir, 'capture-server.pcapng'), { keyLog: keyLogText, point: 'server' });
    await writeFile(join(dir, 'sslkeylog.txt'), keyLogText);
    await writeFile(join(dir, 'impairments.jsonl'), formatImpairmentLog(recording));
    proxy = undefined;

    phase('analysis');
    t = performance.now();
    const analysis = await analyzeCapture(capturePath);
    const results = evaluateExpectations(analysis, scenario.expect);
    const analyzeMs = performance.now() - t;
    await writeFile(join(dir, 'analysis.json'), `${JSON.stringify(analysis, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);

    const timelineContext = { clientAddresses: [topo.client.ipv4, topo.client.ipv6], capturePoint: point, decisions, positions };
    const outcomes = results.map(({ expectation, outcome }) => ({ label: expectation.label, ok: outcome.ok, expected: outcome.expected, found: outcome.found, tolerance: outcome.tolerance, explanation: outcome.explanation ?? [] }));
    const failed = results.filter((r) => !r.outcome.ok);

    phase('teardown');
    t = performance.now();
    await stopAgents(agents);
    agents.length = 0;
    const td = performance.now();
    await topology.close();
    topologyDownMs = performance.now() - td;
    topology = undefined;
    teardownMs = performance.now() - t;
    const timings: RunTimings = { setupMs, topologyUpMs, trafficMs, analyzeMs, teardownMs, topologyDownMs, totalMs: performance.now() - startMs };

    const header = [
      `scenario ${scenario.name}: ${scenario.description}`,
      `seed ${seed}, capture ${point}${capture === 'both' ? ' (and server in capture-server.pcapng)' : ''}, rtt ${scenario.rttMs} ms, mtu ${scenario.mtu}`,
      `tcp: ${Object.entries(scenario.tcp).map(([k, v]) => `${k}=${String(v)}`).join(' ') || 'Linux defaults'}`,
      `uplink: ${uplink.map((i) => i.label).join(' | ') || 'none'}; downlink: ${downlink.map((i) => i.label).join(' | ') || 'none'}`,
      ...(replayStats === undefined ? [] : [`replay of seed ${seed}: ${formatReplayStats(replayStats)}`]),
      formatPathAudit(pathAudit),
      `timings: setup ${timings.setupMs.toFixed(0)} ms (topology ${topologyUpMs.toFixed(0)}), traffic ${trafficMs.toFixed(0)} ms, analysis ${analyzeMs.toFixed(0)} ms, teardown ${teardownMs.toFixed(0)} ms (topology ${topologyDownMs.toFixed(0)})`,
      'client steps:',
      ...clientSteps.map((s) => `  ${s.startMs.toFixed(1).padStart(8)} ms ${s.label}: ${s.detail}`),
      'expectations:',
      ...outcomes.flatMap((o) => [`  ${o.ok ? 'ok  ' : 'FAIL'} ${o.label}: expected ${o.expected}, found ${o.found}`, ...o.explanation.map((l) => `       ${l}`)]),
      'frames (number, seconds, stream :client port, direction, flags, seq:next(len), ack, window, {TLS}, [analysis flags], [proxy decisions]):',
    ];
    await writeFile(join(dir, 'timeline.txt'), `${header.join('\n')}\n${formatPacketTimeline(analysis, timelineContext)}\n`);

    let error: ExpectationError | undefined;
    if (failed.length > 0) {
      const marked = failed.flatMap((r) => r.outcome.frames);
      const summary = failed
        .map((r) => `expected ${r.outcome.expected}, found ${r.outcome.found}${r.outcome.tolerance ? ` (tolerance ${r.outcome.tolerance})` : ''}${(r.outcome.explanation ?? []).map((l) => `; ${l}`).join('')}`)
        .join('; ');
      const excerpt = formatPacketTimeline(analysis, timelineContext, marked.length > 0 ? { around: marked, mark: marked, context: 6 } : {});
      const unasked = pathAudit.lost === 0 ? '' : `; the machine itself lost ${pathAudit.lost} frame${pathAudit.lost === 1 ? '' : 's'} outside the impairments, so this run does not test the scenario: rerun it on a less busy machine (${formatPathAudit(pathAudit)})`;
      error = new ExpectationError(`${scenario.name}: ${summary}${unasked} (seed ${seed}, capture: ${point}; artefacts in ${dir})`, {
        timeline: excerpt.split('\n').slice(0, 60).join('\n'),
      });
    }
    return { name: scenario.name, seed, ok: failed.length === 0, dir, capturePoint: point, outcomes, analysis, clientSteps, decisions, replayStats, pathAudit, chains, timings, error };
  } catch (e) {
    // Keep whatever the proxy captured: a failed run is exactly when the capture is wanted.
    if (proxy) await saveCaptureAfterError(proxy, dir, point, keyLog, seed).catch(() => {});
    throw e;
  } finally {
    await stopAgents(agents);
    if (proxy) await proxy.stop().catch(() => {});
    if (topology) await topology.close();
  }
}

/**
 * A recording replays only over the chains it was made with (their labels are in its header).
 * @throws ConfigError naming both chains.
 */
function checkReplayChains(recording: ImpairmentRecording, chains: { uplink: readonly Impairment[]; downlink: readonly Impairment[] }): void {
  for (const direction of ['uplink', 'downlink'] as const) {
    const label = chain(...chains[direction]).label;
    if (recording[direction] !== label) {
      throw new ConfigError(`replay: the recording's ${direction} chain was "${recording[direction]}" but this run's is "${label}"; replay it with the same scenario and impairment options`);
    }
  }
}

/** "matched 812 frames, unmatched 3 (the recorded chain decided them), never seen 1 recorded segment". */
export function formatReplayStats(stats: ReplayStats): string {
  return `matched ${stats.matched} frames, unmatched ${stats.unmatched} (the recorded chain decided them), never seen ${stats.neverSeen} recorded segment${stats.neverSeen === 1 ? '' : 's'}`;
}

async function saveCaptureAfterError(proxy: ImpairmentProxy, dir: string, point: 'client' | 'server', keyLog: ReadonlySet<string>, seed: number): Promise<void> {
  await proxy.stop();
  await mkdir(dir, { recursive: true });
  const keyLogText = [...keyLog].map((l) => `${l}\n`).join('');
  await proxy.writeCapture(join(dir, 'capture.pcapng'), { keyLog: keyLogText, point });
  await writeFile(join(dir, 'impairments.jsonl'), formatImpairmentLog({ seed, ...proxy.chainLabels, decisions: proxy.decisions }));
}

/**
 * Runs the agents on loopback without namespaces or proxy (no root needed): a smoke test of the server,
 * clients and timeline of a scenario. Returns the client's steps.
 */
export async function runScenarioTrafficOnLoopback(scenario: Scenario): Promise<ClientStepResult[]> {
  const cert = await loadCertificate();
  const local: SpawnAgent = (command, args, spawnOptions) => spawnLocal(command, args, spawnOptions);
  const agents: AgentProcess[] = [];
  try {
    const server = new AgentProcess(
      'server-agent',
      {
        host: '127.0.0.1',
        port: 0,
        certPath: cert.path,
        ...(scenario.tls.version === undefined ? {} : { tlsVersion: scenario.tls.version }),
        ...(scenario.tls.ciphers === undefined ? {} : { ciphers: scenario.tls.ciphers }),
        ...(scenario.media === undefined ? {} : { media: scenario.media }),
        ...(scenario.tls.alpn === undefined ? {} : { alpn: scenario.tls.alpn }),
      } satisfies ServerAgentConfig,
      local,
    );
    agents.push(server);
    const ready = await server.next(['ready'], AGENT_READY_TIMEOUT_MS);
    const client = startClientAgent(scenario, '127.0.0.1', ready.port, cert.path, local);
    agents.push(client);
    await client.next(['ready'], AGENT_READY_TIMEOUT_MS);
    client.send('start');
    await client.next(['done'], scenario.timeoutMs + 5_000);
    return client.messages.flatMap((m) => (m.type === 'step' ? [{ index: m.index, label: m.label, startMs: m.startMs, endMs: m.endMs, detail: m.detail }] : []));
  } finally {
    await stopAgents(agents);
  }
}
