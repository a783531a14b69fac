/**
 * make-snaplen-captures.ts: re-writes every capture under test/fixtures/captures/ at the snapshot lengths
 * a `tcpdump -s N` user meets (SNAP_LENGTHS), with the project's own writers, so the analyzer can be
 * compared with tshark on frames cut inside the link, IP, TCP and TLS headers.
 * Run: npx tsx script/make-snaplen-captures.ts [OUT_DIR]   (default test/fixtures/snaplen)
 *      then   bash script/oracle.sh -q OUT_DIR/*\/*.pcap*
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { readCaptureFile } from '../analyzer/capture/open-capture.js';
import { encodePcap } from '../analyzer/capture/pcap-writer.js';
import { encodePcapng } from '../analyzer/capture/pcapng-writer.js';
import type { Frame } from '../analyzer/packet/frame.js';

export const SNAP_LENGTHS = [54, 60, 64, 68, 70, 80, 96, 100, 128, 200] as const;

const ROOT = join(import.meta.dirname, '..');
export const CAPTURES_DIR = join(ROOT, 'test', 'fixtures', 'captures');

/** Every capture file under `dir` (recursively), sorted. */
export function listCaptureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listCaptureFiles(path));
    else if (/\.(pcap|pcapng|cap)$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/**
 * The frames cut to `snapLen`, as one file: classic pcap (ns) when every frame has one link type and
 * interface, else pcapng with one interface per original interface id.
 */
export function encodeAtSnapLength(frames: readonly Frame[], snapLen: number): { bytes: Buffer; ext: string } {
  const cut = frames.map((f) => ({
    timestampNs: f.timestampNs,
    data: f.data.subarray(0, Math.min(snapLen, f.data.length)),
    originalLength: f.originalLength,
    interfaceId: f.interfaceId,
  }));
  const linkTypes = new Map<number, number>();
  for (const f of frames) if (!linkTypes.has(f.interfaceId)) linkTypes.set(f.interfaceId, f.linkType);
  if (linkTypes.size <= 1) {
    const linkType = frames[0]?.linkType ?? 1;
    return { bytes: encodePcap(cut, { linkType, nanosecond: true, snapLen }), ext: 'pcap' };
  }
  // pcapng interface ids are dense from 0; keep the original numbering (every id up to the largest).
  const maxId = Math.max(...linkTypes.keys());
  const interfaces = [];
  for (let id = 0; id <= maxId; id++) interfaces.push({ linkType: linkTypes.get(id) ?? 1, snapLen, tsResolutionNs: true });
  return { bytes: encodePcapng(cut, { interfaces }), ext: 'pcapng' };
}

async function main(): Promise<void> {
  const outDir = process.argv[2] ?? join(ROOT, 'test', 'fixtures', 'snaplen');
  for (const path of listCaptureFiles(CAPTURES_DIR)) {
    const frames = await readCaptureFile(path);
    const rel = relative(CAPTURES_DIR, path);
    const dir = join(outDir, dirname(rel));
    mkdirSync(dir, { recursive: true });
    for (const snapLen of SNAP_LENGTHS) {
      const { bytes, ext } = encodeAtSnapLength(frames, snapLen);
      writeFileSync(join(dir, `${basename(rel).replace(/\.[a-z]+$/, '')}.s${snapLen}.${ext}`), bytes);
    }
  }
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) await main();
