/**
 * capture-input.ts: what `explain` and `report` accept: a capture file, `-` (standard input), or a run
 * directory of `wirelab run` (its capture.pcapng); and when a read has nothing to report.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, FileNotFoundError } from '../../analyzer/errors.js';

/**
 * The capture path for FILE|RUN-DIR|-.
 * @throws FileNotFoundError for a missing path (as `wirelab analyze` says it); ConfigError for a directory without a capture.
 */
export async function resolveCaptureInput(input: string): Promise<string> {
  if (input === '-') return input;
  const info = await stat(input).catch(() => undefined);
  if (info === undefined) throw new FileNotFoundError(input, `${input}: no such file or directory`);
  if (!info.isDirectory()) return input;
  const capture = join(input, 'capture.pcapng');
  if (!(await stat(capture).then((s) => s.isFile(), () => false))) {
    throw new ConfigError(`${input}: a directory without capture.pcapng (give a capture file or a run directory of wirelab run)`);
  }
  return capture;
}

/**
 * True when reading failed before the first frame (not a capture, or damaged in its header): there is
 * nothing to report, so only the error is printed. A capture damaged part-way is reported up to the damage.
 */
export function notACapture(summary: { readonly frameCount: number; readonly readError?: unknown }): boolean {
  return summary.readError !== undefined && summary.frameCount === 0;
}
