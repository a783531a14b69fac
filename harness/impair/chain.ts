/**
 * chain.ts: runs impairments in series, like `delay 50ms | drop-nth 20 data` on the CLI.
 * Pure; must not import node I/O modules.
 */
import {
  createDetachedContext,
  forkContext,
  type Datagram,
  type ImpairContext,
  type Impairment,
} from './impairment.js';

/**
 * A frame goes through `stages[0]`, then what it releases through `stages[1]`, and so on.
 * Each stage gets its own random stream derived from the run's seed and its position.
 * @example chain(delay({ ms: 50 }), dropNth(20, isDataSegment))
 */
export function chain(...stages: readonly Impairment[]): Impairment {
  const label = stages.length === 0 ? 'pass' : stages.map((s) => s.label).join(' | ');
  return createChain(label, stages, createDetachedContext());
}

function createChain(label: string, recipes: readonly Impairment[], ctx: ImpairContext): Impairment {
  const stages = recipes.map((s, i) => s.start(forkContext(ctx, i)));
  // Moves everything due from each stage into the next, so one call settles the whole chain.
  function settle(nowMs: number, flushing: boolean): Datagram[] {
    let moving: Datagram[] = [];
    for (const stage of stages) {
      for (const d of moving) stage.offer(d, nowMs);
      moving = flushing ? stage.flush() : stage.take(nowMs);
    }
    return moving;
  }
  let pending: Datagram[] = [];
  return {
    label,
    offer(d, nowMs) {
      if (stages.length === 0) pending.push(d);
      else stages[0]!.offer(d, nowMs);
    },
    take(nowMs) {
      const out = pending;
      pending = [];
      for (const d of settle(nowMs, false)) out.push(d);
      return out;
    },
    nextDueMs(nowMs) {
      if (pending.length > 0) return nowMs;
      let next: number | undefined;
      for (const stage of stages) {
        const due = stage.nextDueMs(nowMs);
        if (due !== undefined && (next === undefined || due < next)) next = due;
      }
      return next;
    },
    flush() {
      const out = pending;
      pending = [];
      for (const d of settle(Number.POSITIVE_INFINITY, true)) out.push(d);
      return out;
    },
    start: (next) => createChain(label, recipes, next),
  };
}
