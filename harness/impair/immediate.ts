/**
 * immediate.ts: the shared shape of impairments that decide on arrival and hold nothing
 * (loss, drop, duplicate, capture-drop). Pure; must not import node I/O modules.
 */
import { createDetachedContext, type Datagram, type ImpairContext, type Impairment } from './impairment.js';

/** Decides what leaves for one arriving frame: `[]` drops it, `[d, copy]` duplicates it. */
export type DecideFn = (d: Datagram, nowMs: number) => Datagram[];

/**
 * Builds an impairment that releases its output at once. `bind(ctx)` returns the per-run
 * decision function, so state (counters, Markov states) lives in the closure of one run.
 */
export function createImmediateImpairment(
  label: string,
  bind: (ctx: ImpairContext, label: string) => DecideFn,
  ctx: ImpairContext = createDetachedContext(),
): Impairment {
  const decide = bind(ctx, label);
  let ready: Datagram[] = [];
  return {
    label,
    offer(d, nowMs) {
      for (const out of decide(d, nowMs)) ready.push(out);
    },
    take() {
      const out = ready;
      ready = [];
      return out;
    },
    nextDueMs(nowMs) {
      return ready.length > 0 ? nowMs : undefined;
    },
    flush() {
      const out = ready;
      ready = [];
      return out;
    },
    start(next) {
      return createImmediateImpairment(label, bind, next);
    },
  };
}
