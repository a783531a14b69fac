/**
 * make-snaplen-captures.ts: re-writes every capture under test/fixtures/captures/ at the snapshot lengths
 * a `tcpdump -s N` user meets (SNAP_LENGTHS), with the project's own writers, so the analyzer can be
 * compared with tshark on frames cut inside the link, IP, TCP and TLS headers.
 * The test (test/conformance/snaplen-oracle.test.ts) makes the same files in memory; only tshark's answers
 * are committed, packed into SNAPLEN_ORACLES. To remake them (tshark 4.0 needed):
 *   npx tsx script/make-snaplen-captures.ts write /tmp/snap
 *   ls /tmp/snap/*\/*.pcap* | xargs -n 20 bash script/oracle.sh -q
 *   for f in /tmp/snap/*\/*.pcap*; do tshark -n -r $f -T fields -e frame.number -e _ws.col.Info \
 *     | awk -F'\t' '$2 ~ /\[Packet size limited during capture\]$/ {print $1}' > $f.limited; done
 *   npx tsx script/make-snaplen-captures.ts pack /tmp/snap
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readCaptureFile } from '../analyzer/capture/open-capture.js';
import {
  CAPTURES_DIR, cutName, encodeAtSnapLength, listCaptureFiles, SNAP_LENGTHS, SNAPLEN_ORACLES, type SnaplenOracle,
} from '../test/support/snaplen.js';

async function write(outDir: string): Promise<void> {
  for (const path of listCaptureFiles(CAPTURES_DIR)) {
    const frames = await readCaptureFile(path);
    const rel = relative(CAPTURES_DIR, path);
    mkdirSync(join(outDir, dirname(rel)), { recursive: true });
    for (const snapLen of SNAP_LENGTHS) {
      const { bytes, ext } = encodeAtSnapLength(frames, snapLen);
      writeFileSync(join(outDir, `${cutName(rel, snapLen)}.${ext}`), bytes);
    }
  }
}

interface OracleLine {
  readonly frame: number;
  readonly stream: number | null;
  readonly flags: string[];
  readonly tls: unknown;
}

/** Packs the oracles of `write`'s files (each FILE.oracle.jsonl and FILE.limited) into SNAPLEN_ORACLES. */
function pack(dir: string): void {
  const lines: string[] = [];
  for (const path of listCaptureFiles(CAPTURES_DIR)) {
    const rel = relative(CAPTURES_DIR, path);
    for (const snapLen of SNAP_LENGTHS) {
      const base = join(dir, cutName(rel, snapLen));
      const file = [`${base}.pcap`, `${base}.pcapng`].find((f) => existsSync(`${f}.oracle.jsonl`));
      if (file === undefined) throw new Error(`no oracle for ${base}`);
      const oracle = readFileSync(`${file}.oracle.jsonl`, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as OracleLine);
      const rows = oracle
        .filter((o) => o.stream !== null || o.flags.length > 0 || o.tls !== null)
        .map((o) => [o.frame, o.stream, o.flags, o.tls] as const);
      const limited = readFileSync(`${file}.limited`, 'utf8').split('\n').filter((l) => l !== '').map(Number);
      const entry: SnaplenOracle = { capture: rel, snapLen, frames: oracle.length, rows, limited };
      lines.push(JSON.stringify(entry));
    }
  }
  writeFileSync(SNAPLEN_ORACLES, gzipSync(`${lines.join('\n')}\n`, { level: 9 }));
}

async function main(): Promise<void> {
  const [mode, dir] = process.argv.slice(2);
  if (mode === 'write' && dir !== undefined) await write(dir);
  else if (mode === 'pack' && dir !== undefined) pack(dir);
  else throw new Error('usage: make-snaplen-captures.ts write DIR | pack DIR');
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) await main();
