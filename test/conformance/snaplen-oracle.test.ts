/**
 * snaplen-oracle.test.ts: every capture under test/fixtures/captures/ cut at 54 … 200 bytes (as `tcpdump -s N`
 * writes it) with the project's writer, read back and analysed through analyzeCapture (the CLI's path), against
 * tshark 4.0's packed answers: tcp.stream, analysis flags and the `tls` object of every frame, and the Info
 * column's `[Packet size limited during capture]`. Remake the answers with script/make-snaplen-captures.ts.
 */
import { expect } from 'chai';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { analyzeCapture } from '../../analyzer/analyze-capture.js';
import { CAPTURE_LIMITED_INFO } from '../../analyzer/analysis/tls/tls-analyzer.js';
import { readCaptureFile } from '../../analyzer/capture/open-capture.js';
import { decodeFrame } from '../../analyzer/decode/decode-frame.js';
import type { Frame } from '../../analyzer/packet/frame.js';
import { CAPTURES_DIR, encodeAtSnapLength, loadSnaplenOracles, SNAP_LENGTHS, type SnaplenOracle } from '../support/snaplen.js';

/** The frame's TCP payload, cut at `snapLen`, keeps some of its bytes but not all. */
function partialPayload(frame: Frame, snapLen: number): boolean {
  const tcp = decodeFrame({ ...frame, data: frame.data.subarray(0, snapLen) }).tcp;
  if (tcp === undefined) return false;
  const captured = tcp.payload.length;
  return captured > 0 && captured < tcp.segmentLength;
}

function byCapture(oracles: readonly SnaplenOracle[]): Map<string, SnaplenOracle[]> {
  const out = new Map<string, SnaplenOracle[]>();
  for (const o of oracles) {
    const list = out.get(o.capture) ?? [];
    list.push(o);
    out.set(o.capture, list);
  }
  return out;
}

describe('conformance: captures cut by a snapshot length vs tshark 4.0', function () {
  this.timeout(120_000);
  const groups = byCapture(loadSnaplenOracles());

  it('has an answer for every capture at every snapshot length', function () {
    const missing: string[] = [];
    for (const [capture, list] of groups) {
      const have = new Set(list.map((o) => o.snapLen));
      for (const n of SNAP_LENGTHS) if (!have.has(n)) missing.push(`${capture}@${n}`);
    }
    expect(missing).to.deep.equal([]);
    expect(groups.size).to.be.greaterThan(90);
  });

  for (const [capture, list] of groups) {
    it(`agrees on stream, flags, tls and the capture-limit mark in ${capture} at ${list.length} snapshot lengths`, async function () {
      const frames = await readCaptureFile(join(CAPTURES_DIR, capture));
      const mismatches: string[] = [];
      for (const oracle of list) {
        const { bytes } = encodeAtSnapLength(frames, oracle.snapLen);
        const analysis = await analyzeCapture(Readable.from([bytes]), { name: `${capture}@${oracle.snapLen}` });
        expect(analysis.frames.length, `${capture}@${oracle.snapLen} frames`).to.equal(oracle.frames);
        const rows = new Map(oracle.rows.map((r) => [r[0], r]));
        const limited = new Set(oracle.limited);
        for (const record of analysis.frames) {
          const row = rows.get(record.frame);
          // Whether tshark reads past a cut payload that is not TLS depends on its heuristic dissectors: not compared.
          const heuristic = record.tls === null && !record.protocols.endsWith(':tls') && partialPayload(frames[record.frame - 1]!, oracle.snapLen);
          const expected = JSON.stringify({ stream: row?.[1] ?? null, flags: row?.[2] ?? [], tls: row?.[3] ?? null, limited: heuristic || limited.has(record.frame) });
          const actual = JSON.stringify({ stream: record.stream, flags: record.flags, tls: record.tls, limited: heuristic || record.info.endsWith(CAPTURE_LIMITED_INFO) });
          if (expected !== actual) mismatches.push(`@${oracle.snapLen} frame ${record.frame}:\n  tshark  ${expected}\n  wirelab ${actual}`);
        }
      }
      expect(mismatches.slice(0, 5), `${mismatches.length} frames differ`).to.deep.equal([]);
    });
  }
});
