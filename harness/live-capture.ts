/**
 * live-capture.ts: a live capture on one device with a BPF filter, through `cap` (libpcap), as Frames.
 * `cap` fills one reused buffer per packet, so each frame's bytes are copied out before they are handed on.
 * Timestamps come from a monotonic clock anchored to the wall clock at start (`cap` gives none).
 * Must not import analyzer/ beyond errors and frame types.
 */
import { EnvironmentError } from '../analyzer/errors.js';
import type { Frame } from '../analyzer/packet/frame.js';
import { countKernelDrops, packetSocketFds } from './kernel-drops.js';
import { createPcapSession, type PcapSession } from './proxy/pcap-binding.js';

/** libpcap's DLT names as `cap` returns them, to LINKTYPE_* numbers. */
const LINK_TYPES: Readonly<Record<string, number>> = { NULL: 0, ETHERNET: 1, RAW: 101, IEEE802_11: 105, LINUX_SLL: 113, IEEE802_11_RADIO: 127, LINUX_SLL2: 276 };

/** Options of {@link startLiveCapture}. */
export interface LiveCaptureOptions {
  /** Device name, e.g. 'lo', 'eth0', 'any'. */
  readonly device: string;
  /** BPF filter (pcap-filter(7)); '' captures everything. */
  readonly filter: string;
  /** Largest frame kept whole; longer ones are cut (their originalLength stays). Default 262144. */
  readonly snapLen?: number;
  /** Receives each frame, in capture order, with its own copy of the bytes. */
  readonly onFrame: (frame: Frame) => void;
  /** libpcap's ring in the kernel, in bytes (default 8 MiB); packets that find it full are kernel drops. */
  readonly bufferBytes?: number;
}

/** A running capture. */
export interface LiveCapture {
  /** LINKTYPE_* of the device. */
  readonly linkType: number;
  /** Packets the kernel dropped so far because the ring was full; undefined when unknown (see below). */
  kernelDrops(): Promise<number | undefined>;
  /** Why kernel drops cannot be counted here, when they cannot. */
  readonly kernelDropsUnavailable: string | undefined;
  /** Stops capturing; idempotent. */
  stop(): void;
}

const KERNEL_BUFFER_BYTES = 8 << 20;

/**
 * Starts capturing. Needs CAP_NET_RAW (root).
 * @throws EnvironmentError without root, without libpcap, or when the device or filter is refused.
 */
export function startLiveCapture(options: LiveCaptureOptions): LiveCapture {
  if (process.getuid?.() !== 0) throw new EnvironmentError(`live capture on ${options.device} needs root (CAP_NET_RAW): run it with sudo`);
  const snapLen = options.snapLen ?? 262_144;
  const session: PcapSession = createPcapSession();
  const buffer = Buffer.alloc(Math.max(65_535, snapLen));
  let dlt: string;
  const socketsBefore = packetSocketFds();
  try {
    dlt = session.open(options.device, options.filter, options.bufferBytes ?? KERNEL_BUFFER_BYTES, buffer);
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new EnvironmentError(`capture on ${options.device}${options.filter === '' ? '' : ` with filter "${options.filter}"`}: ${reason}`, { cause: e });
  }
  const linkType = LINK_TYPES[dlt] ?? 1;
  const drops = countKernelDrops([...packetSocketFds()].filter((fd) => !socketsBefore.has(fd)));
  const epochOffsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  let index = 0;
  let stopped = false;
  session.on('packet', (nbytes: number) => {
    if (stopped) return;
    const kept = Math.min(nbytes, snapLen);
    options.onFrame({
      index: ++index,
      timestampNs: process.hrtime.bigint() + epochOffsetNs,
      linkType,
      originalLength: nbytes,
      data: Buffer.from(buffer.subarray(0, kept)),
      interfaceId: 0,
    });
  });
  return {
    linkType,
    kernelDrops: () => drops.read(),
    get kernelDropsUnavailable() {
      return drops.unavailable;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      drops.close();
      session.removeAllListeners('packet');
      session.close();
    },
  };
}
