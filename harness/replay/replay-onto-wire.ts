/**
 * replay-onto-wire.ts: tcpreplay's job inside wirelab's own topology. A capture's frames, rewritten into
 * the run's address ranges (rewrite.ts), are sent out of the root-side end of a veth whose other end
 * lives in a namespace of this run, or onto a loopback interface the user names; a receiver agent on
 * the far side captures them and streams them back as pcapng, for the caller to store and analyse as
 * they arrive. Timing as recorded (scaled by `speed`),
 * at a fixed rate, or as fast as possible; the send time of every frame against its schedule is kept.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { readCapture } from '../../analyzer/capture/open-capture.js';
import { ConfigError, EnvironmentError } from '../../analyzer/errors.js';
import type { Frame } from '../../analyzer/packet/frame.js';
import { agentCommand } from '../agents/agent-process.js';
import type { ReplayReceiverConfig } from '../agents/replay-receiver.js';
import { registerResource } from '../cleanup.js';
import { ipBatch } from '../netns.js';
import { createPcapSession, withMomentaryAddresses, type PcapSession } from '../proxy/pcap-binding.js';
import { createTopology } from '../topology.js';
import { createWireRewriter, REPLAY_SOURCE_MAC, type AddressMap, type AddressRanges, type WireRewriter } from './rewrite.js';

/** How frames are paced. */
export type ReplayTiming = { readonly mode: 'recorded'; readonly speed: number } | { readonly mode: 'pps'; readonly pps: number } | { readonly mode: 'topspeed' };

/** Options of {@link replayOntoWire}. */
export interface WireReplayOptions {
  readonly capture: string;
  readonly timing: ReplayTiming;
  /** Send the capture this many times (default 1). */
  readonly loop?: number;
  /** Send at most this many frames of each loop. */
  readonly limit?: number;
  /**
   * A loopback interface to send on and capture from instead of a fresh topology's veth (`lo`). Any
   * other interface is refused: it would put frames on a network wirelab did not make.
   */
  readonly interface?: string;
  /** Each piece of the received pcapng stream, in order (header first). */
  readonly onReceived: (chunk: Buffer) => void;
  /** Frames sent so far of `total`, at most every 100 ms. */
  readonly onProgress?: (sent: number, total: number) => void;
}

/** What a replay did. Times in µs. */
export interface WireReplayResult {
  readonly sent: number;
  readonly sendMs: number;
  readonly achievedPps: number;
  /** Send time minus scheduled time over all frames (0 at top speed, where there is no schedule). */
  readonly timingErrorUs: { readonly median: number; readonly p99: number; readonly max: number };
  readonly addresses: AddressMap;
  /** The ranges the addresses were mapped into, as CIDR text. */
  readonly ranges: { readonly ipv4: string; readonly ipv6: string };
  /** Where the frames went, for people: "a veth into namespace wl-…" or "loopback interface lo". */
  readonly path: string;
  readonly mtu: number;
}

// On a fresh topology the k-th address of the capture becomes 198.19.x.y / fd00:776c:ffff::k (inside the
// receiving namespace only, so concurrent replays do not collide).
const TOPOLOGY_RANGES: AddressRanges = { ipv4Prefix: [198, 19], ipv6Prefix: [0xfd00, 0x776c, 0xffff, 0] };
// Frames above this are GSO super-segments of a capture taken with offloads on: no veth MTU carries them.
const MAX_MTU = 9000;
const SETTLE_MS = 2_000;
const IFF_LOOPBACK = 0x8;
// `cap` asks libpcap for a 64 KiB snapshot, and only a small MTU shrinks the ring's slots: on loopback
// (MTU 64 KiB) each frame takes a 128 KiB slot, and twice (libpcap sees the outgoing copy too and skips
// it). 8 MiB held 64 frames and lost most of a top-speed burst; 256 MiB holds 1,024 in flight.
const LOOPBACK_RING_BYTES = 256 << 20;

interface Scan {
  readonly frames: number;
  readonly maxEthernetBytes: number;
  readonly rewriter: WireRewriter;
}

/** First pass: every frame's rewritten size and addresses (errors for link types we cannot send come here, before any namespace). */
async function scan(path: string, limit: number | undefined, ranges: AddressRanges): Promise<Scan> {
  const rewriter = createWireRewriter(ranges);
  let frames = 0;
  let maxEthernetBytes = 0;
  for await (const batch of readCapture(path).batches()) {
    for (const f of batch) {
      if (limit !== undefined && frames >= limit) return { frames, maxEthernetBytes, rewriter };
      frames++;
      const out = rewriter.rewrite(f);
      maxEthernetBytes = Math.max(maxEthernetBytes, out.length);
    }
  }
  if (frames === 0) throw new ConfigError(`${path}: the capture has no frames to replay`);
  return { frames, maxEthernetBytes, rewriter };
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
}

/** Where frames are sent and received: a fresh topology's veth, or a loopback interface. */
interface ReplayPath {
  readonly description: string;
  /** The interface the receiver captures on. */
  readonly receiverDevice: string;
  /** The receiver's libpcap ring, when the default is too small. */
  readonly receiverBufferBytes?: number;
  spawnReceiver(command: string, args: readonly string[], options: SpawnOptions): ChildProcess;
  /** Opens `sender` for sending on the path's sending interface. */
  openSender(sender: PcapSession): Promise<void>;
  close(): Promise<void>;
}

/** Opens a pcap session on `device` for sending only: its filter admits nothing anyone sends. */
function openForSending(sender: PcapSession, device: string): void {
  sender.open(device, 'ether src 02:77:6c:ff:ff:ff', 1 << 20, Buffer.alloc(65_536));
}

/** A fresh topology: sent from the root-side veth end, received in the client namespace, every mapped address on its interface. */
async function openTopologyPath(mtu: number, mapped: AddressMap): Promise<ReplayPath> {
  const topo = await createTopology({ mtu });
  try {
    const host = topo.client;
    const addressLines = [
      ...[...mapped.ipv4.values()].map((a) => `addr add ${a}/32 dev ${host.ifname} noprefixroute`),
      ...[...mapped.ipv6.values()].map((a) => `addr add ${a}/128 dev ${host.ifname} nodad noprefixroute`),
    ];
    if (addressLines.length > 0) await ipBatch(addressLines, host.netns);
  } catch (e) {
    await topo.close();
    throw e;
  }
  const [net] = topo.ipv4Subnet.split('/') as [string];
  return {
    description: `a veth into namespace ${topo.client.netns}`,
    receiverDevice: topo.client.ifname,
    spawnReceiver: (command, args, options) => topo.spawn(topo.client, command, args, options),
    openSender: (sender) => withMomentaryAddresses([{ link: topo.clientLink, address: net }], () => openForSending(sender, topo.clientLink)),
    close: () => topo.close(),
  };
}

/** The interfaces of this namespace, for error messages. */
function interfaceNames(): string[] {
  try {
    return readdirSync('/sys/class/net').sort();
  } catch {
    return [];
  }
}

/**
 * Checks that `name` is a loopback interface and returns its MTU.
 * @throws ConfigError for a missing interface, or one that is not loopback (the network rule).
 */
export function loopbackMtu(name: string): number {
  let flags: number;
  try {
    // An interface name never holds a slash, and '.'/'..' are no interfaces: nothing else reaches the path.
    if (name.includes('/') || name === '.' || name === '..') throw new Error('not an interface name');
    flags = Number(readFileSync(`/sys/class/net/${name}/flags`, 'utf8').trim());
  } catch {
    throw new ConfigError(`--interface ${name}: no such interface here (there are: ${interfaceNames().join(', ') || 'none'})`);
  }
  if ((flags & IFF_LOOPBACK) === 0) {
    throw new ConfigError(
      `--interface ${name}: not a loopback interface. wirelab replay sends only to loopback or into network namespaces it made itself, never onto a network it did not make; use --interface lo, or leave --interface out to replay onto a veth of a fresh wirelab topology`,
    );
  }
  return Number(readFileSync(`/sys/class/net/${name}/mtu`, 'utf8').trim());
}

/** Address ranges and a source MAC of this run's own on a shared loopback, so concurrent replays there do not see each other's frames. */
function loopbackRanges(): AddressRanges {
  // 127.0.x.x holds the usual 127.0.0.1; the second octet is picked from 100–254.
  const octet = randomInt(100, 255);
  const mac = `02:77:6c:${randomInt(0, 256).toString(16).padStart(2, '0')}:${octet.toString(16).padStart(2, '0')}:01`;
  return { ipv4Prefix: [127, octet], ipv6Prefix: [0xfd00, 0x776c, 0xfffe, octet], sourceMac: mac };
}

/**
 * A loopback interface: sent and captured on the same interface. The frames' destination MAC is no
 * host's, so the kernel takes them as meant for another host and drops them after the capture saw
 * them, and libpcap skips the outgoing copy on loopback: each frame is received once.
 */
function openLoopbackPath(name: string): ReplayPath {
  const children = new Set<ChildProcess>();
  const kill = (): void => {
    for (const c of children) c.kill('SIGTERM');
  };
  const unregister = registerResource({ label: `replay receiver on ${name}`, close: async () => kill(), closeSync: kill });
  return {
    description: `loopback interface ${name}`,
    receiverDevice: name,
    receiverBufferBytes: LOOPBACK_RING_BYTES,
    spawnReceiver: (command, args, options) => {
      const child = spawn(command, args, options);
      children.add(child);
      child.once('exit', () => children.delete(child));
      child.on('error', () => children.delete(child));
      return child;
    },
    openSender: async (sender) => openForSending(sender, name),
    close: async () => {
      kill();
      unregister();
    },
  };
}

function cidr(ranges: AddressRanges): { ipv4: string; ipv6: string } {
  const g = ranges.ipv6Prefix.map((n) => n.toString(16));
  return { ipv4: `${ranges.ipv4Prefix[0]}.${ranges.ipv4Prefix[1]}.0.0/16`, ipv6: `${g.join(':')}::/64`.replace(/:0::\/64$/, '::/64') };
}

/**
 * Replays `capture` onto a veth of a fresh topology (or the loopback interface `options.interface`)
 * and streams what the far side received. Needs root. Everything it creates (namespaces, veths, the
 * receiver) is removed at the end, also on errors.
 * @throws ConfigError for a capture that cannot be replayed (link type, frame size, no frames) or an
 * interface that is not loopback; EnvironmentError when the receiver fails.
 */
export async function replayOntoWire(options: WireReplayOptions): Promise<WireReplayResult> {
  const loops = options.loop ?? 1;
  const onLoopback = options.interface !== undefined;
  const loopbackMaxMtu = onLoopback ? loopbackMtu(options.interface!) : undefined;
  const ranges = onLoopback ? loopbackRanges() : TOPOLOGY_RANGES;
  const first = await scan(options.capture, options.limit, ranges);
  // 4 bytes of room for a VLAN tag; frames are sent with their captured bytes only.
  const mtu = loopbackMaxMtu ?? Math.min(MAX_MTU, Math.max(1500, first.maxEthernetBytes - 14));
  const maxMtu = loopbackMaxMtu ?? MAX_MTU;
  if (first.maxEthernetBytes - 18 > maxMtu) {
    throw new ConfigError(`${options.capture}: a frame of ${first.maxEthernetBytes} bytes is larger than ${onLoopback ? `${options.interface}'s MTU allows` : 'any veth carries'} (${maxMtu + 18}); the capture was probably taken with offloads on (GSO/GRO super-segments)`);
  }
  // The scan's rewriter already holds the mapping (it numbers by first appearance).
  const rewriter = first.rewriter;
  let path: ReplayPath | undefined;
  try {
    path = onLoopback ? openLoopbackPath(options.interface!) : await openTopologyPath(mtu, rewriter.addresses);
    // The receiver admits only this run's frames: their source MAC.
    const receiverConfig: ReplayReceiverConfig = { device: path.receiverDevice, filter: `ether src ${ranges.sourceMac ?? REPLAY_SOURCE_MAC}`, ...(path.receiverBufferBytes === undefined ? {} : { bufferBytes: path.receiverBufferBytes }) };
    const receiver = agentCommand('replay-receiver', receiverConfig);
    const child = path.spawnReceiver(receiver.command, receiver.args, { cwd: receiver.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let receivedBytes = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      options.onReceived(chunk);
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await new Promise<void>((ready, fail) => {
      child.stderr!.setEncoding('utf8').on('data', (text: string) => {
        stderr = (stderr + text).slice(-4000);
        if (stderr.includes('ready\n')) ready();
      });
      void exited.then((code) => fail(new EnvironmentError(`the replay receiver on ${path!.description} ended (exit ${code}) before it was ready: ${stderr.trim() || 'no message'}`)));
    });

    const sender = createPcapSession();
    await path.openSender(sender);
    const sending = await sendAll(sender, rewriter, options, first.frames, loops);
    options.onProgress?.(sending.sent, first.frames * loops);

    // The receiver's stream grows until every frame is in; stop it once it has been still for a while.
    let lastBytes = -1;
    let stillSince = performance.now();
    while (performance.now() - stillSince < SETTLE_MS) {
      await new Promise((r) => setTimeout(r, 50));
      if (receivedBytes !== lastBytes) {
        lastBytes = receivedBytes;
        stillSince = performance.now();
      }
    }
    child.stdin!.end('stop\n');
    const code = await exited;
    if (code !== 0) throw new EnvironmentError(`the replay receiver on ${path.description} failed (exit ${code}): ${stderr.replace('ready\n', '').trim() || 'no message'}`);

    const sorted = sending.errorsUs.slice(0, sending.sent).sort();
    return {
      sent: sending.sent,
      sendMs: sending.sendMs,
      achievedPps: sending.sendMs > 0 ? (sending.sent * 1000) / sending.sendMs : 0,
      timingErrorUs: { median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] ?? 0 },
      addresses: rewriter.addresses,
      ranges: cidr(ranges),
      path: path.description,
      mtu,
    };
  } finally {
    await path?.close();
  }
}

/** Sends every frame of every loop on its schedule; the send error of each frame in µs. */
async function sendAll(
  sender: PcapSession,
  rewriter: WireRewriter,
  options: WireReplayOptions,
  framesPerLoop: number,
  loops: number,
): Promise<{ sent: number; sendMs: number; errorsUs: Float64Array }> {
  const total = framesPerLoop * loops;
  const errorsUs = new Float64Array(total);
  let sent = 0;
  let lastProgress = 0;
  let startMs: number | undefined;
  let nextLoopMs: number | undefined;
  try {
    for (let loop = 0; loop < loops; loop++) {
      let firstTs: bigint | undefined;
      // A loop's clock starts when its first frame is in hand (reading the file's first chunk takes time).
      let loopStartMs: number | undefined;
      let lastDueMs = 0;
      let inLoop = 0;
      outer: for await (const batch of readCapture(options.capture).batches()) {
        for (const f of batch) {
          if (inLoop >= framesPerLoop) break outer;
          loopStartMs ??= Math.max(performance.now(), nextLoopMs ?? 0);
          startMs ??= loopStartMs;
          const due = dueMs(options.timing, f, (firstTs ??= f.timestampNs), inLoop, loopStartMs);
          lastDueMs = due;
          let now = performance.now();
          if (due - now > 2) await new Promise((r) => setTimeout(r, due - now - 1));
          while ((now = performance.now()) < due) {
            // Spin the last millisecond: timers are only ms-accurate.
          }
          const data = rewriter.rewrite(f);
          try {
            sender.send(data, data.length);
          } catch (e) {
            throw new EnvironmentError(`sending frame ${f.index} (${data.length} bytes) failed: ${e instanceof Error ? e.message : String(e)}`);
          }
          errorsUs[sent] = options.timing.mode === 'topspeed' ? 0 : (now - due) * 1000;
          sent++;
          inLoop++;
          if (options.onProgress !== undefined && now - lastProgress >= 100) {
            lastProgress = now;
            options.onProgress(sent, total);
          }
          // Let the event loop breathe at top speed (the receiver's output arrives through it).
          if (options.timing.mode === 'topspeed' && sent % 256 === 0) await new Promise((r) => setImmediate(r));
        }
      }
      nextLoopMs = lastDueMs;
    }
  } finally {
    sender.close();
  }
  return { sent, sendMs: performance.now() - (startMs ?? performance.now()), errorsUs };
}

/** When frame `f` (the `index`-th of its loop) is due, in performance.now() ms. */
function dueMs(timing: ReplayTiming, f: Frame, firstTs: bigint, index: number, loopStartMs: number): number {
  switch (timing.mode) {
    case 'recorded':
      return loopStartMs + Number(f.timestampNs - firstTs) / 1e6 / timing.speed;
    case 'pps':
      return loopStartMs + (index * 1000) / timing.pps;
    case 'topspeed':
      return 0;
  }
}
