/**
 * frame-shim.ts: test helper that wraps bytes in a Frame record.
 * Test-only; imports packet/ types.
 */
import type { Frame } from '../../../analyzer/packet/frame.js';

/** A Frame holding `data` as captured in full. */
export function frameOf(data: Buffer, linkType: number, index = 1): Frame {
  return { index, timestampNs: BigInt(index) * 1_000_000n, linkType, originalLength: data.length, data, interfaceId: 0 };
}
