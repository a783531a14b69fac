/**
 * analyze.ts: `wirelab analyze FILE|-`: a Wireshark-like packet list, conversations and expert
 * summary, or JSON Lines in the tshark oracle's schema, or one JSON document.
 */
import { analyzeCapture } from '../../analyzer/analyze-capture.js';
import type { Analysis, FrameRecord } from '../../analyzer/analysis-result.js';
import { Expert } from '../../analyzer/analysis/expert.js';
import { ConfigError } from '../../analyzer/errors.js';
import { parseEpoch } from '../../analyzer/report/frame-record.js';
import { formatPacketLine, formatTextReport } from '../../analyzer/report/text.js';
import { toJsonReport } from '../../analyzer/report/json.js';
import { createOutput } from '../output.js';
import type { Output } from '../output.js';
import { formatKeyLogWarning, readKeyLogFiles } from './key-log-files.js';
import type { TlsKeyLog } from '../../analyzer/keys/key-log.js';

/** tshark's ASCII follow view: printable bytes, CR and LF as they are, anything else (tab too) as a dot. */
function asciiView(data: Buffer): string {
  let s = '';
  for (const b of data) s += (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d ? String.fromCharCode(b) : '.';
  return s;
}

const FOLLOW_RULE = '===================================================================';

/** `--follow N`: the stream's decrypted records as `tshark -z follow,tls,ascii,N` prints them (or raw). */
async function follow(file: string, stream: number, raw: boolean, keyLog: TlsKeyLog | undefined, out: Output): Promise<Analysis> {
  const analysis = await analyzeCapture(file, {
    keepFrames: false,
    keepFindings: false,
    keepDecrypted: true,
    ...(keyLog === undefined ? {} : { keyLog }),
  });
  const c = analysis.conversations.find((x) => x.stream === stream);
  if (c === undefined) throw new ConfigError(`--follow ${stream}: no such tcp.stream (the capture has ${analysis.conversations.length})`);
  const data = c.tls?.decryptedData;
  if (raw) {
    for (const chunk of data?.chunks ?? []) process.stdout.write(chunk.data);
    return analysis;
  }
  const firstSide = data?.firstSide ?? 0;
  const node0 = firstSide === 0 ? c.client : c.server;
  out.write(`
${FOLLOW_RULE}
Follow: tls,ascii
Filter: tcp.stream eq ${stream}
Node 0: ${node0.address}:${node0.port}
Node 1: :0
`);
  for (const chunk of data?.chunks ?? []) {
    const indent = chunk.fromServer === firstSide ? '' : '\t';
    out.write(`${indent}${chunk.data.length}\n${asciiView(chunk.data)}\n`);
  }
  out.write(`${FOLLOW_RULE}\n`);
  if (c.tls === undefined || !c.tls.decrypted) process.stderr.write(`note: stream ${stream} was not decrypted${c.tls?.decryptionNotes.length ? ` (${c.tls.decryptionNotes.join('; ')})` : ''}\n`);
  return analysis;
}

/** Options of `wirelab analyze`. */
export interface AnalyzeCommandOptions {
  readonly format: 'text' | 'jsonl' | 'json';
  readonly stream?: readonly number[];
  readonly flag?: readonly string[];
  readonly packets: boolean;
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
  const known = Object.keys(Expert);
  const out = new Set<string>();
  for (const flag of flags) {
    const id = known.includes(flag) ? flag : known.find((k) => k === `tcp.analysis.${flag}`);
    if (id === undefined) {
      throw new ConfigError(
        `unknown flag "${flag}"; known: ${known.map((k) => k.replace(/^tcp\.analysis\./, '')).join(', ')}`,
      );
    }
    out.add(id);
  }
  return out;
}

/** Runs `wirelab analyze`; resolves to the exit code. */
export async function analyzeCommand(file: string, options: AnalyzeCommandOptions): Promise<number> {
  if (!FORMATS.includes(options.format)) {
    throw new ConfigError(`--format must be one of ${FORMATS.join(', ')} (got "${options.format}")`);
  }
  const streams = options.stream === undefined || options.stream.length === 0 ? undefined : new Set(options.stream);
  const flagIds = options.flag === undefined || options.flag.length === 0 ? undefined : resolveFlagIds(options.flag);
  const out = createOutput();
  const keys = await readKeyLogFiles(options.keylog ?? []);
  for (const w of keys.warnings) process.stderr.write(`warning: ${formatKeyLogWarning(w)}\n`);
  const keyLog = keys.keyLog;
  const keyOptions = keyLog === undefined ? {} : { keyLog };
  if (options.follow !== undefined) {
    const analysis = await follow(file, options.follow, options.raw === true, keyLog, out);
    await out.end();
    if (analysis.readError !== undefined) throw analysis.readError;
    return 0;
  }
  const flaggedFrames = new Set<number>();
  const wanted = (record: FrameRecord): boolean => {
    if (streams !== undefined && (record.stream === null || !streams.has(record.stream))) return false;
    if (flagIds !== undefined && !flaggedFrames.has(record.frame)) return false;
    return true;
  };
  let analysis: Analysis;
  if (options.format === 'json') {
    analysis = await analyzeCapture(file, { keepFrames: false, ...keyOptions });
    out.write(`${JSON.stringify(toJsonReport(analysis, streams, flagIds), null, 2)}\n`);
  } else {
    // Frame filters by flag need the findings first, so they keep records in memory.
    const stream = flagIds === undefined;
    let startNs: bigint | undefined;
    const emit = (record: FrameRecord): void => {
      if (!wanted(record)) return;
      if (options.format === 'jsonl') {
        out.write(`${JSON.stringify(record)}\n`);
      } else if (options.packets) {
        if (startNs === undefined) startNs = parseEpoch(record.time_epoch);
        out.write(`${formatPacketLine(record, startNs)}\n`);
      }
    };
    analysis = await analyzeCapture(
      file,
      stream ? { keepFrames: false, keepFindings: false, onFrame: emit, ...keyOptions } : { keepFrames: true, ...keyOptions },
    );
    if (!stream) {
      for (const f of analysis.findings) if (flagIds!.has(f.id)) flaggedFrames.add(f.frame);
      const first = analysis.frames[0];
      startNs = first === undefined ? 0n : parseEpoch(first.time_epoch);
      for (const record of analysis.frames) emit(record);
    }
    if (options.format === 'text') {
      out.write(`\n${formatTextReport(analysis, streams === undefined ? {} : { streams })}\n`);
    }
  }
  await out.end();
  // Notes about the key log go to stderr so that JSON and JSONL stay clean.
  for (const w of analysis.keyLogWarnings ?? []) process.stderr.write(`warning: ${w}\n`);
  if (analysis.readError !== undefined) throw analysis.readError;
  return 0;
}

