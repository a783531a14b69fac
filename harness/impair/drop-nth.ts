/**
 * drop-nth.ts: targeted drops: the nth matching frame, or the first `count` matching frames.
 * Pure; must not import node I/O modules.
 */
import type { Impairment } from './impairment.js';
import { createImmediateImpairment } from './immediate.js';
import { anyFrame, type Match } from './match.js';
import { checkInteger } from './validate.js';

/**
 * Drops the `n`th frame (1-based) that `match` accepts, once. Retransmissions match again and
 * count as later frames, so the resend gets through.
 * @example dropNth(20, isDataSegment)  // "drop-nth 20 data"
 */
export function dropNth(n: number, match: Match = anyFrame): Impairment {
  checkInteger('drop-nth', 'n', n, 1);
  return createImmediateImpairment(`drop-nth ${n} ${match.label}`, (ctx, label) => {
    const test = match.start();
    let seen = 0;
    return (d) => {
      if (!test(d) || ++seen !== n) return [d];
      ctx.report({ frame: d.frame, direction: d.direction, action: 'drop', impairment: label });
      return [];
    };
  });
}

/** Options of `dropWhere`. */
export interface DropWhereOptions {
  /** How many matching frames to drop at most (default: all of them). */
  readonly count?: number;
}

/**
 * Drops the matching frames, the first `count` of them when given.
 * @example dropWhere(isFin, { count: 1 })  // "drop-where fin count 1": the first FIN
 */
export function dropWhere(match: Match, options: DropWhereOptions = {}): Impairment {
  const count = options.count ?? Number.POSITIVE_INFINITY;
  if (options.count !== undefined) checkInteger('drop-where', 'count', options.count, 1);
  const label = `drop-where ${match.label}${options.count === undefined ? '' : ` count ${options.count}`}`;
  return createImmediateImpairment(label, (ctx, name) => {
    const test = match.start();
    let dropped = 0;
    return (d) => {
      if (dropped >= count || !test(d)) return [d];
      dropped++;
      ctx.report({ frame: d.frame, direction: d.direction, action: 'drop', impairment: name });
      return [];
    };
  });
}
