/**
 * snaplen.ts: the snapshot-length fixtures: every capture under test/fixtures/captures/ cut at the lengths a
 * `tcpdump -s N` user meets, written with the project's own writers, and tshark's packed answers for them
 * (made by script/make-snaplen-captures.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { encodePcap } from '../../analyzer/capture/pcap-writer.js';
import { encodePcapng } from '../../analyzer/capture/pcapng-writer.js';
import type { Frame } from '../../analyzer/packet/frame.js';

const ROOT = join(import.meta.dirname, '..', '..');

export const SNAP_LENGTHS = [54, 60, 64, 68, 70, 80, 96, 100, 128, 200] as const;

export const CAPTURES_DIR = join(ROOT, 'test', 'fixtures', 'captures');
/** tshark's answers for every cut file: one JSON line per capture and snapshot length (see SnaplenOracle). */
export const SNAPLEN_ORACLES = join(ROOT, 'test', 'fixtures', 'snaplen-oracles.jsonl.gz');

/** tshark 4.0's answer for one capture cut at one snapshot length. */
export interface SnaplenOracle {
  /** Path under test/fixtures/captures/. */
  readonly capture: string;
  readonly snapLen: number;
  readonly frames: number;
  /** [frame, tcp.stream, analysis flags, tls object] of every frame where one is not null/empty. */
  readonly rows: readonly (readonly [number, number | null, readonly string[], unknown])[];
  /** Frames whose Info column ends with `[Packet size limited during capture]`. */
  readonly limited: readonly number[];
}

/** Name of the cut file for `capture` (relative to CAPTURES_DIR) at `snapLen`, without the extension. */
export function cutName(capture: string, snapLen: number): string {
  return `${capture.replace(/\.[a-z]+$/, '')}.s${snapLen}`;
}

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

/** Every packed oracle. */
export function loadSnaplenOracles(): SnaplenOracle[] {
  return gunzipSync(readFileSync(SNAPLEN_ORACLES))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as SnaplenOracle);
}
