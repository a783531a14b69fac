/**
 * seq.ts: TCP sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4).
 * Every comparison of sequence or ACK numbers in wirelab goes through these.
 */

/** Signed distance b→a in sequence space: int32(a − b). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}
/** a < b in sequence space. */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
/** a ≤ b in sequence space. */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}
/** a > b in sequence space. */
export function seqGt(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}
/** a ≥ b in sequence space. */
export function seqGe(a: number, b: number): boolean {
  return ((b - a) | 0) <= 0;
}
/** (a + b) mod 2^32 as an unsigned number. */
export function seqAdd(a: number, b: number): number {
  return (a + b) >>> 0;
}
