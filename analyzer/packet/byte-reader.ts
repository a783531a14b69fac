/**
 * byte-reader.ts: unsigned big- and little-endian integer reads at an offset, without bounds checks.
 * Pure; callers check bounds first (a read past the end yields garbage through `!`, never a throw).
 */

/** 16-bit big-endian (network order) value at `o`. */
export function u16be(d: Uint8Array, o: number): number {
  return (d[o]! << 8) | d[o + 1]!;
}

/** 24-bit big-endian value at `o` (TLS handshake lengths). */
export function u24be(d: Uint8Array, o: number): number {
  return (d[o]! << 16) | (d[o + 1]! << 8) | d[o + 2]!;
}

/** 32-bit big-endian (network order) value at `o`. */
export function u32be(d: Uint8Array, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}

/** 16-bit little-endian value at `o`. */
export function u16le(d: Uint8Array, o: number): number {
  return d[o]! | (d[o + 1]! << 8);
}

/** 32-bit little-endian value at `o`. */
export function u32le(d: Uint8Array, o: number): number {
  return (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)) >>> 0;
}
