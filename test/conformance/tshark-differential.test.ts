/**
 * Differential check against a live tshark: run tshark (script/oracle.sh, the same pinned
 * preferences the committed oracles were made with) on fixtures and compare every TCP frame with
 * the analyzer's JSONL. Skipped, with the reason, when tshark is not installed.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { analyzeCapture } from '../../analyzer/analyze-capture.js';
import { skipBecause } from '../support/skip.js';

const root = new URL('../../', import.meta.url).pathname;
const fixtures = join(root, 'test/fixtures/captures');

function tsharkAvailable(): boolean {
  return spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
}

interface OracleFrame {
  frame: number;
  stream: number | null;
  flags: string[];
  dup_ack_num: number | null;
  dup_ack_frame: number | null;
  completeness: number | null;
  seq: number | null;
  ack: number | null;
  tcp_len: number | null;
  tls: unknown;
}

function liveOracle(capture: string): OracleFrame[] {
  const r = spawnSync('bash', [join(root, 'script/oracle.sh'), '-', capture], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`oracle.sh failed on ${capture}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as OracleFrame);
}

const KEYS = ['stream', 'flags', 'dup_ack_num', 'dup_ack_frame', 'completeness', 'seq', 'ack', 'tcp_len', 'tls'] as const;

describe('differential check against live tshark', function () {
  this.timeout(300_000);
  // One capture of each kind keeps the run short; the committed oracles cover every file.
  const sample = ['kernel/02_lost_fast_retrans.pcap', 'kernel/07_zero_window.pcap', 'synth/s19_edges.pcap', 'tls/22_tls13_multiseg_download.pcap', 'wild/ctu-64702-888.pcap'];
  const tunnels = ['gre', 'gtpu', 'vxlan', 'pppoe', 'ipv4-frag', 'vlan-mirror'].map((n) => `encap/${n}.pcap`);
  for (const rel of [...sample, ...tunnels]) {
    it(`agrees with tshark on every TCP frame of ${rel}`, async function () {
      if (!tsharkAvailable()) skipBecause(this, 'tshark is not installed; script/setup.sh installs it');
      const capture = join(fixtures, rel);
      const oracle = liveOracle(capture);
      const analysis = await analyzeCapture(capture);
      const ours = new Map(analysis.frames.map((f) => [f.frame, f]));
      const mismatches: string[] = [];
      for (const o of oracle) {
        if (o.stream === null) continue;
        const mine = ours.get(o.frame) as unknown as Record<string, unknown> | undefined;
        for (const key of KEYS) {
          const a = JSON.stringify(o[key]);
          const b = JSON.stringify(mine?.[key] ?? null);
          if (a !== b) mismatches.push(`frame ${o.frame} ${key}: tshark ${a}, wirelab ${b}`);
        }
      }
      expect(mismatches.slice(0, 10), `${mismatches.length} mismatches`).to.deep.equal([]);
    });
  }
});
