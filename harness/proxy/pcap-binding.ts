/**
 * pcap-binding.ts: the ONE place that loads the `cap` libpcap binding, lazily, when a proxy starts.
 * Harness only; nothing in analyzer/ may import this file.
 */
import { createRequire } from 'node:module';
import { EnvironmentError } from '../../analyzer/errors.js';
import { ipBatch } from '../netns.js';

/** The part of a `cap` Cap session the proxy uses. */
export interface PcapSession {
  /** Opens `device` with a BPF `filter`; libpcap copies each packet into `buffer` (one reused Buffer). */
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
  send(buffer: Buffer, nBytes?: number): void;
  on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
  removeAllListeners(event?: string): this;
}

/** The `cap` module's constructor. */
export interface PcapBinding {
  readonly Cap: new () => PcapSession;
}

let binding: PcapBinding | undefined;

/**
 * Loads `cap` on first call and caches it. Throws an EnvironmentError when the native module or
 * libpcap is missing.
 */
export function loadPcapBinding(): PcapBinding {
  if (binding !== undefined) return binding;
  // cap is CommonJS with a native addon: require() it so a missing build fails here, not at import.
  const require = createRequire(import.meta.url);
  try {
    binding = require('cap') as PcapBinding;
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new EnvironmentError(
      `cap (libpcap binding) failed to load (${reason}): install libpcap-dev and run npm ci`,
      { cause: e },
    );
  }
  return binding;
}

// cap 0.2's close() stops its uv_poll handle but never uv_close()s it, so when the garbage collector
// later frees a closed session, libuv still links the freed handle and the heap is corrupted (seen as
// "free(): invalid next size" after about 60 runs in one process). Every session is therefore kept
// reachable for the life of the process; each costs a few hundred bytes.
const retainedSessions: PcapSession[] = [];

/** Creates a capture session that is never garbage-collected (see above). */
export function createPcapSession(): PcapSession {
  const session = new (loadPcapBinding().Cap)();
  retainedSessions.push(session);
  return session;
}

/**
 * Runs `open` (pcap opens) while each root-side link carries a momentary /32 address. cap calls
 * pcap_lookupnet, which prints "no IPv4 address assigned - This may not actually work" for an
 * unaddressed link; the addresses (unused ones of the run's own network, no route, ARP off) are
 * flushed again right after, whether `open` threw or not.
 */
export async function withMomentaryAddresses(links: readonly { link: string; address: string }[], open: () => void): Promise<void> {
  await ipBatch(links.map((l) => `addr add ${l.address}/32 dev ${l.link} noprefixroute`));
  try {
    open();
  } finally {
    await ipBatch(links.map((l) => `addr flush dev ${l.link}`));
  }
}
