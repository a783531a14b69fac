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
import { startProgress } from '../progress.js';

/** Options of `wirelab analyze`. */
export interface AnalyzeCommandOptions {
  readonly format: 'text' | 'jsonl' | 'json';
  readonly stream?: readonly number[];
  readonly flag?: readonly string[];
  readonly packets: boolean;
  readonly quiet?: boolean;
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
  const flaggedFrames = new Set<number>();
  const wanted = (record: FrameRecord): boolean => {
    if (streams !== undefined && (record.stream === null || !streams.has(record.stream))) return false;
    if (flagIds !== undefined && !flaggedFrames.has(record.frame)) return false;
    return true;
  };
  // A file is read twice when records stream out with their final completeness (tshark -2).
  const twoPass = options.format !== 'json' && flagIds === undefined && file !== '-';
  // Frame lines on the same terminal would tear the bar: it shows when the frames go elsewhere.
  const framesOnTerminal = process.stdout.isTTY === true && (options.format === 'jsonl' || (options.format === 'text' && options.packets));
  const progress = await startProgress({ label: 'analyze', path: file, passes: twoPass ? 2 : 1, quiet: options.quiet === true || framesOnTerminal });
  const tracking = { onRead: progress.onRead, onProgress: progress.onFrames, progressEveryFrames: 10_000 };
  let analysis: Analysis;
  try {
    if (options.format === 'json') {
      analysis = await analyzeCapture(file, { keepFrames: false, ...tracking });
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
        stream ? { keepFrames: false, keepFindings: false, onFrame: emit, ...tracking } : { keepFrames: true, ...tracking },
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
  } finally {
    progress.stop();
  }
  await out.end();
  if (analysis.readError !== undefined) throw analysis.readError;
  return 0;
}

