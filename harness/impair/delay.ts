/**
 * delay.ts: fixed one-way latency with optional jitter (mahimahi's DelayQueue).
 * Pure; must not import node I/O modules.
 */
import { createDetachedContext, type ImpairContext, type Impairment } from './impairment.js';
import { TimedQueue } from './timed-queue.js';
import { checkNonNegative } from './validate.js';

/** Options of `delay`. */
export interface DelayOptions {
  /** One-way delay in ms. */
  readonly ms: number;
  /** Each frame's delay is drawn uniformly from [ms − jitterMs, ms + jitterMs] (clamped at 0). */
  readonly jitterMs?: number;
  /** Let jitter reorder frames (default false: a frame never overtakes the one before it). */
  readonly allowReorder?: boolean;
}

/**
 * Holds every frame `ms` (± jitter) before releasing it.
 * @example delay({ ms: 50, jitterMs: 5 })  // "delay 50ms jitter 5ms"
 */
export function delay(options: DelayOptions): Impairment {
  const jitterMs = options.jitterMs ?? 0;
  checkNonNegative('delay', 'ms', options.ms);
  checkNonNegative('delay', 'jitterMs', jitterMs);
  let label = `delay ${options.ms}ms`;
  if (jitterMs > 0) label += ` jitter ${jitterMs}ms`;
  if (options.allowReorder === true) label += ' reorder';
  return createDelay(label, options.ms, jitterMs, options.allowReorder === true, createDetachedContext());
}

function createDelay(label: string, ms: number, jitterMs: number, allowReorder: boolean, ctx: ImpairContext): Impairment {
  const queue = new TimedQueue();
  let lastDueMs = Number.NEGATIVE_INFINITY;
  return {
    label,
    offer(d, nowMs) {
      let dueMs = nowMs + Math.max(0, ms + (jitterMs > 0 ? (ctx.rng() * 2 - 1) * jitterMs : 0));
      // Real links keep order; only an explicit request lets jitter swap frames.
      if (!allowReorder && dueMs < lastDueMs) dueMs = lastDueMs;
      lastDueMs = dueMs;
      const delayMs = Math.round((dueMs - nowMs) * 1000) / 1000;
      if (delayMs > 0) ctx.report({ frame: d.frame, direction: d.direction, action: 'delay', impairment: label, delayMs });
      queue.push(d, dueMs);
    },
    take: (nowMs) => queue.take(nowMs),
    nextDueMs: () => queue.nextDueMs(),
    flush: () => queue.flush(),
    start: (next) => createDelay(label, ms, jitterMs, allowReorder, next),
  };
}
