/**
 * capture-input.ts: what `explain` and `report` accept: a capture file, `-` (standard input), or a run
 * directory of `wirelab run` (its capture.pcapng).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../analyzer/errors.js';

/** The capture path for FILE|RUN-DIR|-. @throws ConfigError for a missing path or a directory without a capture. */
export async function resolveCaptureInput(input: string): Promise<string> {
  if (input === '-') return input;
  const info = await stat(input).catch(() => undefined);
  if (info === undefined) throw new ConfigError(`${input}: no such file or directory`);
  if (!info.isDirectory()) return input;
  const capture = join(input, 'capture.pcapng');
  if (!(await stat(capture).then((s) => s.isFile(), () => false))) {
    throw new ConfigError(`${input}: a directory without capture.pcapng (give a capture file or a run directory of wirelab run)`);
  }
  return capture;
}
