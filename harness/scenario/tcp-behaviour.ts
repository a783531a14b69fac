/**
 * tcp-behaviour.ts: topology options that pin the kernel TCP behaviour a scenario depends on (SACK,
 * RACK, tail loss probes, ECN, delayed ACKs, initial cwnd, congestion control), their named presets,
 * and how each maps to a sysctl or a route attribute. Pure data; must not import node I/O modules.
 */
import { ConfigError } from '../../analyzer/errors.js';

/** Kernel TCP switches a scenario may pin; anything left out keeps the pinned Linux default. */
export interface TcpBehaviour {
  /** Selective ACKs (net.ipv4.tcp_sack and tcp_dsack). Linux default on. */
  readonly sack?: boolean;
  /** RACK loss detection (net.ipv4.tcp_recovery). Linux default on. */
  readonly rack?: boolean;
  /** Tail loss probes (net.ipv4.tcp_early_retrans 3 = on, 0 = off). Linux default on. */
  readonly tlp?: boolean;
  /** ECN negotiated on every connection (net.ipv4.tcp_ecn 1) or never (0); unset keeps 2 (only when asked). */
  readonly ecn?: boolean;
  /** false = ACK every segment at once (route `quickack 1`); true or unset = Linux delayed ACKs. */
  readonly delayedAck?: boolean;
  /** Initial congestion window in segments (route `initcwnd`, 1 to 100). Linux default 10. */
  readonly initialCwnd?: number;
  /** net.ipv4.tcp_congestion_control, e.g. 'cubic' or 'reno' (must be allowed in namespaces on the host). */
  readonly congestionControl?: string;
  /**
   * true = send and receive buffers are 4 MiB from the first byte and receive-buffer autotuning is off
   * (tcp_rmem/tcp_wmem "4096 4194304 4194304", tcp_moderate_rcvbuf 0): the advertised window and the
   * sender's flight no longer follow how fast the applications happen to read and write.
   */
  readonly fixedBuffers?: boolean;
}

/** Buffer sizes of `fixedBuffers` (min, default, max bytes): the default is the maximum. */
const FIXED_BUFFERS = '4096 4194304 4194304';

/**
 * Named presets. `deterministic-loss`: one dropped segment is always recovered the classic way (RFC 5681
 * §3.2): three dup ACKs, then a fast retransmit that Wireshark labels Fast Retransmission. With SACK on,
 * Linux may resend after the first dup ACK once three segments are SACKed (RFC 6675), RACK resends on
 * timing and a tail loss probe resends the last segment: Wireshark then says Out-Of-Order or
 * Retransmission. Quick ACKs make every segment draw its dup ACK at once. Congestion control stays the
 * pinned default (cubic, or the host's choice where namespaces may not pick it).
 *
 * `reproducible`: deterministic-loss, and the same counts run after run (what impairment replay
 * needs). How many segments follow the hole, hence how many dup ACKs, is the sender's flight: Reno
 * grows it by ACKs counted, while cubic grows it with wall-clock time since the last loss and BBR
 * (the host's choice where cubic is not allowed in namespaces) paces by measured bandwidth, so their
 * flights shift with scheduling jitter. Fixed buffers keep window updates and send-buffer stalls out of it.
 */
export const TCP_PRESETS = {
  'deterministic-loss': { sack: false, rack: false, tlp: false, ecn: false, delayedAck: false, initialCwnd: 10 },
  'reproducible': { sack: false, rack: false, tlp: false, ecn: false, delayedAck: false, initialCwnd: 10, congestionControl: 'reno', fixedBuffers: true },
} as const satisfies Record<string, TcpBehaviour>;

/** A preset's name. */
export type TcpPreset = keyof typeof TCP_PRESETS;

/** Route attributes of the namespaces' on-link routes (`ip route replace … quickack 1 initcwnd N`). */
export interface RouteOptions {
  readonly quickack?: boolean;
  readonly initcwnd?: number;
}

const onOff = (v: boolean): string => (v ? '1' : '0');

/**
 * The preset (if any) with `tcp` on top, validated, as sysctls and route attributes.
 * @throws ConfigError for an unknown preset or a value out of range.
 * @example resolveTcpBehaviour('deterministic-loss', { sack: true }).sysctls['net.ipv4.tcp_sack'] // → '1'
 */
export function resolveTcpBehaviour(preset: TcpPreset | undefined, tcp: TcpBehaviour = {}): { behaviour: TcpBehaviour; sysctls: Record<string, string>; route: RouteOptions } {
  if (preset !== undefined && !Object.hasOwn(TCP_PRESETS, preset)) {
    throw new ConfigError(`topology.preset "${String(preset)}": expected one of ${Object.keys(TCP_PRESETS).join(', ')}`);
  }
  const b: TcpBehaviour = { ...(preset === undefined ? {} : TCP_PRESETS[preset]), ...tcp };
  const sysctls: Record<string, string> = {};
  const route: { quickack?: boolean; initcwnd?: number } = {};
  for (const key of ['sack', 'rack', 'tlp', 'ecn', 'delayedAck', 'fixedBuffers'] as const) {
    if (b[key] !== undefined && typeof b[key] !== 'boolean') throw new ConfigError(`topology.tcp.${key} must be true or false (got ${String(b[key])})`);
  }
  if (b.sack !== undefined) {
    sysctls['net.ipv4.tcp_sack'] = onOff(b.sack);
    sysctls['net.ipv4.tcp_dsack'] = onOff(b.sack);
  }
  if (b.rack !== undefined) sysctls['net.ipv4.tcp_recovery'] = onOff(b.rack);
  if (b.tlp !== undefined) sysctls['net.ipv4.tcp_early_retrans'] = b.tlp ? '3' : '0';
  if (b.ecn !== undefined) sysctls['net.ipv4.tcp_ecn'] = onOff(b.ecn);
  if (b.congestionControl !== undefined) {
    if (!/^[a-z0-9_]+$/.test(b.congestionControl)) throw new ConfigError(`topology.tcp.congestionControl "${b.congestionControl}": expected a name such as cubic or reno`);
    sysctls['net.ipv4.tcp_congestion_control'] = b.congestionControl;
  }
  if (b.fixedBuffers === true) {
    sysctls['net.ipv4.tcp_rmem'] = FIXED_BUFFERS;
    sysctls['net.ipv4.tcp_wmem'] = FIXED_BUFFERS;
    sysctls['net.ipv4.tcp_moderate_rcvbuf'] = '0';
  }
  if (b.delayedAck === false) route.quickack = true;
  if (b.initialCwnd !== undefined) {
    if (!Number.isInteger(b.initialCwnd) || b.initialCwnd < 1 || b.initialCwnd > 100) throw new ConfigError(`topology.tcp.initialCwnd must be an integer from 1 to 100 (got ${b.initialCwnd})`);
    route.initcwnd = b.initialCwnd;
  }
  return { behaviour: b, sysctls, route };
}
