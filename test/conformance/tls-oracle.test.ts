// Conformance: the TLS analyzer's per-frame `tls` object against tshark 4.0.17's oracle, on every capture
// under test/fixtures/captures/*/ that has an `.oracle.jsonl` (made by shared/tools/oracle.sh). 100 % required.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { createTcpAnalyzer } from '../../analyzer/analysis/tcp/tcp-analyzer.js';
import { createTlsAnalyzer } from '../../analyzer/analysis/tls/tls-analyzer.js';
import { toTlsSegmentInput } from '../../analyzer/analysis/tls/tls-segment-input.js';
import { readCaptureFile } from '../../analyzer/capture/open-capture.js';
import { decodeFrame } from '../../analyzer/decode/decode-frame.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'captures');

interface OracleLine {
  readonly frame: number;
  readonly tls: unknown;
}

function listCaptures(): string[] {
  const files: string[] = [];
  for (const dir of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const name of readdirSync(join(FIXTURES, dir.name)).sort()) {
      if (/\.(pcap|pcapng|cap)$/.test(name) && existsSync(join(FIXTURES, dir.name, `${name}.oracle.jsonl`))) {
        files.push(join(dir.name, name));
      }
    }
  }
  return files.sort();
}

/** Runs capture → decode → TCP analysis → TLS analysis and returns the serialised `tls` per frame. */
async function analyzeTls(path: string): Promise<Map<number, string>> {
  const frames = await readCaptureFile(path);
  const tcp = createTcpAnalyzer();
  const tls = createTlsAnalyzer();
  const out = new Map<number, string>();
  for (const frame of frames) {
    const packet = decodeFrame(frame);
    const analysis = tcp.push(packet);
    const input = analysis === undefined ? undefined : toTlsSegmentInput(packet, analysis);
    const info = input === undefined ? null : tls.push(input);
    out.set(frame.index, JSON.stringify(info));
  }
  return out;
}

describe('conformance: TLS analysis vs tshark 4.0.17 oracle', function () {
  for (const capture of listCaptures()) {
    it(`matches every frame's tls object in ${capture}`, async function () {
      const path = join(FIXTURES, capture);
      const oracle = readFileSync(`${path}.oracle.jsonl`, 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as OracleLine);
      const ours = await analyzeTls(path);
      const mismatches: string[] = [];
      for (const line of oracle) {
        const expected = JSON.stringify(line.tls);
        const actual = ours.get(line.frame) ?? 'null';
        if (expected !== actual) mismatches.push(`frame ${line.frame}:\n  expected ${expected}\n  actual   ${actual}`);
      }
      expect(mismatches, `${mismatches.length}/${oracle.length} frames differ in ${capture}`).to.deep.equal([]);
    });
  }
});
