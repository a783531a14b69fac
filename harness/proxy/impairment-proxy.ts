/**
 * impairment-proxy.ts: bridges the topology's two root-side veth ends with libpcap, running each
 * direction through its impairment chain, recording every decision and both capture points.
 * Harness only; loads `cap` solely through pcap-binding.ts, when a proxy starts.
 */
import { channel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../../analyzer/errors.js';
import { createPcapngWriter } from '../../analyzer/capture/pcapng-writer.js';
import { LinkType, type Frame } from '../../analyzer/packet/frame.js';
import { registerResource } from '../cleanup.js';
import { checkEnvironment } from '../env-check.js';
import { chain } from '../impair/chain.js';
import {
  createRng,
  deriveSeed,
  type Datagram,
  type Direction,
  type ImpairContext,
  type ImpairDecision,
  type Impairment,
} from '../impair/impairment.js';
import type { ImpairmentRecording } from '../impair/recording.js';
import { createReplayCounter, planReplay, replayDecisions } from '../impair/replay.js';
import { createSegmentIdentifier, type SegmentIdentity } from '../impair/segment-identity.js';
import type { Topology } from '../topology.js';
import { createFrameGuard, FrameClass } from './frame-guard.js';
import { createPcapSession, withMomentaryAddresses, type PcapSession } from './pcap-binding.js';

export type { ImpairDecision } from '../impair/impairment.js';

/** Ground truth of every decision is published here as it happens (STYLE §5). */
export const impairChannel = channel('harness:impair');

/** Options of `startProxy`. */
export interface ProxyOptions {
  /** Client→server impairments, applied in order. */
  uplink: readonly Impairment[];
  /** Server→client impairments, applied in order. */
  downlink: readonly Impairment[];
  /** Seed of every random choice (each direction and stage derives its own stream from it). */
  seed: number;
  /** Which capture points to record. */
  capture: 'client' | 'server' | 'both' | 'none';
  /**
   * Replay: repeat this recording segment by segment; segments it does not know go through `uplink`
   * and `downlink`, which must be the recorded chains (their labels are checked), with `seed` (give the recording's).
   */
  replay?: ImpairmentRecording;
}

/** How a replay went, per direction summed: frames whose segment the recording knew, frames it did not, and recorded segments that never came. */
export interface ReplayStats {
  readonly matched: number;
  readonly unmatched: number;
  readonly neverSeen: number;
}

/** A frame as seen at one capture point. A Frame (index 1-based per point), plus where it came from. */
export interface CapturedFrame extends Frame {
  /** uplink = sent by the client, downlink = sent by the server. */
  readonly direction: Direction;
  /** The frame's number in its direction's chain (ImpairDecision.frame); undefined for ARP/NDP. */
  readonly chainFrame: number | undefined;
}

/** A running proxy. */
export interface ImpairmentProxy {
  /** Every decision so far, in the order taken; `frame: 0` marks frames rejected by the network rule. */
  readonly decisions: readonly ImpairDecision[];
  /** Frames as seen at each capture point, in order, with ns timestamps. */
  readonly captured: { readonly client: readonly CapturedFrame[]; readonly server: readonly CapturedFrame[] };
  /** Frames forwarded so far per direction (all copies, ARP/NDP included). */
  readonly forwarded: { readonly uplink: number; readonly downlink: number };
  /** TCP frames received from each host so far (what path-audit compares with the hosts' own counts). */
  readonly tcpReceived: { readonly uplink: number; readonly downlink: number };
  /** Frames whose send on the far side failed while the proxy ran (lost by the machine, not by an impairment). */
  readonly failedSends: { readonly uplink: number; readonly downlink: number };
  /** With `replay`: the match statistics so far. */
  readonly replayStats: ReplayStats | undefined;
  /** The chains' labels as run (`uplink` and `downlink` of a recording). */
  readonly chainLabels: { readonly uplink: string; readonly downlink: string };
  /** Write the capture(s) as pcapng (one IDB per capture point used), with an optional TLS key log in a Decryption Secrets Block. */
  writeCapture(path: string, options?: { keyLog?: string; point?: 'client' | 'server' | 'both' }): Promise<void>;
  /** Releases everything still held by the impairments (flush on close), then closes both pcap handles. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Opens both pcap handles, each root end carrying an unused address of the run's own /30 (network
 * and broadcast) for the moment of the open (see withMomentaryAddresses).
 */
async function openSessions(
  topology: Topology,
  sessions: { client: PcapSession; server: PcapSession },
  buffers: { client: Buffer; server: Buffer },
): Promise<void> {
  const [network] = topology.ipv4Subnet.split('/') as [string];
  const octets = network.split('.').map(Number);
  const last = octets[3]!;
  const placeholder = (n: number): string => [...octets.slice(0, 3), last + n].join('.');
  await withMomentaryAddresses(
    [
      { link: topology.clientLink, address: placeholder(0) },
      { link: topology.serverLink, address: placeholder(3) },
    ],
    () => {
      sessions.client.open(topology.clientLink, `ether src ${topology.client.mac}`, PCAP_BUFFER_BYTES, buffers.client);
      try {
        sessions.server.open(topology.serverLink, `ether src ${topology.server.mac}`, PCAP_BUFFER_BYTES, buffers.server);
      } catch (e) {
        sessions.client.close();
        throw e;
      }
    },
  );
}

/** The label decisions of the network rule carry. */
export const NETWORK_RULE = 'network-rule';

interface Entry {
  readonly timestampNs: bigint;
  readonly data: Buffer;
  readonly direction: Direction;
  readonly chainFrame: number | undefined;
  readonly captureDrop: boolean;
}

// libpcap's kernel ring per handle. The proxy drains it continuously, but a busy machine can stall
// its event loop for tens of ms; 16 MB holds thousands of MTU-sized frames through such a stall.
const PCAP_BUFFER_BYTES = 16 << 20;

/**
 * Opens both root-side veth ends of `topology` and starts bridging. Each handle's BPF filter
 * (`ether src <host mac>`) admits only what that host sent, so the proxy never re-reads its own sends.
 * @example
 * const proxy = await startProxy(topo, { uplink: [], downlink: [dropNth(2, isDataSegment)], seed: 7, capture: 'client' });
 * // … traffic …
 * await proxy.stop(); await proxy.writeCapture('capture.pcapng', { keyLog });
 */
export async function startProxy(topology: Topology, options: ProxyOptions): Promise<ImpairmentProxy> {
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new ConfigError(`proxy seed must be an integer between 0 and 4294967295 (got ${options.seed})`);
  }
  checkEnvironment();
  const guard = createFrameGuard({ ipv4: topology.ipv4Subnet, ipv6: topology.ipv6Subnet });
  const recordClient = options.capture === 'client' || options.capture === 'both';
  const recordServer = options.capture === 'server' || options.capture === 'both';
  const clientEntries: Entry[] = [];
  const serverEntries: Entry[] = [];
  const decisions: ImpairDecision[] = [];
  const captureDropped = { uplink: new Set<number>(), downlink: new Set<number>() };
  // Per chain frame: its segment identity (decisions carry it) and arrival time (releases carry the hold).
  const identify = createSegmentIdentifier();
  const segments = { uplink: new Map<number, SegmentIdentity>(), downlink: new Map<number, SegmentIdentity>() };
  const arrivalsMs = { uplink: new Map<number, number>(), downlink: new Map<number, number>() };
  const forwarded = { uplink: 0, downlink: 0 };
  const tcpReceived = { uplink: 0, downlink: 0 };
  const failedSends = { uplink: 0, downlink: 0 };
  const chainFrames = { uplink: 0, downlink: 0 };
  const timers: { uplink: NodeJS.Timeout | undefined; downlink: NodeJS.Timeout | undefined } = { uplink: undefined, downlink: undefined };
  // Epoch ns from a monotonic source: hrtime never steps backwards while the run lasts.
  const epochOffsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  const nowNs = (): bigint => process.hrtime.bigint() + epochOffsetNs;
  let stopped = false;
  let stopping: Promise<void> | undefined;

  function record(decided: ImpairDecision): void {
    const segment = decided.segment ?? segments[decided.direction].get(decided.frame);
    const decision = segment === undefined || decided.segment !== undefined ? decided : { ...decided, segment };
    decisions.push(decision);
    if (decision.action === 'capture-drop') captureDropped[decision.direction].add(decision.frame);
    if (impairChannel.hasSubscribers) impairChannel.publish({ runId: topology.id, ...decision });
  }

  function contextFor(direction: Direction): ImpairContext {
    const seed = deriveSeed(options.seed, direction === 'uplink' ? 0 : 1);
    return { seed, rng: createRng(seed), clock: () => performance.now(), report: record };
  }
  const recipes = { uplink: chain(...options.uplink), downlink: chain(...options.downlink) };
  const replay = options.replay;
  const counters = { uplink: createReplayCounter(), downlink: createReplayCounter() };
  if (replay !== undefined) {
    for (const direction of ['uplink', 'downlink'] as const) {
      if (replay[direction] !== recipes[direction].label) {
        throw new ConfigError(`replay: the recording's ${direction} chain was "${replay[direction]}" but this run's is "${recipes[direction].label}"; replay it with the same scenario and impairment options`);
      }
    }
  }
  const chains: Record<Direction, Impairment> = {
    uplink: (replay !== undefined ? replayDecisions(replay.decisions, 'uplink', recipes.uplink, counters.uplink) : recipes.uplink).start(contextFor('uplink')),
    downlink: (replay !== undefined ? replayDecisions(replay.decisions, 'downlink', recipes.downlink, counters.downlink) : recipes.downlink).start(contextFor('downlink')),
  };

  const buffers = { client: Buffer.alloc(65536), server: Buffer.alloc(65536) };
  const sessions: { client: PcapSession; server: PcapSession } = { client: createPcapSession(), server: createPcapSession() };
  await openSessions(topology, sessions, buffers);
  const unregister = registerResource({
    label: `proxy ${topology.id}`,
    close: () => stop(),
    closeSync: () => closeSessions(),
  });

  /** Records a frame at the point where `direction`'s frames are received (before impairment). */
  function captureReceived(direction: Direction, data: Buffer, chainFrame: number | undefined): void {
    const entries = direction === 'uplink' ? (recordClient ? clientEntries : undefined) : recordServer ? serverEntries : undefined;
    entries?.push({ timestampNs: nowNs(), data, direction, chainFrame, captureDrop: false });
  }
  /** Sends on the far side and records it at that side's capture point (after impairment). */
  function send(direction: Direction, data: Buffer, chainFrame: number | undefined, captureDrop: boolean): void {
    if (stopped) return;
    const out = direction === 'uplink' ? sessions.server : sessions.client;
    try {
      out.send(data, data.length);
    } catch {
      // The veth is gone (topology closed first) or its queue is full: the frame is lost with the
      // link, and path-audit reports it, since no impairment decided it.
      failedSends[direction]++;
      return;
    }
    forwarded[direction]++;
    const entries = direction === 'uplink' ? (recordServer ? serverEntries : undefined) : recordClient ? clientEntries : undefined;
    entries?.push({ timestampNs: nowNs(), data, direction, chainFrame, captureDrop });
  }
  function deliver(d: Datagram): void {
    const arrivedMs = arrivalsMs[d.direction].get(d.frame);
    const queueMs = arrivedMs === undefined ? 0 : Math.round((performance.now() - arrivedMs) * 1000) / 1000;
    record({ frame: d.frame, direction: d.direction, action: 'release', impairment: 'proxy', queueMs });
    send(d.direction, d.data, d.frame, d.captureDrop === true);
  }
  function pump(direction: Direction): void {
    const impairment = chains[direction];
    const nowMs = performance.now();
    for (const d of impairment.take(nowMs)) deliver(d);
    const due = impairment.nextDueMs(performance.now());
    clearTimeout(timers[direction]);
    timers[direction] = due === undefined ? undefined : setTimeout(() => pump(direction), Math.max(0, due - performance.now()));
  }
  function onFrame(direction: Direction, buffer: Buffer, nbytes: number): void {
    if (stopped) return;
    // cap reuses one Buffer per packet; copy before the next event.
    const data = Buffer.from(buffer.subarray(0, nbytes));
    const kind = guard(data);
    if (kind === FrameClass.Reject) {
      tcpReceived[direction]++; // it reached the proxy (any protocol): only a shortfall matters
      record({ frame: 0, direction, action: 'drop', impairment: NETWORK_RULE });
      return;
    }
    if (kind === FrameClass.Bypass) {
      captureReceived(direction, data, undefined);
      send(direction, data, undefined, false);
      return;
    }
    const frame = ++chainFrames[direction];
    const segment = identify(direction, data);
    const arrivedMs = performance.now();
    arrivalsMs[direction].set(frame, arrivedMs);
    if (segment !== undefined) {
      segments[direction].set(frame, segment);
      tcpReceived[direction]++;
    }
    captureReceived(direction, data, frame);
    chains[direction].offer(segment === undefined ? { data, direction, frame } : { data, direction, frame, segment }, arrivedMs);
    pump(direction);
  }
  sessions.client.on('packet', (nbytes) => onFrame('uplink', buffers.client, nbytes));
  sessions.server.on('packet', (nbytes) => onFrame('downlink', buffers.server, nbytes));

  function closeSessions(): void {
    for (const s of [sessions.client, sessions.server]) {
      s.removeAllListeners('packet');
      try {
        s.close();
      } catch {
        // Already closed.
      }
    }
  }
  function stop(): Promise<void> {
    stopping ??= (async () => {
      for (const direction of ['uplink', 'downlink'] as const) {
        clearTimeout(timers[direction]);
        // Contract: flush on close; whatever the impairments still hold is delivered now.
        for (const d of chains[direction].flush()) deliver(d);
      }
      stopped = true;
      closeSessions();
      unregister();
    })();
    return stopping;
  }

  function materialise(entries: readonly Entry[]): CapturedFrame[] {
    const out: CapturedFrame[] = [];
    for (const e of entries) {
      if (e.captureDrop || (e.chainFrame !== undefined && captureDropped[e.direction].has(e.chainFrame))) continue;
      out.push({
        index: out.length + 1,
        timestampNs: e.timestampNs,
        linkType: LinkType.Ethernet,
        originalLength: e.data.length,
        data: e.data,
        interfaceId: 0,
        direction: e.direction,
        chainFrame: e.chainFrame,
      });
    }
    return out;
  }

  return {
    get decisions() {
      return decisions;
    },
    get captured() {
      return { client: materialise(clientEntries), server: materialise(serverEntries) };
    },
    get forwarded() {
      return { ...forwarded };
    },
    get tcpReceived() {
      return { ...tcpReceived };
    },
    get failedSends() {
      return { ...failedSends };
    },
    get replayStats() {
      if (replay === undefined) return undefined;
      const { uplink, downlink } = counters;
      const recorded = planReplay(replay.decisions, 'uplink').size + planReplay(replay.decisions, 'downlink').size;
      return { matched: uplink.matched + downlink.matched, unmatched: uplink.unmatched + downlink.unmatched, neverSeen: recorded - uplink.seen.size - downlink.seen.size };
    },
    chainLabels: { uplink: recipes.uplink.label, downlink: recipes.downlink.label },
    async writeCapture(path, writeOptions = {}) {
      const point = writeOptions.point ?? (options.capture === 'none' ? 'both' : options.capture);
      const points = point === 'both' ? (['client', 'server'] as const) : ([point] as const);
      const writer = createPcapngWriter(path);
      const merged: { frame: CapturedFrame; interfaceId: number }[] = [];
      for (const p of points) {
        const interfaceId = writer.addInterface({
          linkType: LinkType.Ethernet,
          name: p === 'client' ? topology.clientLink : topology.serverLink,
          tsResolutionNs: true,
        });
        for (const frame of materialise(p === 'client' ? clientEntries : serverEntries)) merged.push({ frame, interfaceId });
      }
      // Stable sort by time: one file, both points interleaved as a two-interface sniffer would store them.
      merged.sort((a, b) => (a.frame.timestampNs < b.frame.timestampNs ? -1 : a.frame.timestampNs > b.frame.timestampNs ? 1 : 0));
      if (writeOptions.keyLog !== undefined && writeOptions.keyLog !== '') writer.writeDecryptionSecrets(writeOptions.keyLog);
      for (const { frame, interfaceId } of merged) {
        writer.write({ timestampNs: frame.timestampNs, data: frame.data, originalLength: frame.originalLength, interfaceId });
      }
      await writer.close();
    },
    stop,
  };
}
