/**
 * bench-worker.ts: runs one benchmark mode in its own process (so peak RSS is per mode) and prints one JSON line.
 * Bench code; started by bench/run.ts as `node --expose-gc dist/bench/bench-worker.js MODE FILE ITER` (compiled,
 * the default) or `node --import tsx --expose-gc bench/bench-worker.ts …` (`npm run bench -- --source`).
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeCapture } from '../analyzer/analyze-capture.js';
import { createCaptureParser } from '../analyzer/capture/capture-parser.js';
import { readFrameColumns } from '../analyzer/capture/frame-columns.js';
import { decodeFrame } from '../analyzer/decode/decode-frame.js';
import { decodeTcpFast, TcpScratch } from '../analyzer/decode/fast-tcp.js';
import { ConfigError } from '../analyzer/errors.js';
import { parseKeyLog } from '../analyzer/keys/key-log.js';
import type { Frame } from '../analyzer/packet/frame.js';
import { createPipeline } from '../analyzer/pipeline.js';

/** What a mode measures. */
export const BenchMode = {
  /** The push parser over 1 MiB file chunks; frames counted. */
  Read: 'read',
  /** The columnar reader (frame-columns.ts): batches of typed-array columns, no object per frame. */
  ReadColumns: 'read-columns',
  /** The columnar reader + the fast decoder (fast-tcp.ts) into one scratch record; decodeFrame for the frames it refuses. */
  DecodeColumns: 'decode-columns',
  /** Read + decodeFrame. */
  Decode: 'decode',
  /** Read + the pipeline: decode, IP reassembly, TCP and TLS analysis. */
  Pipeline: 'pipeline',
  /** Pipeline with the key log FILE.keys: every TLS record decrypted, HTTP parsed inside. */
  PipelineKeys: 'pipeline-keys',
  /** analyzeCapture(path, { keepFrames: false }): the CLI summary path (async reader, findings, reports). */
  Analyze: 'analyze',
} as const;
export type BenchMode = (typeof BenchMode)[keyof typeof BenchMode];

/** One worker's answer. */
export interface WorkerResult {
  readonly mode: BenchMode;
  readonly frames: number;
  /** Wall time of each iteration. */
  readonly secondsPerIteration: readonly number[];
  /**
   * Memory still used after the iteration (after a full GC, results still referenced) minus before it:
   * V8 heap plus ArrayBuffers, since a kept Buffer view pins its whole 1 MiB read chunk outside the heap.
   */
  readonly heapGrowthBytes: readonly number[];
  /** process.resourceUsage().maxRSS at the end, in bytes. */
  readonly maxRssBytes: number;
  /** A checksum of the work (frames with TCP, TLS frames, …) so the work cannot be optimised away. */
  readonly check: number;
}

const CHUNK_BYTES = 1 << 20;

/** Reads `path` in fresh 1 MiB chunks (the parser may keep views into them) and parses every frame. */
function parseFile(path: string, onFrame: (frame: Frame) => void): void {
  const parser = createCaptureParser(path);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      parser.push(n === CHUNK_BYTES ? chunk : chunk.subarray(0, n), onFrame);
    }
    parser.end();
  } finally {
    closeSync(fd);
  }
}

/** Runs one iteration; returns the frame count, a checksum and what must stay alive until measured. */
async function runOnce(mode: BenchMode, path: string): Promise<{ frames: number; check: number; keep: unknown }> {
  let frames = 0;
  let check = 0;
  switch (mode) {
    case BenchMode.Read:
      parseFile(path, (frame) => {
        frames++;
        check += frame.data.length;
      });
      return { frames, check, keep: undefined };
    case BenchMode.ReadColumns:
      for await (const b of readFrameColumns(path)) {
        frames += b.count;
        const lengths = b.capturedLength;
        for (let i = 0; i < b.count; i++) check += lengths[i]!;
      }
      return { frames, check, keep: undefined };
    case BenchMode.DecodeColumns: {
      const scratch = new TcpScratch();
      for await (const b of readFrameColumns(path)) {
        for (let i = 0; i < b.count; i++) {
          const at = b.dataOffset[i]!;
          const length = b.capturedLength[i]!;
          if (decodeTcpFast(b.bytes, at, length, b.originalLength[i]!, b.linkType[i]!, scratch)) check += scratch.segmentLength;
          else {
            const frame: Frame = { index: b.firstIndex + i, timestampNs: b.baseNs + BigInt(b.timeNs[i]!), linkType: b.linkType[i]!, originalLength: b.originalLength[i]!, data: b.bytes.subarray(at, at + length), interfaceId: b.interfaceId[i]! };
            if (decodeFrame(frame).tcp !== undefined) check++;
          }
        }
        frames += b.count;
      }
      return { frames, check, keep: undefined };
    }
    case BenchMode.Decode:
      parseFile(path, (frame) => {
        frames++;
        if (decodeFrame(frame).tcp !== undefined) check++;
      });
      return { frames, check, keep: undefined };
    case BenchMode.Pipeline:
    case BenchMode.PipelineKeys: {
      const keys = mode === BenchMode.PipelineKeys ? parseKeyLog([{ text: readFileSync(`${path}.keys`, 'utf8'), source: `${path}.keys` }]).keyLog : undefined;
      const pipeline = createPipeline(keys === undefined ? {} : { tlsKeyLog: keys });
      parseFile(path, (frame) => {
        frames++;
        const step = pipeline.push(frame);
        if (step.tls !== null) check++;
      });
      const result = pipeline.finish();
      return { frames, check: check + result.tcp.conversations.length, keep: result };
    }
    case BenchMode.Analyze: {
      const analysis = await analyzeCapture(path, { keepFrames: false });
      return { frames: analysis.frameCount, check: analysis.findings.length, keep: analysis };
    }
  }
}

function retainedBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new ConfigError('bench-worker: run node with --expose-gc so heap growth can be measured');
  gc();
}

/**
 * Runs `mode` over `path` `iterations` times and returns the timings and peak RSS.
 * @throws ConfigError for an unknown mode or a non-positive iteration count.
 */
export async function runWorker(mode: string, path: string, iterations: number): Promise<WorkerResult> {
  if (!(Object.values(BenchMode) as string[]).includes(mode)) {
    throw new ConfigError(`bench-worker: unknown mode "${mode}"; expected one of ${Object.values(BenchMode).join(', ')}`);
  }
  if (!Number.isInteger(iterations) || iterations < 1) throw new ConfigError(`bench-worker: iterations must be a positive integer (got ${iterations})`);
  const m = mode as BenchMode;
  const seconds: number[] = [];
  const growth: number[] = [];
  let frames = 0;
  let check = 0;
  for (let i = 0; i < iterations; i++) {
    collectGarbage();
    const heapBefore = retainedBytes();
    const started = process.hrtime.bigint();
    const run = await runOnce(m, path);
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
    collectGarbage();
    growth.push(retainedBytes() - heapBefore);
    frames = run.frames;
    check = run.check;
    if (run.keep === null) check++; // keeps `run.keep` (the analysis state) referenced until after the GC
  }
  return { mode: m, frames, secondsPerIteration: seconds, heapGrowthBytes: growth, maxRssBytes: process.resourceUsage().maxRSS * 1024, check };
}

const [, script, modeArg, pathArg, iterArg] = process.argv;
if (script === fileURLToPath(import.meta.url) && modeArg !== undefined && pathArg !== undefined) {
  const result = await runWorker(modeArg, pathArg, Number(iterArg ?? 1));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
