import { expect } from 'chai';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCapture } from '../../../analyzer/analyze-capture.js';
import type { FrameRecord } from '../../../analyzer/analysis-result.js';
import { frameRecordJson } from '../../../analyzer/report/frame-record-json.js';

const root = new URL('../../../', import.meta.url).pathname;

function captures(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...captures(p));
    else if (/\.(pcap|pcapng|cap)$/.test(e)) out.push(p);
  }
  return out;
}

describe('unit', () => {
  describe('frame record JSON', function () {
    this.timeout(120_000);
    it('writes every fixture frame exactly as JSON.stringify does', async () => {
      let frames = 0;
      for (const file of captures(join(root, 'test/fixtures/captures'))) {
        const analysis = await analyzeCapture(file);
        for (const record of analysis.frames) {
          expect(frameRecordJson(record), `${file} frame ${record.frame}`).to.equal(JSON.stringify(record));
          frames++;
        }
      }
      expect(frames).to.be.greaterThan(1000);
    });

    it('leaves records of another shape to JSON.stringify', () => {
      const odd = { frame: 1, extra: undefined, info: 'x' } as unknown as FrameRecord;
      expect(frameRecordJson(odd)).to.equal(JSON.stringify(odd));
      const a = { frame: 2, seq: Number.NaN } as unknown as FrameRecord;
      expect(frameRecordJson(a)).to.equal(JSON.stringify(a));
    });
  });
});
