/**
 * gilbert-elliott.ts: two-state Markov burst loss (Gilbert-Elliott model).
 * Pure; must not import node I/O modules.
 */
import type { Impairment } from './impairment.js';
import { createImmediateImpairment } from './immediate.js';
import { formatPercent } from './loss.js';
import { checkRange } from './validate.js';

/** Options of `gilbertElliott`. */
export interface GilbertElliottOptions {
  /** Probability of moving from the good to the bad state after a frame. */
  readonly p: number;
  /** Probability of moving from the bad back to the good state after a frame. */
  readonly r: number;
  /** Loss probability in the good state (default 0). */
  readonly lossGood?: number;
  /** Loss probability in the bad state (default 1). */
  readonly lossBad?: number;
}

/**
 * Burst loss: each frame is lost with the current state's probability, then the state moves
 * (good→bad with `p`, bad→good with `r`). The run starts in the good state.
 * @example gilbertElliott({ p: 0.01, r: 0.3 })  // "ge p=0.01 r=0.3"
 */
export function gilbertElliott(options: GilbertElliottOptions): Impairment {
  const lossGood = options.lossGood ?? 0;
  const lossBad = options.lossBad ?? 1;
  checkRange('ge', 'p', options.p, 0, 1);
  checkRange('ge', 'r', options.r, 0, 1);
  checkRange('ge', 'good', lossGood, 0, 1);
  checkRange('ge', 'bad', lossBad, 0, 1);
  const { p, r } = options;
  let label = `ge p=${p} r=${r}`;
  if (lossGood !== 0) label += ` good=${formatPercent(lossGood)}`;
  if (lossBad !== 1) label += ` bad=${formatPercent(lossBad)}`;
  return createImmediateImpairment(label, (ctx, name) => {
    let bad = false;
    return (d) => {
      const lost = ctx.rng() < (bad ? lossBad : lossGood);
      bad = bad ? ctx.rng() >= r : ctx.rng() < p;
      if (lost) {
        ctx.report({ frame: d.frame, direction: d.direction, action: 'drop', impairment: name });
        return [];
      }
      return [d];
    };
  });
}
