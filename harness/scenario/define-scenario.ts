/**
 * define-scenario.ts: the declarative scenario record (topology, TLS, impairments, timeline,
 * expectations) and its validation. Pure; must not import node I/O modules, the proxy or the analyzer.
 */
import { ConfigError } from '../../analyzer/errors.js';
import type { Impairment } from '../impair/impairment.js';
import type { AlpnProtocol, MediaSizes } from '../https-server.js';
import type { Expectation } from './expect.js';
import { resolveTcpBehaviour, type RouteOptions, type TcpBehaviour, type TcpPreset } from './tcp-behaviour.js';
import type { TimelineEntry } from './timeline.js';

/** Where the proxy records: the client's side of the path (the report's Wireshark), the server's, or both. */
export type CapturePoint = 'client' | 'server' | 'both';

/** The path between the namespaces. */
export interface ScenarioTopology {
  /** Round-trip time made by `delay` impairments, half on each direction (default 0). */
  readonly rttMs?: number;
  /** Link MTU on the namespace ends (default 1500). */
  readonly mtu?: number;
  /** Wanted IPv4 MSS; sets the MTU to mss + 40 (IP and TCP headers without options). */
  readonly mss?: number;
  /** Extra sysctls for both namespaces, e.g. a small `net.ipv4.tcp_rmem` for a zero window; they win over `tcp`. */
  readonly sysctls?: Readonly<Record<string, string>>;
  /** Named kernel TCP settings, e.g. 'deterministic-loss' (see TCP_PRESETS); `tcp` overrides single switches. */
  readonly preset?: TcpPreset;
  /** Pin the TCP behaviour the scenario depends on: SACK, RACK, TLP, ECN, delayed ACK, initial cwnd, congestion control. */
  readonly tcp?: TcpBehaviour;
}

/** TLS settings of the server (and the client's offer). */
export interface ScenarioTls {
  readonly version?: 'TLS 1.2' | 'TLS 1.3';
  /** OpenSSL cipher list, e.g. 'ECDHE-RSA-AES128-GCM-SHA256'. */
  readonly ciphers?: string;
  /** What the server offers by ALPN, in its order of preference (default ['http/1.1']); ['h2', 'http/1.1'] serves HTTP/2 to a browser. */
  readonly alpn?: readonly AlpnProtocol[];
}

/** What a scenario file declares. */
export interface ScenarioDefinition {
  /** kebab-case, the same as the file name without `.scenario.ts`. */
  readonly name: string;
  /** One line for `wirelab list`. */
  readonly description: string;
  readonly topology?: ScenarioTopology;
  /** Default 'client'. With 'both', expectations are checked on the client-side capture. */
  readonly capture?: CapturePoint;
  readonly tls?: ScenarioTls;
  readonly media?: MediaSizes;
  /** Impairments per direction (uplink = client→server), applied before the RTT delay. */
  readonly impair?: { readonly uplink?: readonly Impairment[]; readonly downlink?: readonly Impairment[] };
  readonly timeline: readonly TimelineEntry[];
  readonly expect: readonly Expectation[];
  /** Upper bound for the client's whole timeline (default 30 s). */
  readonly timeoutMs?: number;
}

/** A validated scenario with every default filled in. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly rttMs: number;
  readonly mtu: number;
  readonly sysctls: Readonly<Record<string, string>>;
  /** Route attributes of both namespaces (quick ACKs, initial cwnd), from `topology.tcp`. */
  readonly route: RouteOptions;
  /** The TCP switches pinned by `topology.preset` and `topology.tcp`, for reports. */
  readonly tcp: TcpBehaviour;
  readonly capture: CapturePoint;
  readonly tls: ScenarioTls;
  readonly media: MediaSizes | undefined;
  readonly impair: { readonly uplink: readonly Impairment[]; readonly downlink: readonly Impairment[] };
  readonly timeline: readonly TimelineEntry[];
  readonly expect: readonly Expectation[];
  readonly timeoutMs: number;
}

/** Marks what defineScenario returned, across copies of this module (a user's file may load another copy). */
export const SCENARIO_BRAND: unique symbol = Symbol.for('wirelab.scenario') as never;

/** True for a value made by {@link defineScenario}. */
export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCENARIO_BRAND] === true;
}

const IPV4_TCP_HEADERS = 40;
const MIN_MTU = 1280; // IPv6 minimum; the topology refuses less
const MAX_MTU = 9000;

/**
 * Validates a scenario and fills in defaults.
 * @throws ConfigError naming the scenario, the field and the fix.
 * @example
 * export default defineScenario({
 *   name: 'fast-retransmission', description: 'a dropped segment resent after dup ACKs',
 *   topology: { rttMs: 40 }, capture: 'server', impair: { downlink: [dropNth(5, isDataSegment)] },
 *   timeline: [at(0, client.get('/bytes/256k')), at('+0', client.close('fin'))],
 *   expect: [count('fast_retransmission', { exactly: 1 })],
 * });
 */
export function defineScenario(definition: ScenarioDefinition): Scenario {
  const name = typeof definition.name === 'string' ? definition.name : '';
  const fail = (message: string): never => {
    throw new ConfigError(`scenario "${name || '?'}": ${message}`);
  };
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9-]+)?$/.test(name)) fail('name must be kebab-case, e.g. "fast-retransmission" or "fast-retransmission.sack"');
  if (typeof definition.description !== 'string' || definition.description.trim() === '') fail('description must be a non-empty line');
  const topo = definition.topology ?? {};
  const rttMs = topo.rttMs ?? 0;
  if (!Number.isFinite(rttMs) || rttMs < 0 || rttMs > 10_000) fail(`topology.rttMs must be between 0 and 10000 (got ${rttMs})`);
  let mtu = topo.mtu ?? 1500;
  if (topo.mss !== undefined) {
    if (!Number.isInteger(topo.mss) || topo.mss + IPV4_TCP_HEADERS < MIN_MTU || topo.mss + IPV4_TCP_HEADERS > MAX_MTU) {
      fail(`topology.mss must be an integer from ${MIN_MTU - IPV4_TCP_HEADERS} to ${MAX_MTU - IPV4_TCP_HEADERS} (got ${topo.mss})`);
    }
    if (topo.mtu !== undefined && topo.mtu !== topo.mss + IPV4_TCP_HEADERS) {
      fail(`topology.mss ${topo.mss} needs mtu ${topo.mss + IPV4_TCP_HEADERS} (got mtu ${topo.mtu}); give only one of them`);
    }
    mtu = topo.mss + IPV4_TCP_HEADERS;
  }
  if (!Number.isInteger(mtu) || mtu < MIN_MTU || mtu > MAX_MTU) fail(`topology.mtu must be an integer from ${MIN_MTU} to ${MAX_MTU} (got ${mtu})`);
  const capture = definition.capture ?? 'client';
  if (!['client', 'server', 'both'].includes(capture)) fail(`capture must be client, server or both (got "${String(capture)}")`);
  const tlsVersion = definition.tls?.version;
  if (tlsVersion !== undefined && tlsVersion !== 'TLS 1.2' && tlsVersion !== 'TLS 1.3') fail(`tls.version must be 'TLS 1.2' or 'TLS 1.3' (got "${String(tlsVersion)}")`);
  const alpn = definition.tls?.alpn;
  if (alpn !== undefined && (!Array.isArray(alpn) || alpn.length === 0 || alpn.some((p) => p !== 'h2' && p !== 'http/1.1'))) {
    fail(`tls.alpn must list 'h2' and/or 'http/1.1' (got ${JSON.stringify(alpn)})`);
  }
  if (!Array.isArray(definition.timeline) || definition.timeline.length === 0) fail('timeline must have at least one at(...) entry');
  if (!Array.isArray(definition.expect) || definition.expect.length === 0) fail('expect must have at least one expectation; a scenario that checks nothing cannot fail');
  for (const [i, e] of definition.expect.entries()) {
    if (typeof e?.evaluate !== 'function') fail(`expect[${i}] is not an expectation; build it with count(), before(), teardown(), tls(), parallel() or handshakes()`);
  }
  for (const [dir, list] of Object.entries(definition.impair ?? {})) {
    if (dir !== 'uplink' && dir !== 'downlink') fail(`impair.${dir}: only uplink and downlink exist`);
    for (const [i, imp] of (list as readonly Impairment[]).entries()) {
      if (typeof imp?.start !== 'function') fail(`impair.${dir}[${i}] is not an impairment; build it with delay(), dropNth(), reorder() and the like`);
    }
  }
  const timeoutMs = definition.timeoutMs ?? 30_000;
  if (!(timeoutMs > 0)) fail(`timeoutMs must be positive (got ${timeoutMs})`);
  let tcp: ReturnType<typeof resolveTcpBehaviour> = { behaviour: {}, sysctls: {}, route: {} };
  try {
    tcp = resolveTcpBehaviour(topo.preset, topo.tcp);
  } catch (e) {
    fail((e as Error).message);
  }
  const scenario: Scenario = {
    name,
    description: definition.description.trim(),
    rttMs,
    mtu,
    sysctls: { ...tcp.sysctls, ...topo.sysctls },
    route: tcp.route,
    tcp: tcp.behaviour,
    capture,
    tls: definition.tls ?? {},
    media: definition.media,
    impair: { uplink: definition.impair?.uplink ?? [], downlink: definition.impair?.downlink ?? [] },
    timeline: definition.timeline,
    expect: definition.expect,
    timeoutMs,
  };
  Object.defineProperty(scenario, SCENARIO_BRAND, { value: true, enumerable: false });
  return scenario;
}
