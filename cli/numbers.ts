/**
 * numbers.ts: command-line numbers, checked once for every command that takes them.
 */
import { ConfigError } from '../analyzer/errors.js';

/**
 * `text` as a number above 0 (a whole one when `integer`).
 * @throws ConfigError "-c takes a whole number above 0 (got "x")"
 */
export function parsePositive(text: string, flag: string, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new ConfigError(`${flag} takes a ${integer ? 'whole ' : ''}number above 0 (got "${text}")`);
  return n;
}
