/**
 * analyzeCapture reads frames in batches (one await per chunk, or per 4096 frames of a sync
 * iterable): every kind of input must still give the same analysis, frame for frame.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { analyzeCapture } from '../../../analyzer/analyze-capture.js';
import { readCapture, readCaptureFile } from '../../../analyzer/capture/open-capture.js';
import type { Frame } from '../../../analyzer/packet/frame.js';

const root = new URL('../../../', import.meta.url).pathname;
const fixture = join(root, 'test/fixtures/captures/kernel/02_lost_fast_retrans.pcap');

/** A sync iterable longer than one batch: the fixture's frames `times` times, renumbered. */
function* repeated(frames: readonly Frame[], times: number): Generator<Frame> {
  for (let t = 0; t < times; t++) for (const f of frames) yield { ...f, index: t * frames.length + f.index };
}

async function* asyncFrames(frames: Iterable<Frame>): AsyncGenerator<Frame> {
  for (const f of frames) yield f;
}

describe('unit', () => {
  describe('analyzeCapture inputs', () => {
    it('gives the same records, findings and conversations for a path, an array, a sync and an async iterable', async () => {
      const frames = await readCaptureFile(fixture);
      const fromPath = await analyzeCapture(fixture, { name: 'x' });
      expect(fromPath.frameCount).to.equal(frames.length);
      for (const input of [frames, repeated(frames, 1), asyncFrames(frames), readCapture(fixture)]) {
        const a = await analyzeCapture(input, { name: 'x' });
        expect(a.frames).to.deep.equal(fromPath.frames);
        expect(a.findings).to.deep.equal(fromPath.findings);
        expect(a.conversations).to.deep.equal(fromPath.conversations);
        expect(a.expertSummary).to.deep.equal(fromPath.expertSummary);
      }
    });

    it('analyses every frame of a sync iterable spanning several batches, in order', async () => {
      const frames = await readCaptureFile(fixture);
      const times = Math.ceil(10_000 / frames.length);
      const seen: number[] = [];
      const a = await analyzeCapture(repeated(frames, times), { keepFrames: false, onFrame: (r) => seen.push(r.frame) });
      expect(a.frameCount).to.equal(frames.length * times);
      expect(seen).to.deep.equal(Array.from({ length: frames.length * times }, (_, i) => i + 1));
      expect(a.frames).to.deep.equal([]);
    });
  });
});
