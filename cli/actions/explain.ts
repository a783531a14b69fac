/**
 * explain.ts: `wirelab explain FILE|RUN-DIR [--lang en|zh]`: analyzes the capture and prints the
 * explanation of analyzer/report/explain.ts as Markdown.
 */
import { analyzeCapture } from '../../analyzer/analyze-capture.js';
import { ConfigError } from '../../analyzer/errors.js';
import { explainAnalysis, renderExplanationMarkdown, type ExplainLanguage } from '../../analyzer/report/explain.js';
import { createOutput } from '../output.js';
import { startProgress } from '../progress.js';
import { notACapture, resolveCaptureInput } from './capture-input.js';

/** Options of `wirelab explain`. */
export interface ExplainCommandOptions {
  readonly lang: string;
  readonly quiet?: boolean;
}

const LANGUAGES: readonly ExplainLanguage[] = ['en', 'zh'];

/** Parses --lang. @throws ConfigError for another language. */
export function parseLanguage(lang: string): ExplainLanguage {
  if (!(LANGUAGES as readonly string[]).includes(lang)) throw new ConfigError(`--lang must be en or zh (got "${lang}")`);
  return lang as ExplainLanguage;
}

/** Runs `wirelab explain`; resolves to the exit code. */
export async function explainCommand(input: string, options: ExplainCommandOptions): Promise<number> {
  const lang = parseLanguage(options.lang);
  const path = await resolveCaptureInput(input);
  const progress = await startProgress({ label: 'explain', path, ...(options.quiet === undefined ? {} : { quiet: options.quiet }) });
  const analysis = await analyzeCapture(path, { onRead: progress.onRead, onProgress: progress.onFrames, progressEveryFrames: 10_000 }).finally(() => progress.stop());
  if (notACapture(analysis)) throw analysis.readError;
  const out = createOutput();
  out.write(renderExplanationMarkdown(explainAnalysis(analysis, lang)));
  await out.end();
  if (analysis.readError !== undefined) throw analysis.readError;
  return 0;
}
