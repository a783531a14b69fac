import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCapture, analyzeFrames } from '../../../analyzer/analyze-capture.js';
import { toJsonReport } from '../../../analyzer/report/json.js';
import { writeJsonReport } from '../../../analyzer/report/json-stream.js';

const root = new URL('../../../', import.meta.url).pathname;
const dir = (d: string): string[] => readdirSync(join(root, d)).filter((f) => /\.pcap$/.test(f)).map((f) => join(root, d, f));

describe('unit', () => {
  describe('streamed JSON report', () => {
    const files = [...dir('test/fixtures/captures/kernel').slice(0, 6), ...dir('test/fixtures/captures/tls').slice(0, 3), join(root, 'test/fixtures/capture-errors/truncated-record.pcap')];
    for (const file of files) {
      it(`writes the same bytes as JSON.stringify of the whole report: ${file.slice(root.length)}`, async () => {
        const whole = await analyzeCapture(file, { keepFrames: false });
        const summary = await analyzeFrames(file);
        for (const [streams, flags] of [[undefined, undefined], [new Set([0, 2]), undefined], [new Set([0]), new Set(['tcp.analysis.duplicate_ack', 'tcp.connection.syn'])]] as const) {
          let out = '';
          writeJsonReport(summary, (t) => (out += t), streams, flags);
          expect(out).to.equal(`${JSON.stringify(toJsonReport(whole, streams, flags), null, 2)}\n`);
        }
      });
    }
  });
});
