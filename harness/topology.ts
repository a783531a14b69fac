/**
 * topology.ts: a client and a server namespace on one L2 segment whose middle is the harness
 * process (the impairment proxy bridges the two root-side veth ends). Harness only; must not import cap.
 */
import { spawn as spawnChild, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ConfigError, EnvironmentError } from '../analyzer/errors.js';
import {
  processStartTicks,
  registerResource,
  removeRunState,
  sweepLeftovers,
  writeRunState,
  type Resource,
} from './cleanup.js';
import { checkEnvironment } from './env-check.js';
import {
  execInNetns,
  ipBatch,
  netnsPids,
  removeLinksAndNetns,
  removeLinksAndNetnsSync,
  runTool,
  ToolError,
} from './netns.js';
import { CONGESTION_CONTROL_SYSCTL, DEFAULT_SYSCTLS } from './scenario/defaults.js';

/** Options of `createTopology`. */
export interface TopologyOptions {
  /** Short token naming the run's resources; default: 3 random base-36 chars + this pid in base 36. */
  runId?: string;
  /** MTU of all four veth ends (default 1500; 1440 gives IPv4 MSS 1400). */
  mtu?: number;
  /** Sysctls applied in both namespaces on top of `DEFAULT_SYSCTLS` (sysctl -w names). */
  sysctls?: Readonly<Record<string, string>>;
  /** Attributes of each namespace's on-link routes: `quickack` (ACK every segment at once) and `initcwnd`. */
  route?: { readonly quickack?: boolean; readonly initcwnd?: number };
  /** Remove leftovers of SIGKILL'd runs before creating (default true). */
  sweep?: boolean;
}

/** One end host of the topology. */
export interface Host {
  readonly role: 'client' | 'server';
  readonly netns: string;
  readonly ifname: string;
  readonly ipv4: string;
  readonly ipv6: string;
  readonly mac: string;
}

/** Set-up and teardown durations, for the "under 0.5 s" budget. */
export interface TopologyTimings {
  readonly setupMs: number;
  /** Undefined until close() finished. */
  readonly teardownMs: number | undefined;
}

/** A running two-namespace topology. */
export interface Topology {
  readonly id: string;
  readonly client: Host;
  readonly server: Host;
  /** Root-namespace veth ends facing each host (the proxy bridges these). */
  readonly clientLink: string;
  readonly serverLink: string;
  /** IPv4 prefix shared by both hosts, e.g. "198.18.3.4/30". */
  readonly ipv4Subnet: string;
  /** IPv6 prefix shared by both hosts, e.g. "fd00:776c:0:304::/64". */
  readonly ipv6Subnet: string;
  readonly mtu: number;
  /** Start a process inside a host's namespace (`ip netns exec`); tracked, killed on close(). */
  spawn(host: Host, command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Sysctls actually applied in each namespace (recorded with the run). */
  readonly sysctls: { readonly client: Record<string, string>; readonly server: Record<string, string> };
  readonly timings: TopologyTimings;
  /** Idempotent; removes processes, namespaces and veths (root ends explicitly). */
  close(): Promise<void>;
}

const RUN_ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh run id: 3 random base-36 characters then this process's pid in base 36. */
export function newRunId(): string {
  let prefix = '';
  for (let i = 0; i < 3; i++) prefix += RUN_ID_CHARS[randomInt(RUN_ID_CHARS.length)];
  return prefix + process.pid.toString(36);
}

function checkOptions(options: TopologyOptions): { runId: string; mtu: number } {
  const runId = options.runId ?? newRunId();
  if (!/^[0-9a-z]{4,11}$/.test(runId)) {
    throw new ConfigError(`topology runId "${runId}" must be 4 to 11 characters of [0-9a-z] (interface names are limited to 15)`);
  }
  const mtu = options.mtu ?? 1500;
  if (!Number.isInteger(mtu) || mtu < 1280 || mtu > 9000) {
    throw new ConfigError(`topology mtu must be an integer between 1280 and 9000 (got ${mtu}); IPv6 needs at least 1280`);
  }
  for (const [key, value] of Object.entries(options.sysctls ?? {})) {
    // A value is one word, or words separated by single spaces (tcp_rmem/tcp_wmem take three numbers).
    if (!/^[a-z0-9_.]+$/.test(key) || !/^[^\s=]+(?: [^\s=]+)*$/.test(value)) {
      throw new ConfigError(`topology sysctl "${key}=${value}" is not a valid sysctl name/value pair`);
    }
  }
  return { runId, mtu };
}

/** Deterministic per-run /30 and /64 so parallel runs never share an address plan. */
function addressPlan(runId: string): { index: number } {
  let h = 2166136261;
  for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 16777619) >>> 0;
  return { index: h % 32768 };
}

/**
 * Creates two namespaces `wl-<id>-c`/`wl-<id>-s`, veths `wl<id>c0|c1` and `wl<id>s0|s1`
 * (the *0 ends inside the namespaces, the *1 ends in the root namespace, unaddressed), both
 * hosts in one /30 of 198.18.0.0/15 and one /64 of fd00::/8, offloads off on all four ends,
 * loopback up, DAD off, pinned sysctls; resolves once links are up and addresses usable.
 * Everything is registered for cleanup before it is created.
 * @example
 * const topo = await createTopology({ mtu: 1440 });
 * try { topo.spawn(topo.server, 'node', ['server.js']); } finally { await topo.close(); }
 */
export async function createTopology(options: TopologyOptions = {}): Promise<Topology> {
  const startedMs = performance.now();
  const { runId, mtu } = checkOptions(options);
  checkEnvironment({ pcap: false });
  if (options.sweep !== false) await sweepLeftovers();

  const { index } = addressPlan(runId);
  const v4Base = (198 << 24) | (18 << 16) | (index << 2);
  const v4 = (n: number): string => [(v4Base + n) >>> 24, ((v4Base + n) >>> 16) & 255, ((v4Base + n) >>> 8) & 255, (v4Base + n) & 255].join('.');
  const v6Prefix = `fd00:776c:0:${index.toString(16)}`;
  const mac = (role: number): string =>
    `02:77:6c:${((index >> 8) & 255).toString(16).padStart(2, '0')}:${(index & 255).toString(16).padStart(2, '0')}:0${role}`;
  const client: Host = {
    role: 'client',
    netns: `wl-${runId}-c`,
    ifname: `wl${runId}c0`,
    ipv4: v4(1),
    ipv6: `${v6Prefix}::1`,
    mac: mac(1),
  };
  const server: Host = {
    role: 'server',
    netns: `wl-${runId}-s`,
    ifname: `wl${runId}s0`,
    ipv4: v4(2),
    ipv6: `${v6Prefix}::2`,
    mac: mac(2),
  };
  const clientLink = `wl${runId}c1`;
  const serverLink = `wl${runId}s1`;
  const namespaces = [client.netns, server.netns];
  const rootLinks = [clientLink, serverLink];

  // The state file comes first: from here on a SIGKILL leaves something the sweep can prove is ours.
  writeRunState({ runId, pid: process.pid, pidStartTicks: processStartTicks(process.pid) ?? 0, netns: namespaces, links: rootLinks });
  const children = new Set<ChildProcess>();
  let closing: Promise<void> | undefined;
  let teardownMs: number | undefined;
  const resource: Resource = {
    label: `topology ${runId}`,
    close: () => close(),
    closeSync: () => {
      for (const child of children) child.kill('SIGKILL');
      removeLinksAndNetnsSync(rootLinks, namespaces);
      removeRunState(runId);
    },
  };
  const unregister = registerResource(resource);

  async function close(): Promise<void> {
    closing ??= (async () => {
      const t0 = performance.now();
      await stopChildren(children);
      // Processes started inside the namespaces by others (or grandchildren) keep them alive.
      for (const ns of namespaces) {
        for (const pid of await netnsPids(ns)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }
      await removeLinksAndNetns(rootLinks, namespaces);
      removeRunState(runId);
      unregister();
      teardownMs = performance.now() - t0;
    })();
    return closing;
  }

  try {
    await ipBatch([
      ...namespaces.map((n) => `netns add ${n}`),
      `link add ${client.ifname} mtu ${mtu} address ${client.mac} type veth peer name ${clientLink} mtu ${mtu}`,
      `link add ${server.ifname} mtu ${mtu} address ${server.mac} type veth peer name ${serverLink} mtu ${mtu}`,
    ]).catch(explainPermission);
    // Offloads off before the move (features stay with the device): the wire then carries real
    // MTU-sized segments instead of 64 kB GSO super-segments, and checksums are filled in.
    await Promise.all(
      [client.ifname, server.ifname, clientLink, serverLink].map((dev) =>
        runTool('ethtool', ['-K', dev, 'tso', 'off', 'gso', 'off', 'gro', 'off', 'tx', 'off', 'rx', 'off']),
      ),
    );
    // The root ends carry no addresses: no IPv6 link-local, no ARP replies, nothing of their own on the segment.
    for (const link of rootLinks) writeFileSync(`/proc/sys/net/ipv6/conf/${link}/disable_ipv6`, '1');
    await ipBatch([
      `link set ${client.ifname} netns ${client.netns}`,
      `link set ${server.ifname} netns ${server.netns}`,
      ...rootLinks.map((l) => `link set ${l} arp off up`),
    ]);
    const [clientSysctls, serverSysctls] = await Promise.all(
      [client, server].map(async (host) => {
        const applied = await applySysctls(host, options.sysctls ?? {});
        await ipBatch(
          [
            'link set lo up',
            `addr add ${host.ipv4}/30 dev ${host.ifname}`,
            `addr add ${host.ipv6}/64 dev ${host.ifname} nodad`,
            `link set ${host.ifname} up`,
          ],
          host.netns,
        );
        // Route attributes are how Linux pins quick ACKs and the initial cwnd (no sysctl for either).
        const attrs = [...(options.route?.quickack ? ['quickack', '1'] : []), ...(options.route?.initcwnd === undefined ? [] : ['initcwnd', String(options.route.initcwnd)])];
        if (attrs.length > 0) {
          await ipBatch(
            [
              `route replace ${v4(0)}/30 dev ${host.ifname} proto kernel scope link src ${host.ipv4} ${attrs.join(' ')}`,
              `route replace ${v6Prefix}::/64 dev ${host.ifname} proto kernel metric 256 ${attrs.join(' ')}`,
            ],
            host.netns,
          );
        }
        return applied;
      }),
    );
    await Promise.all([waitReady(client), waitReady(server)]);
    const setupMs = performance.now() - startedMs;
    return {
      id: runId,
      client,
      server,
      clientLink,
      serverLink,
      ipv4Subnet: `${v4(0)}/30`,
      ipv6Subnet: `${v6Prefix}::/64`,
      mtu,
      sysctls: { client: clientSysctls!, server: serverSysctls! },
      get timings(): TopologyTimings {
        return { setupMs, teardownMs };
      },
      spawn(host, command, args, spawnOptions = {}) {
        if (closing !== undefined) throw new ConfigError(`topology ${runId} is closed; cannot spawn ${command}`);
        const child = spawnChild('ip', ['netns', 'exec', host.netns, command, ...args], spawnOptions);
        children.add(child);
        child.once('exit', () => children.delete(child));
        // Spawn failures surface on the child; keep them from becoming uncaught 'error' events here.
        child.on('error', () => children.delete(child));
        return child;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

function explainPermission(e: unknown): never {
  if (e instanceof ToolError && /Operation not permitted|Permission denied/.test(e.stderr)) {
    throw new EnvironmentError(
      `creating a network namespace was refused (${e.stderr.trim().split('\n')[0]}): run as root on a host or in a container allowed to (docker run --privileged, or --cap-add NET_ADMIN --cap-add SYS_ADMIN)`,
      { cause: e },
    );
  }
  throw e;
}

/** Applies DEFAULT_SYSCTLS + overrides inside the host's namespace; returns what `sysctl -w` reported. */
async function applySysctls(host: Host, overrides: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const wanted: Record<string, string> = {
    ...DEFAULT_SYSCTLS,
    // The interface already exists (it was moved in), so the all/default values above do not reach it.
    [`net.ipv6.conf.${host.ifname}.accept_dad`]: '0',
    [`net.ipv6.conf.${host.ifname}.router_solicitations`]: '0',
    ...overrides,
  };
  const cc = wanted[CONGESTION_CONTROL_SYSCTL];
  let inherited: string | undefined;
  if (cc !== undefined) {
    // Only algorithms in the host's allowed list may be chosen inside a namespace.
    const allowed = readFileSync('/proc/sys/net/ipv4/tcp_allowed_congestion_control', 'utf8').trim().split(/\s+/);
    if (!allowed.includes(cc)) {
      if (overrides[CONGESTION_CONTROL_SYSCTL] !== undefined) {
        throw new ConfigError(
          `sysctl ${CONGESTION_CONTROL_SYSCTL}=${cc} is not allowed in namespaces here (allowed: ${allowed.join(', ')}); pick one of those or add it to the host's net.ipv4.tcp_allowed_congestion_control`,
        );
      }
      delete wanted[CONGESTION_CONTROL_SYSCTL];
      // A new namespace starts with the host's algorithm.
      inherited = readFileSync('/proc/sys/net/ipv4/tcp_congestion_control', 'utf8').trim();
    }
  }
  const out = await execInNetns(host.netns, 'sysctl', ['-w', ...Object.entries(wanted).map(([k, v]) => `${k}=${v}`)]);
  const applied: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const eq = line.indexOf(' = ');
    if (eq > 0) applied[line.slice(0, eq)] = line.slice(eq + 3).trim();
  }
  if (inherited !== undefined) applied[CONGESTION_CONTROL_SYSCTL] = inherited;
  return applied;
}

/** Polls until the host's link is up with carrier and its addresses are not tentative (bounded: 3 s). */
async function waitReady(host: Host): Promise<void> {
  const deadline = performance.now() + 3000;
  let last = '';
  while (performance.now() < deadline) {
    last = await runTool('ip', ['-n', host.netns, '-j', 'addr', 'show', 'dev', host.ifname]);
    const [link] = JSON.parse(last) as {
      flags: string[];
      operstate: string;
      addr_info: { local: string; tentative?: boolean }[];
    }[];
    if (
      link !== undefined &&
      link.flags.includes('LOWER_UP') &&
      link.operstate === 'UP' &&
      link.addr_info.some((a) => a.local === host.ipv4) &&
      link.addr_info.some((a) => a.local === host.ipv6 && a.tentative !== true)
    ) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new EnvironmentError(`${host.netns}: ${host.ifname} did not come up within 3 s (last state: ${last.trim()})`);
}

/** SIGTERM, then SIGKILL after 500 ms, for every tracked child still running. */
async function stopChildren(children: Set<ChildProcess>): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 500);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  children.clear();
}
