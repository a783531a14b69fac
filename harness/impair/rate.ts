/**
 * rate.ts: a bandwidth limit with a bounded drop-tail queue (a bottleneck link).
 * Pure; must not import node I/O modules.
 */
import { createDetachedContext, type ImpairContext, type Impairment } from './impairment.js';
import { TimedQueue } from './timed-queue.js';
import { checkInteger, checkRange } from './validate.js';

/** Options of `rate`. */
export interface RateOptions {
  /** Link rate in kbit/s (1000 bit/s units). */
  readonly kbps: number;
  /** Frames that may wait, the one being sent included; a frame arriving to a full queue is dropped. */
  readonly queuePackets?: number;
}

/**
 * Serialises frames at `kbps` (frame bytes × 8 / kbps ms each) behind a queue of `queuePackets`.
 * @example rate({ kbps: 10_000, queuePackets: 50 })  // "rate 10mbit queue 50"
 */
export function rate(options: RateOptions): Impairment {
  const queuePackets = options.queuePackets ?? 100;
  checkRange('rate', 'kbps', options.kbps, 1, 100_000_000);
  checkInteger('rate', 'queue', queuePackets, 1);
  const label = `rate ${formatKbps(options.kbps)} queue ${queuePackets}`;
  return createRate(label, options.kbps, queuePackets, createDetachedContext());
}

function formatKbps(kbps: number): string {
  if (kbps >= 1_000_000 && kbps % 1_000_000 === 0) return `${kbps / 1_000_000}gbit`;
  if (kbps >= 1000 && kbps % 1000 === 0) return `${kbps / 1000}mbit`;
  return `${kbps}kbit`;
}

function createRate(label: string, kbps: number, queuePackets: number, ctx: ImpairContext): Impairment {
  const queue = new TimedQueue();
  // Departure times of frames still queued or on the wire, oldest first.
  const departures: number[] = [];
  return {
    label,
    offer(d, nowMs) {
      while (departures.length > 0 && departures[0]! <= nowMs) departures.shift();
      if (departures.length >= queuePackets) {
        ctx.report({ frame: d.frame, direction: d.direction, action: 'drop', impairment: label });
        return;
      }
      const startMs = departures.length > 0 ? departures[departures.length - 1]! : nowMs;
      const dueMs = startMs + (d.data.length * 8) / kbps;
      departures.push(dueMs);
      const delayMs = Math.round((dueMs - nowMs) * 1000) / 1000;
      if (delayMs > 0) ctx.report({ frame: d.frame, direction: d.direction, action: 'delay', impairment: label, delayMs });
      queue.push(d, dueMs);
    },
    take: (nowMs) => queue.take(nowMs),
    nextDueMs: () => queue.nextDueMs(),
    flush: () => queue.flush(),
    start: (next) => createRate(label, kbps, queuePackets, next),
  };
}
