/**
 * validate.ts: boundary checks shared by the impairment factories, with the project's messages.
 * Pure; must not import node I/O modules.
 */
import { ConfigError } from '../../analyzer/errors.js';

/** Throws `impairment "NAME": FIELD must be between LO and HI (got X)` unless lo ≤ value ≤ hi. */
export function checkRange(name: string, field: string, value: number, lo: number, hi: number): void {
  if (!Number.isFinite(value) || value < lo || value > hi) {
    throw new ConfigError(`impairment "${name}": ${field} must be between ${lo} and ${hi} (got ${value})`);
  }
}

/** Throws unless `value` is an integer ≥ `min`. */
export function checkInteger(name: string, field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`impairment "${name}": ${field} must be an integer ≥ ${min} (got ${value})`);
  }
}

/** Throws unless `value` is a finite number ≥ 0. */
export function checkNonNegative(name: string, field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigError(`impairment "${name}": ${field} must be a number ≥ 0 (got ${value})`);
  }
}
