// Conformance: decryption with a key log against tshark 4.0's answer (`tshark -o tls.keylog_file:K -T fields
// …`, made by script/tls-decrypt-oracle.sh) on every capture in test/fixtures/captures/tls-decrypt/: handshake
// and content types, http.*, http2.* and the Info column of every frame with TLS or HTTP. 100 % required.
// Captures with Decryption Secrets Blocks are checked twice: with their own secrets and with the key log file.
// With tshark installed, its answer is also taken live and must equal the stored one.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { analyzeCapture } from '../../analyzer/analyze-capture.js';
import type { FrameRecord } from '../../analyzer/analysis-result.js';
import { parseKeyLog } from '../../analyzer/keys/key-log.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'captures', 'tls-decrypt');
const ORACLE_SCRIPT = join(import.meta.dirname, '..', '..', 'script', 'tls-decrypt-oracle.sh');

/** One frame as the oracle's fields: frame, stream, tls types, http, http2, Info. */
function row(r: FrameRecord): string {
  const j = (v: readonly (string | number)[] | undefined): string => (v ?? []).join(',');
  return [
    r.frame,
    r.stream ?? '',
    j(r.tls?.handshake_types),
    j(r.tls?.records.map((x) => x.type ?? '')),
    j(r.http?.request_method),
    j(r.http?.request_uri),
    j(r.http?.response_code),
    j(r.http2?.type),
    j(r.http2?.streamid),
    j(r.http2?.method),
    j(r.http2?.path),
    j(r.http2?.status),
    r.info,
  ].join('\t');
}

/** The oracle's rows that carry a TLS or HTTP field (`-Y http` also lists TCP segments of HTTP messages). */
function oracleRows(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const cols = line.split('\t');
    if (cols.length < 13 || cols.slice(2, 12).every((c) => c === '')) continue;
    out.set(Number(cols[0]), line);
  }
  return out;
}

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function compare(expected: Map<number, string>, frames: readonly FrameRecord[]): string[] {
  const ours = new Map<number, string>();
  for (const f of frames) if (f.tls !== null || f.http !== undefined || f.http2 !== undefined) ours.set(f.frame, row(f));
  const mismatches: string[] = [];
  for (const frame of new Set([...expected.keys(), ...ours.keys()])) {
    const e = expected.get(frame) ?? `${frame} (no TLS)`;
    const a = ours.get(frame) ?? `${frame} (no TLS)`;
    if (e !== a) mismatches.push(`tshark: ${e}\n  ours:   ${a}`);
  }
  return mismatches;
}

describe('conformance: TLS decryption and HTTP vs tshark', function () {
  this.timeout(60_000);
  const live = hasTshark();
  const captures = existsSync(DIR) ? readdirSync(DIR).filter((n) => n.endsWith('.pcapng')).sort() : [];
  for (const name of captures) {
    const path = join(DIR, name);
    const base = path.slice(0, -'.pcapng'.length);
    it(`decrypts ${name} as tshark does (key log file)`, async function () {
      const expected = oracleRows(readFileSync(`${base}.tshark.tsv`, 'utf8'));
      const { keyLog, warnings } = parseKeyLog([{ text: readFileSync(`${base}.keys`, 'utf8'), source: `${name}.keys` }]);
      expect(warnings).to.deep.equal([]);
      const analysis = await analyzeCapture(path, { keyLog, captureSecrets: false });
      const mismatches = compare(expected, analysis.frames);
      expect(mismatches, mismatches.slice(0, 10).join('\n')).to.deep.equal([]);
      expect(expected.size).to.be.greaterThan(0);
    });
    if (name.startsWith('harness-')) {
      it(`decrypts ${name} with its own Decryption Secrets Block`, async function () {
        const expected = oracleRows(readFileSync(`${base}.tshark.tsv`, 'utf8'));
        const analysis = await analyzeCapture(path);
        const mismatches = compare(expected, analysis.frames);
        expect(mismatches, mismatches.slice(0, 10).join('\n')).to.deep.equal([]);
      });
    }
    it(`stored tshark answer for ${name} is current (live tshark)`, function () {
      if (!live) this.skip();
      const stored = readFileSync(`${base}.tshark.tsv`, 'utf8');
      execFileSync('bash', [ORACLE_SCRIPT, path], { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env } });
      expect(readFileSync(`${base}.tshark.tsv`, 'utf8')).to.equal(stored);
    });
  }
});
