/**
 * capture-drop.ts: forwards a frame but hides it from the capture ("previous segment not
 * captured" without any real loss). Pure; must not import node I/O modules.
 */
import type { Impairment } from './impairment.js';
import { createImmediateImpairment } from './immediate.js';
import type { Match } from './match.js';
import { checkInteger } from './validate.js';

/** Options of `captureDrop`. */
export interface CaptureDropOptions {
  /** Only the nth matching frame (1-based); default: every matching frame. */
  readonly nth?: number;
}

/**
 * Marks matching frames `captureDrop`: the proxy still delivers them but leaves them out of every
 * capture point.
 * @example captureDrop(isDataSegment, { nth: 44 })  // "capture-drop nth 44 data"
 */
export function captureDrop(match: Match, options: CaptureDropOptions = {}): Impairment {
  const { nth } = options;
  if (nth !== undefined) checkInteger('capture-drop', 'nth', nth, 1);
  const label = nth === undefined ? `capture-drop ${match.label}` : `capture-drop nth ${nth} ${match.label}`;
  return createImmediateImpairment(label, (ctx, name) => {
    const test = match.start();
    let seen = 0;
    return (d) => {
      if (!test(d)) return [d];
      seen++;
      if (nth !== undefined && seen !== nth) return [d];
      ctx.report({ frame: d.frame, direction: d.direction, action: 'capture-drop', impairment: name });
      return [{ ...d, captureDrop: true }];
    };
  });
}
