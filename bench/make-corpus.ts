/**
 * make-corpus.ts: writes (once, then reuses) the seeded benchmark corpora under .bench/: plain Ethernet, tunnelled,
 * and keyed (TLS application data sealed with real session keys, the key log beside it as FILE.keys).
 * Bench code: uses analyzer/encode and the pcap writer; must not import harness/ or cap.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createPcapWriter } from '../analyzer/capture/pcap-writer.js';
import { encodeEthernet, encodeVlan } from '../analyzer/encode/link-encoders.js';
import { encodeIpv4 } from '../analyzer/encode/ip-encoders.js';
import { encodeUdp } from '../analyzer/encode/transport-encoders.js';
import { encodeGre, encodeGtpU } from '../analyzer/encode/tunnel-encoders.js';
import type { Encapsulation } from '../analyzer/encode/encapsulation.js';
import { ConfigError } from '../analyzer/errors.js';
import { LinkType } from '../analyzer/packet/frame.js';
import { EtherType, IpProtocol } from '../analyzer/packet/packet.js';
import { simulateTraffic } from './corpus/simulate-traffic.js';
import type { CorpusPacket, TrafficOptions } from './corpus/simulate-traffic.js';
import { loadKeyedTlsTemplates, loadTlsTemplates, type TlsTemplate } from './corpus/tls-templates.js';

/** Bump when the traffic model changes, so stale corpora under .bench/ are not reused. */
const GENERATOR_VERSION = 1;

/** Default directory of corpora and results (git-ignored). */
export const BENCH_DIR = fileURLToPath(new URL('../.bench/', import.meta.url));

/** Which corpus to make. */
export interface CorpusSpec {
  /**
   * `plain`: Ethernet; `tunnel`: Ethernet + VLAN + IPv4, then GTP-U (UDP 2152) or GRE, then the inner IP;
   * `keyed`: Ethernet, with every TLS record really encrypted (HTTP/1.1 inside) and a key log that opens them.
   */
  readonly kind: 'plain' | 'tunnel' | 'keyed';
  readonly packets: number;
  readonly seed: number;
  /** Directory for the file (default .bench/). */
  readonly dir?: string;
}

/** A corpus on disk. */
export interface CorpusFile {
  readonly path: string;
  /** The key log of a keyed corpus (NSS format). */
  readonly keyLogPath?: string;
  readonly packets: number;
  readonly bytes: number;
  /** False when an existing file was reused. */
  readonly generated: boolean;
}

const OUTER = [Buffer.from([198, 18, 200, 1]), Buffer.from([198, 18, 200, 2])] as const;

/**
 * A mobile-core / data-centre wrapping: VLAN 100 + GTP-U for even connections, VLAN 200 + GRE for odd
 * ones, so both tunnel decoders are on the measured path.
 */
function tunnelOf(connection: number): Encapsulation {
  const gtp = connection % 2 === 0;
  let n = 0;
  return {
    name: gtp ? 'vlan-gtpu' : 'vlan-gre',
    linkType: LinkType.Ethernet,
    wrap(ip: Buffer, reverse: boolean): Buffer {
      n++;
      const src = OUTER[reverse ? 1 : 0];
      const dst = OUTER[reverse ? 0 : 1];
      const innerType = ip[0]! >> 4 === 6 ? EtherType.Ipv6 : EtherType.Ipv4;
      const outer = gtp
        ? encodeIpv4(encodeUdp(encodeGtpU(ip, { teid: 0x1000 + connection * 2 + (reverse ? 1 : 0) }),
          { src, dst, sport: 2152, dport: 2152, zeroChecksum: true }), { src, dst, protocol: IpProtocol.Udp, identification: n & 0xffff })
        : encodeIpv4(encodeGre(ip, { protocol: innerType, key: connection }),
          { src, dst, protocol: IpProtocol.Gre, identification: n & 0xffff });
      return encodeEthernet(encodeVlan(outer, { vid: gtp ? 100 : 200, etherType: EtherType.Ipv4 }), { etherType: EtherType.Vlan });
    },
  };
}

/** Traffic options of a corpus spec. */
function trafficOptionsOf(spec: CorpusSpec): TrafficOptions {
  return spec.kind === 'tunnel'
    ? { packets: spec.packets, seed: spec.seed, encapsulationOf: tunnelOf }
    : { packets: spec.packets, seed: spec.seed };
}

/** The file name encodes everything that determines the bytes. */
function corpusPath(spec: CorpusSpec): string {
  return join(spec.dir ?? BENCH_DIR, `corpus-${spec.kind}-${spec.packets}-s${spec.seed}-v${GENERATOR_VERSION}.pcap`);
}

/**
 * Frames of the corpus in capture order, generated on the fly (nothing is kept in memory).
 * @example
 * for (const p of await corpusFrames({ kind: 'plain', packets: 2000, seed: 1 })) parser.push(...)
 */
export async function corpusFrames(spec: CorpusSpec, templates?: readonly TlsTemplate[]): Promise<Iterable<CorpusPacket>> {
  return simulateTraffic(trafficOptionsOf(spec), templates ?? (spec.kind === 'keyed' ? await loadKeyedTlsTemplates() : await loadTlsTemplates()));
}

/** The key log that decrypts a keyed corpus: its templates' sessions (every connection reuses one of them). */
function keyLogOf(templates: readonly TlsTemplate[]): string {
  return templates.flatMap((t) => t.keys?.keyLogLines ?? []).map((l) => `${l}\n`).join('');
}

/** A Writable that writes synchronously, so the generator never runs ahead of the disk. */
function syncFileStream(fd: number): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writeSync(fd, chunk);
      callback();
    },
    final(callback) {
      closeSync(fd);
      callback();
    },
  });
}

/**
 * Returns the corpus file, generating it first when it does not exist. Generation writes to a
 * temporary name and renames at the end, so an interrupted run never leaves a corpus to reuse.
 * `onProgress(frames)` is called every 50 000 frames while generating.
 * @throws ConfigError for a non-positive packet count.
 */
export async function ensureCorpus(spec: CorpusSpec, onProgress?: (frames: number) => void): Promise<CorpusFile> {
  if (!Number.isInteger(spec.packets) || spec.packets < 1) {
    throw new ConfigError(`corpus: packets must be a positive integer (got ${spec.packets})`);
  }
  const path = corpusPath(spec);
  const sidecar = `${path}.json`;
  const keyLog = spec.kind === 'keyed' ? { keyLogPath: `${path}.keys` } : {};
  mkdirSync(spec.dir ?? BENCH_DIR, { recursive: true });
  // A keyed corpus's templates are loaded once: for its key log, then (when generating) for its traffic.
  const keyedTemplates = spec.kind === 'keyed' ? await loadKeyedTlsTemplates() : undefined;
  if (keyedTemplates !== undefined) writeFileSync(`${path}.keys`, keyLogOf(keyedTemplates));
  if (existsSync(path)) {
    const bytes = statSync(path).size;
    const known = existsSync(sidecar) ? (JSON.parse(readFileSync(sidecar, 'utf8')) as { packets: number; bytes: number }) : undefined;
    const packets = known !== undefined && known.bytes === bytes ? known.packets : countFrames(path);
    return { path, packets, bytes, generated: false, ...keyLog };
  }
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const writer = createPcapWriter(syncFileStream(openSync(tmp, 'w')), { linkType: LinkType.Ethernet, nanosecond: true, name: tmp });
    let frames = 0;
    for (const packet of await corpusFrames(spec, keyedTemplates)) {
      writer.write(packet);
      if (++frames % 50_000 === 0) onProgress?.(frames);
    }
    await writer.close();
    renameSync(tmp, path);
    const bytes = statSync(path).size;
    writeFileSync(sidecar, `${JSON.stringify({ packets: frames, bytes })}\n`);
    return { path, packets: frames, bytes, generated: true, ...keyLog };
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Counts the records of a pcap file by walking its record headers (no decoding). */
function countFrames(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const header = Buffer.alloc(16);
    let off = 24;
    let frames = 0;
    while (off + 16 <= size) {
      readSyncFull(fd, header, off);
      off += 16 + header.readUInt32LE(8);
      frames++;
    }
    return frames;
  } finally {
    closeSync(fd);
  }
}

function readSyncFull(fd: number, buf: Buffer, position: number): void {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) throw new ConfigError(`corpus: unexpected end of file at offset ${position + got}`);
    got += n;
  }
}

/** Default corpora of `npm run bench`: ≥ 1M plain frames, ~200k tunnelled ones, ≥ 1M keyed ones. */
export const DEFAULT_CORPORA = {
  plain: { kind: 'plain', packets: 1_000_000, seed: 1 },
  tunnel: { kind: 'tunnel', packets: 200_000, seed: 2 },
  keyed: { kind: 'keyed', packets: 1_000_000, seed: 3 },
} as const satisfies Record<string, CorpusSpec>;

// `node --import tsx bench/make-corpus.ts [packets]`: make (or find) the default corpora.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const packets = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  for (const base of [DEFAULT_CORPORA.plain, DEFAULT_CORPORA.tunnel, DEFAULT_CORPORA.keyed]) {
    const spec: CorpusSpec = packets === undefined ? base : { ...base, packets };
    const started = Date.now();
    const file = await ensureCorpus(spec, (n) => process.stderr.write(`\r${spec.kind}: ${n} frames…`));
    process.stderr.write(`\r${file.path}: ${file.packets} frames, ${(file.bytes / 1e6).toFixed(1)} MB` +
      `${file.generated ? ` in ${((Date.now() - started) / 1000).toFixed(1)} s` : ' (reused)'}\n`);
  }
}
