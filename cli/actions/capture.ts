/**
 * capture.ts: `wirelab capture`: a live libpcap capture (harness/live-capture.ts) written to pcapng, with
 * the TLS key log stored in a Decryption Secrets Block, a ring buffer, stop conditions, a status line, and
 * optionally the packet list and analysis printed as frames arrive (the analyzer's one-pass live mode).
 */
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { analyzeCapture } from '../../analyzer/analyze-capture.js';
import type { FrameRecord } from '../../analyzer/analysis-result.js';
import { createPcapngWriter, type PcapngWriter } from '../../analyzer/capture/pcapng-writer.js';
import { readCaptureFile } from '../../analyzer/capture/open-capture.js';
import { ConfigError, EnvironmentError } from '../../analyzer/errors.js';
import type { Frame } from '../../analyzer/packet/frame.js';
import { parseEpoch } from '../../analyzer/report/frame-record.js';
import { formatPacketLine, formatTextReport } from '../../analyzer/report/text.js';
import { startLiveCapture } from '../../harness/live-capture.js';
import { parsePositive } from '../numbers.js';
import { createOutput } from '../output.js';

/** Options of `wirelab capture`. */
export interface CaptureCommandOptions {
  readonly interface: string;
  readonly filter: string;
  readonly write?: string;
  readonly keylog?: string;
  readonly count?: string;
  readonly autostop?: string;
  readonly ringBuffer?: string;
  readonly snaplen: string;
  readonly analyze?: boolean;
  readonly quiet?: boolean;
}

/** A parsed ring buffer: rotate after `fileBytes`, keep the newest `files`. */
export interface RingBuffer {
  readonly fileBytes: number;
  readonly files: number;
}

const positiveInt = (text: string, what: string): number => parsePositive(text, what, true);

/** `duration:S` → seconds. @throws ConfigError */
export function parseAutostop(text: string): number {
  const m = /^duration:(\d+(?:\.\d+)?)$/.exec(text);
  if (m === null || Number(m[1]) <= 0) throw new ConfigError(`-a takes duration:SECONDS (got "${text}")`);
  return Number(m[1]);
}

/** `filesize:MB,files:N` (either order) → bytes and count. @throws ConfigError */
export function parseRingBuffer(text: string): RingBuffer {
  let fileBytes: number | undefined;
  let files: number | undefined;
  for (const part of text.split(',')) {
    const [key, value = ''] = part.split(':');
    if (key === 'filesize') fileBytes = positiveInt(value, '-b filesize') * 1_000_000;
    else if (key === 'files') files = positiveInt(value, '-b files');
    else throw new ConfigError(`-b takes filesize:MB,files:N (got "${text}")`);
  }
  if (fileBytes === undefined || files === undefined) throw new ConfigError(`-b takes filesize:MB,files:N (got "${text}")`);
  return { fileBytes, files };
}

/** Ring file names as tshark numbers them: lab.pcapng → lab_00001.pcapng. */
export function ringFileName(path: string, n: number): string {
  const ext = extname(path) || '.pcapng';
  return join(dirname(path), `${basename(path, extname(path))}_${String(n).padStart(5, '0')}${ext}`);
}

/**
 * The files a capture writes. Frames go to a `.partial` file as they arrive; closing a file rewrites it
 * with the key log's Decryption Secrets Block in front of the packets (the key log grows while the
 * server runs, and Wireshark needs the secrets before the packets they decrypt).
 */
class CaptureFiles {
  private writer: PcapngWriter | undefined;
  private partial = '';
  private bytes = 0;
  private fileNumber = 0;
  readonly written: string[] = [];

  constructor(
    private readonly path: string,
    private readonly ring: RingBuffer | undefined,
    private readonly iface: { linkType: number; name: string; snapLen: number },
    private readonly keyLogPath: string | undefined,
  ) {}

  async write(frame: Frame): Promise<void> {
    if (this.writer === undefined) this.open();
    this.writer!.write({ timestampNs: frame.timestampNs, data: frame.data, originalLength: frame.originalLength });
    this.bytes += frame.data.length + 32;
    if (this.ring !== undefined && this.bytes >= this.ring.fileBytes) await this.rotate();
  }

  private open(): void {
    this.fileNumber++;
    const target = this.ring === undefined ? this.path : ringFileName(this.path, this.fileNumber);
    this.partial = `${target}.partial`;
    this.writer = createPcapngWriter(this.partial);
    this.writer.addInterface({ linkType: this.iface.linkType, name: this.iface.name, snapLen: this.iface.snapLen, tsResolutionNs: true });
    this.bytes = 0;
  }

  private async rotate(): Promise<void> {
    await this.closeCurrent();
    // The next file counts too: N files in all, as tshark's ring buffer.
    await this.trim(1);
  }

  private async trim(open: number): Promise<void> {
    while (this.ring !== undefined && this.written.length + open > this.ring.files) await rm(this.written.shift()!, { force: true });
  }

  private async closeCurrent(): Promise<void> {
    const writer = this.writer;
    if (writer === undefined) return;
    this.writer = undefined;
    await writer.close();
    const target = this.partial.slice(0, -'.partial'.length);
    const keyLog = this.keyLogPath === undefined ? '' : await readFile(this.keyLogPath, 'latin1').catch(() => '');
    if (keyLog.trim() === '') {
      await rename(this.partial, target);
    } else {
      const frames = await readCaptureFile(this.partial);
      const out = createPcapngWriter(target);
      out.addInterface({ linkType: this.iface.linkType, name: this.iface.name, snapLen: this.iface.snapLen, tsResolutionNs: true });
      out.writeDecryptionSecrets(keyLog.endsWith('\n') ? keyLog : `${keyLog}\n`);
      for (const f of frames) out.write({ timestampNs: f.timestampNs, data: f.data, originalLength: f.originalLength });
      await out.close();
      await rm(this.partial, { force: true });
    }
    this.written.push(target);
  }

  /** Closes the last file (an empty capture still gets its file, as tshark's). */
  async close(): Promise<void> {
    if (this.writer === undefined && this.written.length === 0) this.open();
    await this.closeCurrent();
    await this.trim(0);
  }

  async abandon(): Promise<void> {
    await this.writer?.close().catch(() => {});
    if (this.partial !== '') await rm(this.partial, { force: true });
  }
}

/** An async queue of frames: the capture pushes, the analyzer iterates. */
function frameQueue(): { push(f: Frame): void; end(): void; iterable: AsyncIterable<Frame> } {
  const items: Frame[] = [];
  let done = false;
  let wake: (() => void) | undefined;
  return {
    push(f) {
      items.push(f);
      wake?.();
    },
    end() {
      done = true;
      wake?.();
    },
    iterable: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (items.length > 0) yield items.shift()!;
          if (done) return;
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
      },
    },
  };
}

const kb = (bytes: number): string => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`);

/** Runs `wirelab capture`; resolves to the exit code when a stop condition or Ctrl-C ends it. */
export async function captureCommand(options: CaptureCommandOptions, signal?: AbortSignal): Promise<number> {
  const maxPackets = options.count === undefined ? undefined : positiveInt(options.count, '-c');
  const durationS = options.autostop === undefined ? undefined : parseAutostop(options.autostop);
  const ring = options.ringBuffer === undefined ? undefined : parseRingBuffer(options.ringBuffer);
  const snapLen = positiveInt(options.snaplen, '-s');
  if (ring !== undefined && options.write === undefined) throw new ConfigError('-b needs -w FILE (the ring files are named after it)');
  if (options.keylog !== undefined && options.write === undefined) throw new ConfigError('--keylog needs -w FILE (the keys go into the file)');
  if (options.keylog !== undefined && !(await stat(options.keylog).then((s) => s.isFile(), () => true))) throw new ConfigError(`--keylog ${options.keylog}: not a file`);
  const printPackets = options.write === undefined || options.analyze === true;

  const out = createOutput();
  const queue = printPackets ? frameQueue() : undefined;
  let startNs: bigint | undefined;
  const analysis = queue === undefined
    ? undefined
    : analyzeCapture(queue.iterable, {
        name: options.interface,
        keepFrames: false,
        keepFindings: false,
        onFrame: (record: FrameRecord) => {
          startNs ??= parseEpoch(record.time_epoch);
          out.write(`${formatPacketLine(record, startNs)}\n`);
        },
      });

  let packets = 0;
  let bytes = 0;
  let files: CaptureFiles | undefined;
  let pendingWrite: Promise<void> = Promise.resolve();
  let writeError: unknown;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolveStop) => (stop = resolveStop));
  const capture = startLiveCapture({
    device: options.interface,
    filter: options.filter,
    snapLen,
    onFrame: (frame) => {
      if (maxPackets !== undefined && packets >= maxPackets) return;
      packets++;
      bytes += frame.originalLength;
      queue?.push(frame);
      if (files !== undefined) pendingWrite = pendingWrite.then(() => files!.write(frame)).catch((e: unknown) => void (writeError ??= e));
      if (maxPackets !== undefined && packets >= maxPackets) stop();
    },
  });
  if (options.write !== undefined) files = new CaptureFiles(options.write, ring, { linkType: capture.linkType, name: options.interface, snapLen }, options.keylog);

  const startMs = performance.now();
  if (options.quiet !== true) {
    const until = [maxPackets === undefined ? '' : `${maxPackets} packets`, durationS === undefined ? '' : `${durationS} s`].filter((x) => x !== '').join(' or ');
    process.stderr.write(`wirelab capture: capturing on ${options.interface}${options.filter === '' ? '' : ` (${options.filter})`}${until === '' ? '' : ` for ${until}`}; Ctrl-C stops\n`);
  }
  const statusOn = options.quiet !== true && process.stderr.isTTY === true && !(printPackets && process.stdout.isTTY === true);
  // Kernel drops: packets the kernel discarded because libpcap's ring was full (read about once a second).
  let drops: number | undefined;
  let reading = false;
  const refreshDrops = (): void => {
    if (reading) return;
    reading = true;
    void capture.kernelDrops().then((n) => {
      drops = n ?? drops;
      reading = false;
    });
  };
  const dropWords = (): string => (drops !== undefined ? `kernel drops ${drops}` : `kernel drops unknown${capture.kernelDropsUnavailable === undefined ? '' : ` (${capture.kernelDropsUnavailable})`}`);
  const status = (): string =>
    `capturing on ${options.interface}${options.filter === '' ? '' : ` (${options.filter})`}: ${packets} packets, ${kb(bytes)}, ${((performance.now() - startMs) / 1000).toFixed(1)} s; ${dropWords()}`;
  let ticks = 0;
  const statusTimer = statusOn
    ? setInterval(() => {
        if (ticks++ % 4 === 0) refreshDrops();
        process.stderr.write(`\r\x1b[K${status()}`);
      }, 250)
    : undefined;
  const timer = durationS === undefined ? undefined : setTimeout(stop, durationS * 1000);
  const onSignal = (): void => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  signal?.addEventListener('abort', onSignal, { once: true });
  try {
    await stopped;
    // The final count, read before the socket closes.
    drops = (await capture.kernelDrops()) ?? drops;
  } finally {
    capture.stop();
    if (timer !== undefined) clearTimeout(timer);
    if (statusTimer !== undefined) clearInterval(statusTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (statusOn) process.stderr.write('\r\x1b[K');
  }
  await pendingWrite;
  try {
    if (writeError !== undefined) throw writeError;
    await files?.close();
  } catch (e) {
    await files?.abandon();
    throw e instanceof EnvironmentError ? e : new EnvironmentError(`capture: cannot write ${options.write}: ${(e as Error).message}`, { cause: e });
  }
  queue?.end();
  const result = await analysis;
  if (result !== undefined && options.analyze === true) out.write(`\n${formatTextReport(result)}\n`);
  await out.end();
  const wrote = files === undefined ? '' : `; wrote ${files.written.join(', ')}${options.keylog === undefined ? '' : ` with the key log of ${options.keylog} inside`}`;
  if (options.quiet !== true) process.stderr.write(`captured ${packets} packets (${kb(bytes)}) in ${((performance.now() - startMs) / 1000).toFixed(1)} s on ${options.interface}; ${dropWords()}${wrote}\n`);
  return 0;
}
