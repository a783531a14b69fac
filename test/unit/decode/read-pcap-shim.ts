/**
 * read-pcap-shim.ts: a test-local reader for the classic little-endian pcap files this folder's tests use.
 * Test helper only (helper A's capture readers are the real ones); imports node:fs and packet/.
 */
import { readFileSync } from 'node:fs';
import type { Frame } from '../../../analyzer/packet/frame.js';

/** Reads every frame of a classic pcap (µs or ns, little-endian) file. */
export function readPcapFrames(path: string): Frame[] {
  const b = readFileSync(path);
  const magic = b.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error(`${path}: not a little-endian pcap (magic 0x${magic.toString(16)})`);
  const nsPerTick = magic === 0xa1b2c3d4 ? 1000n : 1n;
  const linkType = b.readUInt32LE(20) & 0x0fffffff;
  const frames: Frame[] = [];
  for (let off = 24; off + 16 <= b.length; ) {
    const capLen = b.readUInt32LE(off + 8);
    frames.push({
      index: frames.length + 1,
      timestampNs: BigInt(b.readUInt32LE(off)) * 1_000_000_000n + BigInt(b.readUInt32LE(off + 4)) * nsPerTick,
      linkType,
      originalLength: b.readUInt32LE(off + 12),
      data: Buffer.from(b.subarray(off + 16, off + 16 + capLen)),
      interfaceId: 0,
    });
    off += 16 + capLen;
  }
  return frames;
}
