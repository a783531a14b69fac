/**
 * tcp-oracle.test.ts: the TCP analyzer against tshark 4.0.17, frame by frame, on every capture
 * under test/fixtures/captures/ that has an `.oracle.jsonl` (made by shared/tools/oracle.sh).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTcpAnalyzer } from '../../analyzer/analysis/tcp/tcp-analyzer.js';
import type { TcpFrameAnalysis } from '../../analyzer/analysis/tcp/tcp-analyzer.js';
import { readCaptureFile } from '../../analyzer/capture/open-capture.js';
import { decodeFrame } from '../../analyzer/decode/decode-frame.js';
import { createIpReassembler } from '../../analyzer/decode/ip-reassembler.js';

const CAPTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/captures');

/** The oracle fields this suite compares (see oracle.sh for their meaning). */
interface OracleRow {
  readonly frame: number;
  readonly stream: number | null;
  readonly flags: readonly string[];
  readonly dup_ack_num: number | null;
  readonly dup_ack_frame: number | null;
  readonly completeness: number | null;
  readonly seq: number | null;
  readonly ack: number | null;
  readonly tcp_len: number | null;
  readonly win: number | null;
  readonly tcp_in_error: boolean;
}

function listOracleCaptures(): string[] {
  const out: string[] = [];
  for (const group of readdirSync(CAPTURES_DIR, { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    const dir = path.join(CAPTURES_DIR, group.name);
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.oracle.jsonl')) out.push(path.join(dir, name.slice(0, -'.oracle.jsonl'.length)));
    }
  }
  return out;
}

/** Our value of each compared field, named as in the oracle. */
function ours(a: TcpFrameAnalysis, streamCompleteness: number): Record<string, unknown> {
  if (a.inError) return { stream: a.stream, flags: [] };
  return {
    stream: a.stream,
    flags: a.flagNames(),
    dup_ack_num: a.dupAckNum ?? null,
    dup_ack_frame: a.dupAckFrame ?? null,
    completeness: streamCompleteness,
    seq: a.relSeq,
    // tshark shows no ack or window below a data offset of 5 words, and no length for a short segment.
    ack: a.bogusHeaderLength ? null : a.relAck,
    tcp_len: a.shortSegment ? null : a.len,
    win: a.bogusHeaderLength ? null : a.windowScaled,
  };
}

function theirs(row: OracleRow, inError: boolean): Record<string, unknown> {
  if (inError) return { stream: row.stream, flags: row.flags };
  return {
    stream: row.stream,
    flags: row.flags,
    dup_ack_num: row.dup_ack_num,
    dup_ack_frame: row.dup_ack_frame,
    completeness: row.completeness,
    seq: row.seq,
    ack: row.ack,
    tcp_len: row.tcp_len,
    win: row.win,
  };
}

/** Reads, decodes (with IP reassembly, as tshark does) and analyses one capture. */
async function analyzeCapture(file: string): Promise<Map<number, TcpFrameAnalysis>> {
  const analyzer = createTcpAnalyzer();
  const reassembler = createIpReassembler();
  const results = new Map<number, TcpFrameAnalysis>();
  for (const frame of await readCaptureFile(file)) {
    const a = analyzer.push(reassembler.push(decodeFrame(frame)));
    if (a !== undefined) results.set(a.frame, a);
  }
  analyzer.finish();
  return results;
}

/** tshark prints relative times as seconds with 9 decimals. */
function seconds(ns: number | undefined): string {
  if (ns === undefined) return '';
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(ns);
  return `${sign}${Math.floor(abs / 1e9)}.${String(abs % 1e9).padStart(9, '0')}`;
}

/** Fields the oracle files do not hold, compared with a live tshark run (spec §3, §5, §6 B1, §9, §10). */
const EXTRA_FIELDS = [
  'frame.number',
  'tcp.window_size_scalefactor',
  'tcp.analysis.acks_frame',
  'tcp.analysis.ack_rtt',
  'tcp.analysis.initial_rtt',
  'tcp.analysis.bytes_in_flight',
  'tcp.completeness',
  'tcp.connection.fin_active',
  'tcp.connection.fin_passive',
  'tcp.analysis.rto',
  'tcp.analysis.rto_frame',
  'tcp.nxtseq',
] as const;

function findTshark(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'tshark');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function tsharkExtraFields(tshark: string, file: string): Map<number, Record<string, string>> {
  // An empty profile directory keeps the user's preferences out (as oracle.sh does).
  const configDir = mkdtempSync(path.join(tmpdir(), 'wirelab-tshark-'));
  try {
    const args = ['-n', '-r', file, '-Y', 'tcp', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=f'];
    for (const f of EXTRA_FIELDS) args.push('-e', f);
    const out = execFileSync(tshark, args, {
      env: { ...process.env, WIRESHARK_CONFIG_DIR: configDir },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const rows = new Map<number, Record<string, string>>();
    for (const line of out.split('\n')) {
      if (line === '') continue;
      const values = line.split('\t');
      const row: Record<string, string> = {};
      EXTRA_FIELDS.forEach((f, i) => (row[f] = values[i] ?? ''));
      rows.set(Number(row['frame.number']), row);
    }
    return rows;
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

function oursExtra(a: TcpFrameAnalysis): Record<string, string> {
  const str = (v: number | undefined): string => (v === undefined ? '' : String(v));
  return {
    'tcp.window_size_scalefactor': str(a.scaleFactor),
    'tcp.analysis.acks_frame': str(a.acksFrame),
    'tcp.analysis.ack_rtt': seconds(a.ackRttNs),
    'tcp.analysis.bytes_in_flight': str(a.bytesInFlight),
    'tcp.completeness': String(a.completenessShown),
    'tcp.connection.fin_active': a.finRole === 'active' ? '1' : '',
    'tcp.connection.fin_passive': a.finRole === 'passive' ? '1' : '',
    'tcp.analysis.rto': seconds(a.rtoNs),
    'tcp.analysis.rto_frame': str(a.rtoFrame),
    'tcp.nxtseq': a.shortSegment || a.bogusHeaderLength ? '' : String(a.nextSeq),
  };
}

describe('conformance: TCP analysis vs tshark 4.0.17 oracles', function () {
  for (const capture of listOracleCaptures()) {
    const label = path.relative(CAPTURES_DIR, capture);
    it(`matches tshark on every TCP frame of ${label}`, async () => {
      const rows = readFileSync(`${capture}.oracle.jsonl`, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as OracleRow);
      const results = await analyzeCapture(capture);
      // The oracle's completeness is the OR of a stream's two-pass values (oracle.sh, pass 2).
      const streamCompleteness = new Map<number, number>();
      for (const a of results.values()) {
        if (a.inError) continue;
        streamCompleteness.set(a.stream, (streamCompleteness.get(a.stream) ?? 0) | a.completenessTwoPass());
      }

      const mismatches: string[] = [];
      let compared = 0;
      for (const row of rows) {
        const a = results.get(row.frame);
        if (row.stream === null) {
          if (a !== undefined) mismatches.push(`frame ${row.frame}: tshark has no TCP here, we analysed stream ${a.stream}`);
          continue;
        }
        if (a === undefined) {
          mismatches.push(`frame ${row.frame}: tshark has TCP stream ${row.stream}, we produced no analysis`);
          continue;
        }
        compared++;
        const want = theirs(row, row.tcp_in_error);
        const got = ours(a, streamCompleteness.get(a.stream) ?? 0);
        for (const key of Object.keys(want)) {
          if (JSON.stringify(want[key]) !== JSON.stringify(got[key])) {
            mismatches.push(
              `frame ${row.frame} ${key}: expected ${JSON.stringify(want[key])}, got ${JSON.stringify(got[key])}`,
            );
          }
        }
      }
      const shown = mismatches.slice(0, 15).join('\n  ');
      const more = mismatches.length > 15 ? `\n  … ${mismatches.length - 15} more` : '';
      expect(mismatches, `${label}: ${mismatches.length} mismatches over ${compared} TCP frames\n  ${shown}${more}`).to.have.lengthOf(0);
    });
  }

  const tshark = findTshark();
  for (const capture of listOracleCaptures()) {
    const label = path.relative(CAPTURES_DIR, capture);
    it(`matches a live tshark on acks_frame, ack_rtt, iRTT, bytes in flight, one-pass completeness, FIN role and RTO of ${label}`, async function () {
      if (tshark === undefined) this.skip(); // reason: tshark is not on PATH, so there is nothing to compare with
      const theirRows = tsharkExtraFields(tshark, capture);
      const results = await analyzeCapture(capture);
      const mismatches: string[] = [];
      for (const [frame, row] of theirRows) {
        const a = results.get(frame);
        if (a === undefined || a.inError) continue;
        const got = oursExtra(a);
        for (const key of Object.keys(got)) {
          if (row[key] !== got[key]) mismatches.push(`frame ${frame} ${key}: tshark ${JSON.stringify(row[key])}, ours ${JSON.stringify(got[key])}`);
        }
        // tshark shows the iRTT only inside an analysis subtree; where it does, it must be ours.
        const irtt = row['tcp.analysis.initial_rtt'];
        if (irtt !== '' && irtt !== seconds(a.initialRttNs)) {
          mismatches.push(`frame ${frame} tcp.analysis.initial_rtt: tshark ${irtt}, ours ${seconds(a.initialRttNs)}`);
        }
      }
      const shown = mismatches.slice(0, 15).join('\n  ');
      const more = mismatches.length > 15 ? `\n  … ${mismatches.length - 15} more` : '';
      expect(mismatches, `${label}: ${mismatches.length} mismatches\n  ${shown}${more}`).to.have.lengthOf(0);
    });
  }
});
