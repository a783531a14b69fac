/**
 * report.ts: `wirelab report FILE|RUN-DIR -o report.html`: analyzes the capture and writes the HTML of
 * analyzer/report/html-report.ts (written to a temporary name first, so a failure leaves no half file).
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { analyzeCapture } from '../../analyzer/analyze-capture.js';
import { EnvironmentError } from '../../analyzer/errors.js';
import { renderHtmlReport } from '../../analyzer/report/html-report.js';
import type { ExplainLanguage } from '../../analyzer/report/explain.js';
import { notACapture, resolveCaptureInput } from './capture-input.js';
import { parseLanguage } from './explain.js';
import { startProgress, type Progress } from '../progress.js';

/** Options of `wirelab report`. */
export interface ReportCommandOptions {
  readonly out: string;
  readonly lang: string;
  readonly quiet?: boolean;
}

/** Analyzes `capturePath` and writes its report to `outPath`; returns the analysis's frame count. */
export async function writeReport(capturePath: string, outPath: string, lang: ExplainLanguage = 'en', progress?: Progress): Promise<number> {
  const analysis = await analyzeCapture(capturePath, progress === undefined ? {} : { onRead: progress.onRead, onProgress: progress.onFrames, progressEveryFrames: 10_000 }).finally(() => progress?.stop());
  // Not a capture (or damaged before its first frame): no report of nothing, only the error.
  if (notACapture(analysis)) throw analysis.readError;
  const html = renderHtmlReport(analysis, { lang });
  const tmp = `${outPath}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, html);
    await rename(tmp, outPath);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new EnvironmentError(`report: cannot write ${outPath} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  if (analysis.readError !== undefined) throw analysis.readError;
  return analysis.frameCount;
}

/** Runs `wirelab report`; resolves to the exit code. */
export async function reportCommand(input: string, options: ReportCommandOptions): Promise<number> {
  const lang = parseLanguage(options.lang);
  const path = await resolveCaptureInput(input);
  const progress = await startProgress({ label: 'report', path, ...(options.quiet === undefined ? {} : { quiet: options.quiet }) });
  const frames = await writeReport(path, options.out, lang, progress);
  process.stdout.write(`wirelab report: ${options.out} (${frames} frames of ${path})\n`);
  return 0;
}
