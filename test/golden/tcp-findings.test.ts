/**
 * tcp-findings.test.ts: golden findings files for a few kernel captures (STYLE §10).
 * One sorted line per finding: `frame stream id detail`. `UPDATE_GOLDEN=1` rewrites them.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../analyzer/analysis/expert.js';
import { tcpFindings } from '../../analyzer/analysis/tcp/tcp-findings.js';
import { createTcpAnalyzer } from '../../analyzer/analysis/tcp/tcp-analyzer.js';
import { readCaptureFile } from '../../analyzer/capture/open-capture.js';
import { decodeFrame } from '../../analyzer/decode/decode-frame.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const KERNEL = path.resolve(HERE, '../fixtures/captures/kernel');
const CAPTURES = [
  '02_lost_fast_retrans.pcap',
  '03_capture_loss_acked_unseen.pcap',
  '04_dup_spurious.pcap',
  '07_zero_window.pcap',
  '08_keepalive.pcap',
  '10_fin_then_rst.pcap',
  '11_reused_ports.pcap',
];

function formatDetail(f: Finding): string {
  if (f.detail === undefined) return '';
  const parts = Object.entries(f.detail)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${String(v)}`);
  return ` ${parts.join(' ')}`;
}

async function findingLines(file: string): Promise<string> {
  const analyzer = createTcpAnalyzer();
  const lines: { frame: number; text: string }[] = [];
  for (const frame of await readCaptureFile(file)) {
    const a = analyzer.push(decodeFrame(frame));
    if (a === undefined) continue;
    for (const f of tcpFindings(a)) lines.push({ frame: f.frame, text: `${f.frame} ${f.stream} ${f.id}${formatDetail(f)}` });
  }
  analyzer.finish();
  lines.sort((x, y) => x.frame - y.frame || (x.text < y.text ? -1 : x.text > y.text ? 1 : 0));
  return lines.map((l) => l.text).join('\n') + '\n';
}

describe('golden: TCP findings of kernel captures', () => {
  for (const name of CAPTURES) {
    it(`reports the findings recorded in test/golden/${path.parse(name).name}.findings.txt`, async () => {
      const golden = path.join(HERE, `${path.parse(name).name}.findings.txt`);
      const actual = await findingLines(path.join(KERNEL, name));
      if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, actual);
      expect(existsSync(golden), `${golden} is missing; run UPDATE_GOLDEN=1 npm test`).to.equal(true);
      expect(actual).to.equal(readFileSync(golden, 'utf8'));
    });
  }
});
