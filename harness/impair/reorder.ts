/**
 * reorder.ts: holds matching frames and releases them after later ones ("out-of-order").
 * Pure; must not import node I/O modules.
 */
import { createDetachedContext, type Datagram, type ImpairContext, type Impairment } from './impairment.js';
import { anyFrame, type Match } from './match.js';
import { checkInteger, checkNonNegative } from './validate.js';

/** Options of `reorder`. */
export interface ReorderOptions {
  /** How many consecutive matching frames to hold (default 1). */
  readonly hold?: number;
  /** Release the held frames right after this many later matching frames have passed (default 1). */
  readonly after?: number;
  /** Which frames are held and counted (default: all). */
  readonly match?: Match;
  /**
   * Which later frames count toward `after` (default: `match`). With a narrow `match` such as
   * `coversOffset(n)`, `past: isDataSegment` releases the held segment after the next data segments.
   */
  readonly past?: Match;
  /** Hold starting at the nth matching frame, 1-based (default 1). */
  readonly nth?: number;
  /** Release anyway after this long, so a held last frame cannot stall the run (default 1000 ms). */
  readonly maxHoldMs?: number;
}

/**
 * Holds `hold` matching frames (from the `nth`) and sends them right after the next `after`
 * matching frames, once per run.
 * @example reorder({ hold: 1, after: 2, match: isDataSegment })  // "reorder 1 after 2 data"
 */
export function reorder(options: ReorderOptions = {}): Impairment {
  const hold = options.hold ?? 1;
  const after = options.after ?? 1;
  const nth = options.nth ?? 1;
  const maxHoldMs = options.maxHoldMs ?? 1000;
  checkInteger('reorder', 'hold', hold, 1);
  checkInteger('reorder', 'after', after, 1);
  checkInteger('reorder', 'nth', nth, 1);
  checkNonNegative('reorder', 'maxHoldMs', maxHoldMs);
  const match = options.match ?? anyFrame;
  let label = `reorder ${hold} after ${after}`;
  if (nth !== 1) label += ` nth ${nth}`;
  if (match !== anyFrame) label += ` ${match.label}`;
  const past = options.past ?? match;
  if (past !== match) label += ` past ${past.label}`;
  return createReorder(label, { hold, after, nth, maxHoldMs, match, past }, createDetachedContext());
}

type Settings = Required<Pick<ReorderOptions, 'hold' | 'after' | 'nth' | 'maxHoldMs' | 'match' | 'past'>>;

function createReorder(label: string, s: Settings, ctx: ImpairContext): Impairment {
  const test = s.match.start();
  const counts = s.past === s.match ? test : s.past.start();
  let ready: Datagram[] = [];
  const held: Datagram[] = [];
  let heldSinceMs = 0;
  let seen = 0;
  let passed = 0;
  let lastPassedFrame: number | undefined;
  let done = false;

  function release(afterFrame: number | undefined): void {
    for (const d of held) {
      ctx.report({
        frame: d.frame,
        direction: d.direction,
        action: 'reorder',
        impairment: label,
        ...(afterFrame === undefined ? {} : { afterFrame }),
      });
      ready.push(d);
    }
    held.length = 0;
    done = true;
  }
  function expire(nowMs: number): void {
    if (held.length > 0 && nowMs - heldSinceMs >= s.maxHoldMs) release(lastPassedFrame);
  }

  return {
    label,
    offer(d, nowMs) {
      expire(nowMs);
      if (done) {
        ready.push(d);
        return;
      }
      // Both tests see every frame: stateful matchers (offset, conn) must see each SYN.
      const matched = test(d);
      const counted = counts === test ? matched : counts(d);
      if (matched && ++seen >= s.nth && held.length < s.hold && passed === 0) {
        if (held.length === 0) heldSinceMs = nowMs;
        held.push(d);
        return;
      }
      ready.push(d);
      if (held.length === 0 || !counted) return;
      lastPassedFrame = d.frame;
      if (++passed === s.after) release(d.frame);
    },
    take(nowMs) {
      expire(nowMs);
      const out = ready;
      ready = [];
      return out;
    },
    nextDueMs(nowMs) {
      if (ready.length > 0) return nowMs;
      return held.length > 0 ? heldSinceMs + s.maxHoldMs : undefined;
    },
    flush() {
      if (held.length > 0) release(lastPassedFrame);
      const out = ready;
      ready = [];
      return out;
    },
    start: (next) => createReorder(label, s, next),
  };
}
