import { expect } from 'chai';
import { analyzeCapture } from '../../../analyzer/analyze-capture.js';
import type { FrameRecord } from '../../../analyzer/analysis-result.js';
import { frameRecordJson } from '../../../analyzer/report/frame-record-json.js';
import { captureFilesUnder } from '../../support/fixture-captures.js';

describe('unit', () => {
  describe('frame record JSON', function () {
    this.timeout(120_000);
    it('writes every fixture frame exactly as JSON.stringify does', async () => {
      let frames = 0;
      for (const file of captureFilesUnder()) {
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
