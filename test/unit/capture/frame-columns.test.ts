/**
 * frame-columns.test.ts: the columnar reader gives the same frames as the push parser (readCaptureFile)
 * on every fixture, on generated pcaps in both byte orders and timestamp units across many buffer
 * refills (fast-check), and the same errors, word for word, after the same frames.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFrameColumns, type FrameColumnsOptions } from '../../../analyzer/capture/frame-columns.js';
import { readCaptureFile } from '../../../analyzer/capture/open-capture.js';
import { encodePcap } from '../../../analyzer/capture/pcap-writer.js';
import { LinkType } from '../../../analyzer/packet/frame.js';
import { captureFilesUnder } from '../../support/fixture-captures.js';


/** One line per frame, from the columns: index, epoch ns, link type, lengths, interface, bytes. */
async function columnFrames(path: string, options?: FrameColumnsOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const b of readFrameColumns(path, options)) {
    expect(b.count).to.be.greaterThan(0);
    for (let i = 0; i < b.count; i++) {
      const data = b.bytes.subarray(b.dataOffset[i], b.dataOffset[i]! + b.capturedLength[i]!);
      out.push(`${b.firstIndex + i} ${b.baseNs + BigInt(b.timeNs[i]!)} ${b.linkType[i]} ${b.originalLength[i]} ${b.interfaceId[i]} ${data.toString('hex')}`);
    }
  }
  return out;
}

async function parserFrames(path: string): Promise<string[]> {
  return (await readCaptureFile(path)).map((f) => `${f.index} ${f.timestampNs} ${f.linkType} ${f.originalLength} ${f.interfaceId} ${f.data.toString('hex')}`);
}

/** Classic pcap in big-endian byte order: the header's and every record header's words swapped. */
function toBigEndian(le: Buffer): Buffer {
  const be = Buffer.from(le);
  be.writeUInt32BE(le.readUInt32LE(0), 0);
  be.writeUInt16BE(le.readUInt16LE(4), 4);
  be.writeUInt16BE(le.readUInt16LE(6), 6);
  for (const at of [8, 12, 16, 20]) be.writeUInt32BE(le.readUInt32LE(at), at);
  for (let off = 24; off < le.length; ) {
    const capLen = le.readUInt32LE(off + 8);
    for (let k = 0; k < 16; k += 4) be.writeUInt32BE(le.readUInt32LE(off + k), off + k);
    off += 16 + capLen;
  }
  return be;
}

describe('readFrameColumns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirelab-frame-columns-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every fixture capture the push parser’s frames (pcap read directly, pcapng and gzip through the parser)', async function () {
    this.timeout(60_000);
    const files = captureFilesUnder();
    expect(files.length).to.be.greaterThan(100);
    for (const file of files) {
      const expected = await parserFrames(file).catch((e: Error) => e.message);
      const got = await columnFrames(file, { maxFrames: 7 }).catch((e: Error) => e.message);
      expect(got, file).to.deep.equal(expected);
    }
  });

  it('gives generated pcaps of both byte orders and units the same frames across many buffer refills and batch ends', async function () {
    this.timeout(60_000);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ size: fc.integer({ min: 0, max: 3000 }), gapNs: fc.integer({ min: 0, max: 2_000_000_000 }), seed: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 600, size: 'max' }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 50 }),
        async (records, nanosecond, bigEndian, maxFrames) => {
          let t = 1_700_000_000_123_456_000n;
          const frames = records.map((r) => {
            t += BigInt(nanosecond ? r.gapNs : r.gapNs - (r.gapNs % 1000));
            return { timestampNs: t, data: Buffer.alloc(r.size, r.seed), originalLength: r.size + (r.seed % 3) };
          });
          const le = encodePcap(frames, { linkType: LinkType.Ethernet, nanosecond });
          const path = join(dir, `gen-${n++}.pcap`);
          writeFileSync(path, bigEndian ? toBigEndian(le) : le);
          // The smallest buffer (one largest record): refills, with records moved to its front, every ~260 KiB.
          expect(await columnFrames(path, { chunkBytes: 1, maxFrames })).to.deep.equal(await parserFrames(path));
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('reports a record cut by the end of the file and an oversized record as the push parser does, after the same frames', async () => {
    const frames = Array.from({ length: 300 }, (_, i) => ({ timestampNs: 1_000_000_000n * BigInt(i + 1), data: Buffer.alloc(1200, i), originalLength: 1200 }));
    const whole = encodePcap(frames, { linkType: LinkType.Ethernet });
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 500));
    const oversized = Buffer.from(whole);
    oversized.writeUInt32LE(0x7fff_ffff, 24 + 150 * (16 + 1200) + 8);
    const big = join(dir, 'oversized.pcap');
    writeFileSync(big, oversized);
    for (const [path, framesBefore] of [[cut, 299], [big, 150]] as const) {
      const seen: number[] = [];
      let message = '';
      try {
        for await (const b of readFrameColumns(path)) for (let i = 0; i < b.count; i++) seen.push(b.firstIndex + i);
      } catch (e) {
        message = (e as Error).message;
      }
      const expected = await readCaptureFile(path).then(
        () => 'no error',
        (e: Error) => e.message,
      );
      expect(message, path).to.equal(expected);
      expect(seen, path).to.have.length(framesBefore);
    }
  });

  it('says a missing file is missing, as every reader does', async () => {
    const missing = join(dir, 'nope.pcap');
    const err = await (async () => {
      for await (const b of readFrameColumns(missing)) void b;
    })().then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(err?.message).to.equal(`${missing}: no such file`);
    expect(err?.code).to.equal('ERR_FILE_NOT_FOUND');
  });
});
