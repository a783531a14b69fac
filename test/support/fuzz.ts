/**
 * fuzz.ts: an outsider's mutation fuzzer over the project's real captures. It knows the capture formats
 * (pcap records, pcapng blocks) so that it can cut, splice, duplicate and reorder records and edit their
 * length fields, and it flips, overwrites and truncates bytes anywhere. Every case is reproducible from
 * (seed, index). Used by test/unit/fuzz/analyze-fuzz.test.ts (npm test) and script/fuzz.ts (npm run fuzz).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCaptureFile } from '../../analyzer/capture/open-capture.js';
import { encodePcapng } from '../../analyzer/capture/pcapng-writer.js';
import { isHarnessError } from '../../analyzer/errors.js';
import { analyzeCommand } from '../../cli/actions/analyze.js';
import type { Output } from '../../cli/output.js';
import { createRng } from '../../harness/impair/impairment.js';

const CAPTURES = join(import.meta.dirname, '..', 'fixtures', 'captures');

/** TLS-bearing captures and every link type and file format the reader knows. */
const SEED_FILES = [
  'tls/20_tls13_sni_alpn.pcap',
  'tls/21_tls12_alert.pcap',
  'tls/24_tls13_hello_retry_request.pcap',
  'tls/26_tls12_handshake_fragments.pcap',
  'tls/27_sslv2_client_hello.pcap',
  'tls/29_smtp_starttls.pcap',
  'tls/50_tls_segment_boundaries.pcap',
  'tls-bench/corpus_fast_retransmission_fills_hole.pcap',
  'wild/tls13_wolfssl.pcap',
  'wild/tls1.2.pcap',
  'wild/simple_http_sll2.pcap',
  'wild/custom_rules_multiple_ports.pcapng',
  'wild/dssetup_big_endian.cap',
  'wild/tcp-handshake-nano.pcap',
  'encap/null.pcap',
  'encap/raw.pcap',
  'encap/radiotap.pcap',
  'encap/sll-vlan.pcap',
  'encap/ppp.pcap',
  'encap/gre.pcap',
  'encap/ipv4-frag.pcap',
  'encap/ipv6-frag.pcap',
  'encap/icmp-quoted.pcap',
  'synth/s13_ipv6.pcap',
];

/** One fuzz input: where it came from and its bytes. */
export interface FuzzSeed {
  readonly name: string;
  readonly bytes: Buffer;
}

/** The seed captures, plus TLS captures re-written as pcapng with nanosecond stamps by the project's writer. */
export async function loadSeeds(): Promise<FuzzSeed[]> {
  const seeds: FuzzSeed[] = SEED_FILES.map((rel) => ({ name: rel, bytes: readFileSync(join(CAPTURES, rel)) }));
  for (const rel of ['tls/23_tls12_full_handshake.pcap', 'tls/28_tls13_early_data.pcap']) {
    const frames = await readCaptureFile(join(CAPTURES, rel));
    const bytes = encodePcapng(frames, { interfaces: [{ linkType: frames[0]!.linkType, tsResolutionNs: true }] });
    seeds.push({ name: `${rel} as pcapng`, bytes });
  }
  return seeds;
}

/** Deterministic PRNG: the impairments' mulberry32, so the same seed gives the same cases on every machine. */
export const rng = createRng;

/** A capture split into its file header and records (pcap) or blocks (pcapng), as far as they parse. */
interface Layout {
  readonly format: 'pcap' | 'pcapng';
  readonly little: boolean;
  readonly header: Buffer;
  readonly records: Buffer[];
  /** Bytes after the last record that parsed. */
  readonly tail: Buffer;
}

function split(b: Buffer): Layout | undefined {
  if (b.length < 24) return undefined;
  const magicLe = b.readUInt32LE(0);
  if (magicLe === 0x0a0d0d0a) {
    const little = b.readUInt32LE(8) === 0x1a2b3c4d;
    const read = (o: number): number => (little ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const shbLength = read(4);
    if (shbLength < 28 || shbLength > b.length) return undefined;
    const records: Buffer[] = [];
    let o = shbLength;
    while (o + 12 <= b.length) {
      const len = read(o + 4);
      if (len < 12 || len % 4 !== 0 || o + len > b.length) break;
      records.push(b.subarray(o, o + len));
      o += len;
    }
    return { format: 'pcapng', little, header: b.subarray(0, shbLength), records, tail: b.subarray(o) };
  }
  const little = magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d;
  const big = b.readUInt32BE(0) === 0xa1b2c3d4 || b.readUInt32BE(0) === 0xa1b23c4d;
  if (!little && !big) return undefined;
  const read = (o: number): number => (little ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const records: Buffer[] = [];
  let o = 24;
  while (o + 16 <= b.length) {
    const incl = read(o + 8);
    if (o + 16 + incl > b.length) break;
    records.push(b.subarray(o, o + 16 + incl));
    o += 16 + incl;
  }
  return { format: 'pcap', little, header: b.subarray(0, 24), records, tail: b.subarray(o) };
}

function join3(l: Layout, records: readonly Buffer[], tail = l.tail): Buffer {
  return Buffer.concat([l.header, ...records, tail]);
}

function u32(buf: Buffer, at: number, value: number, little: boolean): void {
  if (at + 4 > buf.length) return;
  if (little) buf.writeUInt32LE(value >>> 0, at);
  else buf.writeUInt32BE(value >>> 0, at);
}

/** Cuts every packet record's data to `snap` bytes, keeping its original length (pcap records, pcapng EPBs). */
function snapCut(l: Layout, snap: number): Buffer {
  const out: Buffer[] = [];
  for (const r of l.records) {
    if (l.format === 'pcap') {
      const incl = r.length - 16;
      if (incl <= snap) {
        out.push(r);
        continue;
      }
      const c = Buffer.from(r.subarray(0, 16 + snap));
      u32(c, 8, snap, l.little);
      out.push(c);
    } else {
      const type = l.little ? r.readUInt32LE(0) : r.readUInt32BE(0);
      if (type !== 6 || r.length < 32) {
        out.push(r);
        continue;
      }
      const cap = l.little ? r.readUInt32LE(20) : r.readUInt32BE(20);
      if (cap <= snap || 28 + cap > r.length - 4) {
        out.push(r);
        continue;
      }
      const padded = (snap + 3) & ~3;
      const len = 28 + padded + 4;
      const c = Buffer.alloc(len);
      r.copy(c, 0, 0, 28 + snap);
      u32(c, 4, len, l.little);
      u32(c, 20, snap, l.little);
      u32(c, len - 4, len, l.little);
      out.push(c);
    }
  }
  return join3(l, out);
}

/** Boundary values for length fields. */
const LENGTHS = [0, 1, 3, 4, 11, 12, 13, 15, 16, 19, 20, 0x7fff, 0xffff, 0x10000, 0x3ffffff, 0x7fffffff, 0xffffffff];

const KINDS = ['flip', 'overwrite', 'truncate', 'splice', 'record-length', 'header-length', 'snap', 'duplicate', 'reorder', 'drop', 'chain'] as const;
export type MutationKind = (typeof KINDS)[number];

/** One mutated input and how it was made. */
export interface FuzzCase {
  readonly index: number;
  readonly kind: MutationKind;
  readonly seed: string;
  readonly bytes: Buffer;
}

function mutateOnce(input: Buffer, kind: MutationKind, r: () => number, other: Buffer): Buffer {
  const pick = (n: number): number => Math.floor(r() * n);
  const b = Buffer.from(input);
  const l = split(b);
  switch (kind) {
    case 'flip': {
      for (let i = 1 + pick(8); i > 0 && b.length > 0; i--) {
        const at = pick(b.length);
        b[at] = b[at]! ^ (1 << pick(8));
      }
      return b;
    }
    case 'overwrite': {
      // 1–4 bytes at a random place: hits IP/TCP/TLS length and type fields inside records.
      if (b.length === 0) return b;
      const at = pick(b.length);
      const v = LENGTHS[pick(LENGTHS.length)]!;
      const width = 1 + pick(4);
      for (let i = 0; i < width && at + i < b.length; i++) b[at + i] = (v >>> (8 * (width - 1 - i))) & 0xff;
      return b;
    }
    case 'truncate':
      return b.subarray(0, pick(b.length + 1));
    case 'splice': {
      const lo = split(other);
      if (l !== undefined && lo !== undefined && r() < 0.5) {
        // Records of another capture (often another link type or format) after this one's.
        const a = l.records.slice(0, pick(l.records.length + 1));
        const c = lo.records.slice(pick(lo.records.length + 1));
        return join3(l, [...a, ...c], Buffer.alloc(0));
      }
      return Buffer.concat([b.subarray(0, pick(b.length + 1)), other.subarray(pick(other.length + 1))]);
    }
    case 'record-length': {
      if (l === undefined || l.records.length === 0) return b;
      const records = l.records.map((x) => Buffer.from(x));
      const rec = records[pick(records.length)]!;
      const v = r() < 0.5 ? LENGTHS[pick(LENGTHS.length)]! : (l.format === 'pcap' ? rec.length - 16 : rec.length) + pick(9) - 4;
      // pcap: incl_len (8) or orig_len (12); pcapng: block length (4), trailing length, or EPB captured (20) / original (24).
      const fields = l.format === 'pcap' ? [8, 12] : [4, rec.length - 4, 20, 24];
      u32(rec, fields[pick(fields.length)]!, v, l.little);
      return join3(l, records);
    }
    case 'header-length': {
      if (l === undefined) return b;
      const h = Buffer.from(l.header);
      // pcap: snaplen (16) or link type (20); pcapng: section length (16) or SHB length (4).
      const fields = l.format === 'pcap' ? [16, 20] : [4, 16];
      u32(h, fields[pick(fields.length)]!, LENGTHS[pick(LENGTHS.length)]!, l.little);
      return Buffer.concat([h, ...l.records, l.tail]);
    }
    case 'snap':
      return l === undefined ? b : snapCut(l, pick(260));
    case 'duplicate': {
      if (l === undefined || l.records.length === 0) return b;
      const records = [...l.records];
      for (let i = 1 + pick(4); i > 0; i--) {
        const at = pick(records.length);
        records.splice(at + pick(4), 0, records[at]!);
      }
      return join3(l, records);
    }
    case 'reorder': {
      if (l === undefined || l.records.length < 2) return b;
      const records = [...l.records];
      for (let i = 1 + pick(6); i > 0; i--) {
        const a = pick(records.length);
        const c = Math.min(records.length - 1, a + 1 + pick(5));
        [records[a], records[c]] = [records[c]!, records[a]!];
      }
      return join3(l, records);
    }
    case 'drop': {
      if (l === undefined || l.records.length === 0) return b;
      const records = [...l.records];
      for (let i = 1 + pick(4); i > 0 && records.length > 0; i--) records.splice(pick(records.length), 1);
      return join3(l, records);
    }
    case 'chain':
      return b;
  }
}

/** The `index`-th case of a run with `seed`. */
export function makeCase(seeds: readonly FuzzSeed[], seed: number, index: number): FuzzCase {
  const r = rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const from = seeds[Math.floor(r() * seeds.length)]!;
  const other = seeds[Math.floor(r() * seeds.length)]!.bytes;
  const kind = KINDS[Math.floor(r() * KINDS.length)]!;
  let bytes: Buffer;
  if (kind === 'chain') {
    bytes = from.bytes;
    for (let i = 2 + Math.floor(r() * 3); i > 0; i--) {
      bytes = mutateOnce(bytes, KINDS[Math.floor(r() * (KINDS.length - 1))]!, r, other);
    }
  } else {
    bytes = mutateOnce(from.bytes, kind, r, other);
  }
  return { index, kind, seed: from.name, bytes };
}

/** An Output that keeps nothing (the report is built and formatted, then dropped). */
export function nullOutput(): Output & { readonly bytes: number } {
  let bytes = 0;
  return {
    get bytes() {
      return bytes;
    },
    write(text: string) {
      bytes += text.length;
    },
    end: () => Promise.resolve(),
  };
}

export const FORMATS = ['text', 'jsonl', 'json'] as const;

/** How one case ended: ok, or the one-line error the CLI would print. `internal` is a bug. */
export interface CaseOutcome {
  readonly ok: boolean;
  readonly line: string | undefined;
  readonly internal: boolean;
  readonly ms: number;
}

/**
 * Runs the CLI's `analyze` action in-process on a file, exactly as `wirelab analyze FILE --format F` does,
 * and classifies the outcome as main.ts would print it.
 */
export async function runAnalyzeAction(path: string, format: (typeof FORMATS)[number]): Promise<CaseOutcome> {
  const started = performance.now();
  try {
    await analyzeCommand(path, { format, packets: true }, nullOutput());
    return { ok: true, line: undefined, internal: false, ms: performance.now() - started };
  } catch (e) {
    const ms = performance.now() - started;
    if (isHarnessError(e)) return { ok: false, line: `error [${e.code}]: ${e.message}`, internal: false, ms };
    const message = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    return { ok: false, line: `error [ERR_INTERNAL]: ${message}`, internal: true, ms };
  }
}

/** A short stable name for an input (for regression fixtures). */
export function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}
