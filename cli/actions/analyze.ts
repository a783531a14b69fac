/**
 * analyze.ts: `wirelab analyze FILE|-`: a Wireshark-like packet list, conversations and expert
 * summary, or JSON Lines in the tshark oracle's schema, or one JSON document.
 */
import { analyzeFrames } from '../../analyzer/analyze-capture.js';
import type { AnalyzedFrame } from '../../analyzer/analyze-capture.js';
import type { CaptureSummary } from '../../analyzer/analysis-result.js';
import { Expert, isExpertId, normalizeFlagId, shortFlagName } from '../../analyzer/analysis/expert.js';
import { ConfigError } from '../../analyzer/errors.js';
import { buildFrameRecord, parseEpoch } from '../../analyzer/report/frame-record.js';
import { frameRecordJson } from '../../analyzer/report/frame-record-json.js';
import { writeJsonReport } from '../../analyzer/report/json-stream.js';
import { formatPacketLine, formatTextReport } from '../../analyzer/report/text.js';
import { createCompletenessSpool } from '../completeness-spool.js';
import { createOutput } from '../output.js';

/** Options of `wirelab analyze`. */
export interface AnalyzeCommandOptions {
  readonly format: 'text' | 'jsonl' | 'json';
  readonly stream?: readonly number[];
  readonly flag?: readonly string[];
  readonly packets: boolean;
}

const FORMATS = ['text', 'jsonl', 'json'] as const;

/** Accepts `fast_retransmission`, `tcp.analysis.fast_retransmission` or `tcp.connection.rst`. */
function resolveFlagIds(flags: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const flag of flags) {
    const id = normalizeFlagId(flag);
    if (!isExpertId(id)) {
      throw new ConfigError(`unknown flag "${flag}"; known: ${Object.keys(Expert).map(shortFlagName).join(', ')}`);
    }
    out.add(id);
  }
  return out;
}

/** Runs `wirelab analyze`; resolves to the exit code. Reads the capture once, in every format. */
export async function analyzeCommand(file: string, options: AnalyzeCommandOptions): Promise<number> {
  if (!FORMATS.includes(options.format)) {
    throw new ConfigError(`--format must be one of ${FORMATS.join(', ')} (got "${options.format}")`);
  }
  const streams = options.stream === undefined || options.stream.length === 0 ? undefined : new Set(options.stream);
  const flagIds = options.flag === undefined || options.flag.length === 0 ? undefined : resolveFlagIds(options.flag);
  const out = createOutput();
  // A frame's findings are all known when it is analysed, so both filters apply at once.
  const wanted = ({ step, findings }: AnalyzedFrame): boolean => {
    if (streams !== undefined && (step.tcp === undefined || !streams.has(step.tcp.stream))) return false;
    if (flagIds !== undefined && !findings.some((f) => flagIds.has(f.id))) return false;
    return true;
  };
  let summary: CaptureSummary;
  if (options.format === 'json') {
    summary = await analyzeFrames(file);
    writeJsonReport(summary, (text) => out.write(text), streams, flagIds);
  } else if (options.format === 'jsonl') {
    // Each line carries its stream's final completeness: the spool holds lines until the end.
    const spool = createCompletenessSpool();
    summary = await analyzeFrames(file, { keepFindings: false }, (frame) => {
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
    summary = await analyzeFrames(file, { keepFindings: false }, onFrame);
    out.write(`\n${formatTextReport(summary, streams === undefined ? {} : { streams })}\n`);
  }
  await out.end();
  if (summary.readError !== undefined) throw summary.readError;
  return 0;
}
