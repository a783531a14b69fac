/**
 * impairment.ts: the Impairment contract shared by the proxy, the simulator and every factory.
 * Pure types and tiny helpers; must not import node I/O modules, cap or the proxy.
 */

/** Which way a frame travels: uplink is client→server, downlink server→client. */
export type Direction = 'uplink' | 'downlink';

import type { SegmentIdentity } from './segment-identity.js';

/**
 * What an impairment did to one frame. `capture-drop` forwards the frame but hides it from the capture.
 * `release` is the proxy's own line for each copy it sent on (with the time the frame was held), and
 * `pass` the line of a frame that no impairment touched, in logs written before releases were recorded.
 */
export type ImpairAction = 'pass' | 'release' | 'drop' | 'delay' | 'duplicate' | 'reorder' | 'capture-drop';

/** One recorded decision: the ground truth written to `impairments.jsonl` and used for replay. */
export interface ImpairDecision {
  /** The nth frame that entered this direction's chain, 1-based (ARP/NDP bypass the chain and are not counted). */
  readonly frame: number;
  readonly direction: Direction;
  readonly action: ImpairAction;
  /** Label of the impairment that decided, e.g. "drop-nth 20 data". */
  readonly impairment: string;
  /** For `delay`: how long this impairment held the frame, in ms. */
  readonly delayMs?: number;
  /** For `reorder`: the frame (same direction) after which the held frame was released. */
  readonly afterFrame?: number;
  /** For `release`: ms from the frame's arrival at the proxy to this copy's send (all delays, queues and holds). */
  readonly queueMs?: number;
  /** The TCP segment the decision is about (what replay matches on); absent for non-TCP frames. */
  readonly segment?: SegmentIdentity;
  /** In a run's impairments.jsonl: the frame of capture.pcapng this segment is (its first copy there), when the capture holds it. */
  readonly captureFrame?: number;
}

/** A frame in flight through an impairment chain. */
export interface Datagram {
  /** The whole Ethernet frame. Owned by the datagram: never a view of a reused capture buffer. */
  readonly data: Buffer;
  readonly direction: Direction;
  /** The nth frame that entered this direction's chain, 1-based (see ImpairDecision.frame). */
  readonly frame: number;
  /** True once a `capture-drop` decided the frame must not appear in the capture. */
  readonly captureDrop?: boolean;
  /** The frame's TCP segment identity, set by the driver when it knows it (replay matches on it). */
  readonly segment?: SegmentIdentity;
}

/** Randomness, time and the decision sink an impairment runs with; one per direction and run. */
export interface ImpairContext {
  /** Seed the `rng` was made from; wrappers derive independent streams from it. */
  readonly seed: number;
  /** Uniform in [0, 1), deterministic for a given seed. */
  readonly rng: () => number;
  /** Current time in ms on the driver's clock (the same clock as `nowMs`). */
  readonly clock: () => number;
  /** Records one decision (the driver publishes it and keeps it for the artefacts). */
  report(decision: ImpairDecision): void;
}

/**
 * A packet-level impairment. The proxy and the simulator both drive it with the same loop:
 * `offer` each arriving frame, then `take` whatever is due, and arm a timer for `nextDueMs`.
 * Contract (see README.md): every offered frame comes out of `take` or is reported as dropped;
 * `flush` hands back everything still held. `start(ctx)` makes a fresh, independent copy bound to
 * a run's context, so a scenario's module-level impairments never carry state between runs.
 */
export interface Impairment {
  /** "delay 50ms", shown in logs, decisions and timelines. */
  readonly label: string;
  /** Takes ownership of `d`. */
  offer(d: Datagram, nowMs: number): void;
  /** Everything due at `nowMs`, in release order. */
  take(nowMs: number): Datagram[];
  /** When the next held frame becomes due; `undefined` means idle (nothing held). */
  nextDueMs(nowMs: number): number | undefined;
  /** Everything still held, in release order, regardless of time (used on close). */
  flush(): Datagram[];
  /** A fresh copy with no state, drawing randomness from `ctx` and reporting decisions to it. */
  start(ctx: ImpairContext): Impairment;
}

/** Seeded PRNG (mulberry32): tiny, fast and good enough to pick which frames to impair. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes a seed and a salt into a new 32-bit seed (so each stage of a chain gets its own stream). */
export function deriveSeed(seed: number, salt: number): number {
  let h = (seed ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A context of its own for stage `salt` of a wrapper: same clock and sink, independent randomness. */
export function forkContext(ctx: ImpairContext, salt: number): ImpairContext {
  const seed = deriveSeed(ctx.seed, salt);
  return { seed, rng: createRng(seed), clock: ctx.clock, report: (d) => ctx.report(d) };
}

/**
 * The context factories bind before a driver starts them: seed 1, a clock that stays at 0 and a
 * sink that forgets. It lets an impairment be driven directly in a test; drivers always `start` one.
 */
export function createDetachedContext(seed = 1): ImpairContext {
  return { seed, rng: createRng(seed), clock: () => 0, report: () => undefined };
}
