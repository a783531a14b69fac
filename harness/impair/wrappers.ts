/**
 * wrappers.ts: cross-cutting wrappers `only(match, imp)` and `sometimes(p, imp)` (toxiproxy's
 * ToxicWrapper). Pure; must not import node I/O modules.
 */
import {
  createDetachedContext,
  forkContext,
  type Datagram,
  type ImpairContext,
  type Impairment,
} from './impairment.js';
import type { Match } from './match.js';
import { formatPercent } from './loss.js';
import { checkRange } from './validate.js';

/** Routes each frame through `inner` when `choose` says so, else straight through (it may overtake). */
function createSplit(
  label: string,
  inner: Impairment,
  bindChoose: (ctx: ImpairContext) => (d: Datagram) => boolean,
  ctx: ImpairContext,
): Impairment {
  const choose = bindChoose(ctx);
  const running = inner.start(forkContext(ctx, 1));
  let bypass: Datagram[] = [];
  return {
    label,
    offer(d, nowMs) {
      if (choose(d)) running.offer(d, nowMs);
      else bypass.push(d);
    },
    take(nowMs) {
      const out = bypass;
      bypass = [];
      for (const d of running.take(nowMs)) out.push(d);
      return out;
    },
    nextDueMs(nowMs) {
      return bypass.length > 0 ? nowMs : running.nextDueMs(nowMs);
    },
    flush() {
      const out = bypass;
      bypass = [];
      for (const d of running.flush()) out.push(d);
      return out;
    },
    start: (next) => createSplit(label, inner, bindChoose, next),
  };
}

/**
 * Applies `inner` only to frames `match` accepts; the others pass untouched.
 * @example only(isDataSegment, delay({ ms: 100 }))
 */
export function only(match: Match, inner: Impairment): Impairment {
  const bind = () => match.start();
  return createSplit(`only ${match.label}: ${inner.label}`, inner, bind, createDetachedContext());
}

/**
 * Applies `inner` to each frame with probability `p` (seeded); the others pass untouched.
 * @example sometimes(0.1, delay({ ms: 200 }))
 */
export function sometimes(p: number, inner: Impairment): Impairment {
  checkRange('sometimes', 'p', p, 0, 1);
  const bind = (ctx: ImpairContext) => () => ctx.rng() < p;
  return createSplit(`sometimes ${formatPercent(p)}: ${inner.label}`, inner, bind, createDetachedContext());
}
