/**
 * duplicate.ts: sends a copy of chosen frames ("redundant packets" on the wire).
 * Pure; must not import node I/O modules.
 */
import { ConfigError } from '../../analyzer/errors.js';
import { createDetachedContext, type Datagram, type ImpairContext, type Impairment } from './impairment.js';
import { formatPercent } from './loss.js';
import { anyFrame, type Match } from './match.js';
import { TimedQueue } from './timed-queue.js';
import { checkInteger, checkNonNegative, checkRange } from './validate.js';

/** Options of `duplicate`: exactly one of `rate` (random, seeded) or `nth` (the nth matching frame). */
export interface DuplicateOptions {
  readonly rate?: number;
  readonly nth?: number;
  /** Which frames are candidates (default: all). */
  readonly match?: Match;
  /** How long after the original the copy leaves, in ms (default 0: right behind it). */
  readonly gapMs?: number;
}

/**
 * Forwards the frame and a byte-identical copy `gapMs` later.
 * @example duplicate({ nth: 10, match: isDataSegment })  // "duplicate nth 10 data"
 */
export function duplicate(options: DuplicateOptions): Impairment {
  if ((options.rate === undefined) === (options.nth === undefined)) {
    throw new ConfigError('impairment "duplicate": give exactly one of rate or nth');
  }
  if (options.rate !== undefined) checkRange('duplicate', 'rate', options.rate, 0, 1);
  if (options.nth !== undefined) checkInteger('duplicate', 'nth', options.nth, 1);
  const gapMs = options.gapMs ?? 0;
  checkNonNegative('duplicate', 'gapMs', gapMs);
  const match = options.match ?? anyFrame;
  let label = options.nth !== undefined ? `duplicate nth ${options.nth}` : `duplicate ${formatPercent(options.rate!)}`;
  if (match !== anyFrame) label += ` ${match.label}`;
  if (gapMs > 0) label += ` gap ${gapMs}ms`;
  return createDuplicate(label, options, match, gapMs, createDetachedContext());
}

function createDuplicate(
  label: string,
  options: DuplicateOptions,
  match: Match,
  gapMs: number,
  ctx: ImpairContext,
): Impairment {
  const test = match.start();
  const queue = new TimedQueue();
  let seen = 0;
  return {
    label,
    offer(d, nowMs) {
      queue.push(d, nowMs);
      if (!test(d)) return;
      seen++;
      const chosen = options.nth !== undefined ? seen === options.nth : ctx.rng() < options.rate!;
      if (!chosen) return;
      ctx.report({ frame: d.frame, direction: d.direction, action: 'duplicate', impairment: label });
      const copy: Datagram = { ...d, data: Buffer.from(d.data) };
      queue.push(copy, nowMs + gapMs);
    },
    take: (nowMs) => queue.take(nowMs),
    nextDueMs: () => queue.nextDueMs(),
    flush: () => queue.flush(),
    start: (next) => createDuplicate(label, options, match, gapMs, next),
  };
}
