/**
 * analyze.ts: `wirelab analyze FILE|-`: a Wireshark-like packet list, conversations and expert
 * summary, or JSON Lines in the tshark oracle's schema, or one JSON document.
 */
import { analyzeFrames } from '../../analyzer/analyze-capture.js';
import type { AnalyzedFrame } from '../../analyzer/analyze-capture.js';
import type { CaptureSummary } from '../../analyzer/analysis-result.js';
import { resolveFlagId } from '../../analyzer/analysis/expert.js';
import { ConfigError } from '../../analyzer/errors.js';
import { buildFrameRecord, parseEpoch } from '../../analyzer/report/frame-record.js';
import { frameRecordJson } from '../../analyzer/report/frame-record-json.js';
import { writeJsonReport } from '../../analyzer/report/json-stream.js';
import { formatPacketLine, formatTextReport } from '../../analyzer/report/text.js';
import { createCompletenessSpool } from '../completeness-spool.js';
import { createOutput, type Output } from '../output.js';
import { startProgress } from '../progress.js';
import { formatKeyLogWarning, readKeyLogFiles } from './key-log-files.js';
import { notACapture } from './capture-input.js';
import { createFileFindingSpill } from '../finding-spill.js';
import { periodicCollection } from '../memory.js';
import type { TlsKeyLog } from '../../analyzer/keys/key-log.js';

/** tshark's ASCII follow view: printable bytes, CR and LF as they are, anything else (tab too) as a dot. */
function asciiView(data: Buffer): string {
  let s = '';
  for (const b of data) s += (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d ? String.fromCharCode(b) : '.';
  return s;
}

const FOLLOW_RULE = '===================================================================';

/** `--follow N`: the stream's decrypted records as `tshark -z follow,tls,ascii,N` prints them (or raw). */
async function follow(file: string, stream: number, raw: boolean, keyLog: TlsKeyLog | undefined, out: Output): Promise<CaptureSummary> {
  const summary = await analyzeFrames(file, { keepFindings: false, keepDecrypted: true, ...(keyLog === undefined ? {} : { keyLog }) });
  const c = summary.conversations.find((x) => x.stream === stream);
  if (c === undefined) throw new ConfigError(`--follow ${stream}: no such tcp.stream (the capture has ${summary.conversations.length})`);
  const data = c.tls?.decryptedData;
  if (raw) {
    for (const chunk of data?.chunks ?? []) process.stdout.write(chunk.data);
    return summary;
  }
  const firstSide = data?.firstSide ?? 0;
  const node0 = firstSide === 0 ? c.client : c.server;
  out.write(`\n${FOLLOW_RULE}\nFollow: tls,ascii\nFilter: tcp.stream eq ${stream}\nNode 0: ${node0.address}:${node0.port}\nNode 1: :0\n`);
  for (const chunk of data?.chunks ?? []) {
    const indent = chunk.fromServer === firstSide ? '' : '\t';
    out.write(`${indent}${chunk.data.length}\n${asciiView(chunk.data)}\n`);
  }
  out.write(`${FOLLOW_RULE}\n`);
  if (c.tls === undefined || !c.tls.decrypted) {
    const notes = c.tls?.decryptionNotes ?? [];
    process.stderr.write(`note: stream ${stream} was not decrypted${notes.length > 0 ? ` (${notes.join('; ')})` : ''}\n`);
  }
  return summary;
}

/** Options of `wirelab analyze`. */
export interface AnalyzeCommandOptions {
  readonly format: 'text' | 'jsonl' | 'json';
  readonly stream?: readonly number[];
  readonly flag?: readonly string[];
  readonly packets: boolean;
  readonly quiet?: boolean;
  readonly parallelWindow?: number;
  /** Key log files (NSS format); SSLKEYLOGFILE when none. */
  readonly keylog?: readonly string[];
  /** Print this stream's decrypted bytes both ways instead of the report. */
  readonly follow?: number;
  /** With follow: write the raw bytes instead of tshark's ASCII view. */
  readonly raw?: boolean;
}

const FORMATS = ['text', 'jsonl', 'json'] as const;

/** Accepts `fast_retransmission`, `tcp.analysis.fast_retransmission` or `tcp.connection.rst`. */
function resolveFlagIds(flags: readonly string[]): Set<string> {
  return new Set(flags.map((flag) => resolveFlagId(flag)));
}

/** An Output that keeps everything until end(), then hands it to `target`; dropped on an error. */
function heldOutput(target: Output): Output {
  const held: string[] = [];
  return {
    write(text: string): void {
      held.push(text);
    },
    async end(): Promise<void> {
      for (const text of held) target.write(text);
      await target.end();
    },
  };
}

/** Runs `wirelab analyze`, writing to `out` (default stdout); resolves to the exit code. Reads the capture once, in every format. */
export async function analyzeCommand(file: string, options: AnalyzeCommandOptions, stdout: Output = createOutput()): Promise<number> {
  if (!FORMATS.includes(options.format)) {
    throw new ConfigError(`--format must be one of ${FORMATS.join(', ')} (got "${options.format}")`);
  }
  const streams = options.stream === undefined || options.stream.length === 0 ? undefined : new Set(options.stream);
  const flagIds = options.flag === undefined || options.flag.length === 0 ? undefined : resolveFlagIds(options.flag);
  // A frame's findings are all known when it is analysed, so both filters apply at once.
  const wanted = ({ step, findings }: AnalyzedFrame): boolean => {
    if (streams !== undefined && (step.tcp === undefined || !streams.has(step.tcp.stream))) return false;
    if (flagIds !== undefined && !findings.some((f) => flagIds.has(f.id))) return false;
    return true;
  };
  // With --stream a file's lines wait until the streams are known to exist, so a missing one prints
  // nothing but its error (they are the chosen streams' lines only); a pipe prints as it goes.
  const out = streams !== undefined && file !== '-' ? heldOutput(stdout) : stdout;
  const keys = await readKeyLogFiles(options.keylog ?? []);
  for (const w of keys.warnings) process.stderr.write(`warning: ${formatKeyLogWarning(w)}\n`);
  // Frame lines on the same terminal would tear the bar: it shows when the frames go elsewhere.
  const framesOnTerminal = process.stdout.isTTY === true && (options.format === 'jsonl' || (options.format === 'text' && options.packets));
  const progress = await startProgress({ label: 'analyze', path: file, quiet: options.quiet === true || framesOnTerminal });
  const keyOptions = {
    onRead: progress.onRead,
    onProgress: progress.onFrames,
    progressEveryFrames: 10_000,
    ...(keys.keyLog === undefined ? {} : { keyLog: keys.keyLog }),
    ...(options.parallelWindow === undefined ? {} : { parallelWindowMs: options.parallelWindow }),
    // Findings, expert counts and conversations cover the chosen streams; a missing one is an error.
    ...(streams === undefined ? {} : { streams }),
  };
  let summary: CaptureSummary;
  try {
    if (options.follow !== undefined) {
      summary = await follow(file, options.follow, options.raw === true, keys.keyLog, out);
    } else if (options.format === 'json') {
      // Findings wait for the document's end: their older blocks go to a temporary file, so memory stays flat.
      summary = await analyzeFrames(file, { ...keyOptions, findingSpill: createFileFindingSpill() });
      try {
        if (!notACapture(summary)) writeJsonReport(summary, (text) => out.write(text), streams, flagIds);
      } finally {
        summary.findingStore.close();
      }
    } else if (options.format === 'jsonl' && file === '-') {
      // A pipe cannot wait for the end (it may be a live capture): each line goes out as its frame
      // arrives, completeness null; the conversations' reports carry the final value.
      summary = await analyzeFrames(file, { keepFindings: false, ...keyOptions }, (frame) => {
        if (!wanted(frame)) return;
        out.write(`${frameRecordJson(buildFrameRecord(frame.step, frame.findings))}\n`);
      });
    } else if (options.format === 'jsonl') {
      // Each line carries its stream's final completeness: the spool holds lines until the end.
      const spool = createCompletenessSpool();
      const tick = periodicCollection();
      summary = await analyzeFrames(file, { keepFindings: false, ...keyOptions }, (frame) => {
        tick();
        if (!wanted(frame)) return;
        spool.add(frameRecordJson(buildFrameRecord(frame.step, frame.findings)), frame.step.tcp?.stream ?? null);
      });
      spool.drain((stream) => summary.completenessOf(stream), (text) => out.write(text));
    } else {
      // Times are relative to the first frame listed, or to the capture's first frame with --flag.
      let startNs: bigint | undefined;
      const onFrame = !options.packets
        ? undefined
        : (frame: AnalyzedFrame): void => {
            if (startNs === undefined && flagIds !== undefined) startNs = frame.step.packet.frame.timestampNs;
            if (!wanted(frame)) return;
            const record = buildFrameRecord(frame.step, frame.findings);
            if (startNs === undefined) startNs = parseEpoch(record.time_epoch);
            out.write(`${formatPacketLine(record, startNs)}\n`);
          };
      summary = await analyzeFrames(file, { keepFindings: false, ...keyOptions }, onFrame);
      if (!notACapture(summary)) out.write(`\n${formatTextReport(summary, streams === undefined ? {} : { streams })}\n`);
    }
  } finally {
    progress.stop();
  }
  await out.end();
  // Notes about the key log go to stderr so that JSON and JSONL stay clean.
  for (const w of summary.keyLogWarnings ?? []) process.stderr.write(`warning: ${w}\n`);
  if (summary.readError !== undefined) throw summary.readError;
  return 0;
}
