/**
 * defaults.ts: the sysctls every scenario namespace gets, pinned so runs do not depend on the host
 * (packetdrill's common/defaults.sh). Pure data; must not import node I/O modules.
 */

/**
 * Linux defaults, written out. A namespace inherits some values from the host at creation
 * (congestion control, for one), so each is set explicitly and the applied values are recorded.
 * Keys are sysctl names as `sysctl -w` takes them.
 */
export const DEFAULT_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.tcp_sack': '1',
  'net.ipv4.tcp_dsack': '1',
  'net.ipv4.tcp_timestamps': '1',
  'net.ipv4.tcp_window_scaling': '1',
  // 2 = ECN only when the peer asks (Linux default); 1 would add ECE/CWR to every SYN.
  'net.ipv4.tcp_ecn': '2',
  // Linux default; when the host does not allow it in namespaces the host's choice is kept and recorded.
  'net.ipv4.tcp_congestion_control': 'cubic',
  // Each run starts cold: no cached ssthresh/RTT from an earlier connection to the same address.
  'net.ipv4.tcp_no_metrics_save': '1',
  'net.ipv4.tcp_early_retrans': '3',
  // 1 = RACK loss detection (Linux default since 4.18).
  'net.ipv4.tcp_recovery': '1',
  'net.ipv4.tcp_frto': '2',
  'net.ipv4.tcp_reordering': '3',
  'net.ipv4.tcp_slow_start_after_idle': '1',
  'net.ipv4.tcp_mtu_probing': '0',
  // Addresses are ready at once and nothing but our own traffic appears on the wire.
  'net.ipv6.conf.all.accept_dad': '0',
  'net.ipv6.conf.default.accept_dad': '0',
  'net.ipv6.conf.all.router_solicitations': '0',
  'net.ipv6.conf.default.router_solicitations': '0',
};

/** The sysctl whose value may fall back to the host's when namespaces may not choose it. */
export const CONGESTION_CONTROL_SYSCTL = 'net.ipv4.tcp_congestion_control';
