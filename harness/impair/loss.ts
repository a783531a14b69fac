/**
 * loss.ts: independent random loss with a seeded generator (mahimahi's LossQueue).
 * Pure; must not import node I/O modules.
 */
import type { Impairment } from './impairment.js';
import { createImmediateImpairment } from './immediate.js';
import { checkRange } from './validate.js';

/** Options of `loss`. */
export interface LossOptions {
  /** Probability in [0, 1] that a frame is dropped. */
  readonly rate: number;
}

/**
 * Drops each frame independently with probability `rate`, drawn from the run's seeded rng.
 * @example loss({ rate: 0.01 })  // "loss 1%"
 */
export function loss(options: LossOptions): Impairment {
  checkRange('loss', 'rate', options.rate, 0, 1);
  const { rate } = options;
  return createImmediateImpairment(`loss ${formatPercent(rate)}`, (ctx, label) => (d) => {
    if (ctx.rng() < rate) {
      ctx.report({ frame: d.frame, direction: d.direction, action: 'drop', impairment: label });
      return [];
    }
    return [d];
  });
}

/** 0.01 → "1%"; used in labels so they read like the CLI syntax. */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}
