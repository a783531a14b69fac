/**
 * replay-onto-wire.ts: tcpreplay's job inside wirelab's own topology. A capture's frames, rewritten into
 * the run's address ranges (rewrite.ts), are sent out of the root-side end of a veth whose other end
 * lives in a namespace of this run; a receiver agent there captures them and streams them back as
 * pcapng, for the caller to store and analyse as they arrive. Timing as recorded (scaled by `speed`),
 * at a fixed rate, or as fast as possible; the send time of every frame against its schedule is kept.
 */
import { performance } from 'node:perf_hooks';
import { readCapture } from '../../analyzer/capture/open-capture.js';
import { ConfigError, EnvironmentError } from '../../analyzer/errors.js';
import type { Frame } from '../../analyzer/packet/frame.js';
import { agentCommand } from '../agents/agent-process.js';
import type { ReplayReceiverConfig } from '../agents/replay-receiver.js';
import { ipBatch } from '../netns.js';
import { createPcapSession, withMomentaryAddresses } from '../proxy/pcap-binding.js';
import { createTopology, type Topology } from '../topology.js';
import { createWireRewriter, REPLAY_SOURCE_MAC, type AddressMap, type WireRewriter } from './rewrite.js';

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
  readonly mtu: number;
}

// The k-th address of the capture becomes 198.19.x.y / fd00:776c:ffff::k (inside the receiving
// namespace only, so concurrent replays do not collide).
const IPV4_PREFIX: readonly [number, number] = [198, 19];
// Frames above this are GSO super-segments of a capture taken with offloads on: no veth MTU carries them.
const MAX_MTU = 9000;
const SETTLE_MS = 2_000;

interface Scan {
  readonly frames: number;
  readonly maxEthernetBytes: number;
  readonly rewriter: WireRewriter;
}

/** First pass: every frame's rewritten size and addresses (errors for link types we cannot send come here, before any namespace). */
async function scan(path: string, limit: number | undefined): Promise<Scan> {
  const rewriter = createWireRewriter({ ipv4Prefix: IPV4_PREFIX, ipv6Prefix: [0xfd00, 0x776c, 0xffff, 0] });
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

/**
 * Replays `capture` onto a veth of a fresh topology and streams what the far side received.
 * Needs root. Everything it creates (namespaces, veths, the receiver) is removed at the end, also on errors.
 * @throws ConfigError for a capture that cannot be replayed (link type, frame size, no frames);
 * EnvironmentError when the receiver fails.
 */
export async function replayOntoWire(options: WireReplayOptions): Promise<WireReplayResult> {
  const loops = options.loop ?? 1;
  const first = await scan(options.capture, options.limit);
  // 4 bytes of room for a VLAN tag; frames are sent with their captured bytes only.
  const mtu = Math.min(MAX_MTU, Math.max(1500, first.maxEthernetBytes - 14));
  if (first.maxEthernetBytes - 18 > MAX_MTU) {
    throw new ConfigError(`${options.capture}: a frame of ${first.maxEthernetBytes} bytes is larger than any veth carries (${MAX_MTU + 18}); the capture was probably taken with offloads on (GSO/GRO super-segments)`);
  }
  let topology: Topology | undefined;
  try {
    topology = await createTopology({ mtu });
    const topo = topology;
    const host = topo.client;
    // The scan's rewriter already holds the mapping (it numbers by first appearance); every mapped
    // address goes onto the receiving interface, so each frame is addressed to a host of this run.
    const rewriter = first.rewriter;
    const mapped = rewriter.addresses;
    const addressLines = [
      ...[...mapped.ipv4.values()].map((a) => `addr add ${a}/32 dev ${host.ifname} noprefixroute`),
      ...[...mapped.ipv6.values()].map((a) => `addr add ${a}/128 dev ${host.ifname} nodad noprefixroute`),
    ];
    if (addressLines.length > 0) await ipBatch(addressLines, host.netns);

    const receiverConfig: ReplayReceiverConfig = { device: host.ifname, filter: `ether src ${REPLAY_SOURCE_MAC}` };
    const receiver = agentCommand('replay-receiver', receiverConfig);
    const child = topo.spawn(host, receiver.command, receiver.args, { cwd: receiver.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
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
      void exited.then((code) => fail(new EnvironmentError(`the replay receiver in ${host.netns} ended (exit ${code}) before it was ready: ${stderr.trim() || 'no message'}`)));
    });

    const sender = createPcapSession();
    const [net] = topo.ipv4Subnet.split('/') as [string];
    // Only sending: the filter admits nothing the receiving side could send back.
    await withMomentaryAddresses([{ link: topo.clientLink, address: net }], () => sender.open(topo.clientLink, 'ether src 02:77:6c:ff:ff:ff', 1 << 20, Buffer.alloc(65_536)));

    const total = first.frames * loops;
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
            if (inLoop >= first.frames) break outer;
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
    const sendMs = performance.now() - (startMs ?? performance.now());
    options.onProgress?.(sent, total);

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
    if (code !== 0) throw new EnvironmentError(`the replay receiver in ${host.netns} failed (exit ${code}): ${stderr.replace('ready\n', '').trim() || 'no message'}`);

    const sorted = errorsUs.slice(0, sent).sort();
    return {
      sent,
      sendMs,
      achievedPps: sendMs > 0 ? (sent * 1000) / sendMs : 0,
      timingErrorUs: { median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] ?? 0 },
      addresses: mapped,
      mtu,
    };
  } finally {
    await topology?.close();
  }
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
