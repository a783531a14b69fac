/**
 * key-log-files.ts: reads the key logs `wirelab analyze` is given: `--keylog FILE` (repeatable), else the
 * SSLKEYLOGFILE environment variable. Reading is here, in the CLI; the analyzer gets parsed secrets.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../analyzer/errors.js';
import { KeyLogBuilder } from '../../analyzer/keys/key-log.js';
import type { KeyLogWarning, TlsKeyLog } from '../../analyzer/keys/key-log.js';

/**
 * The key log of the given files (or of $SSLKEYLOGFILE when none is given, if it is set and readable).
 * An unreadable given file is an error; unreadable lines are warnings.
 */
export async function readKeyLogFiles(
  files: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ keyLog: TlsKeyLog | undefined; warnings: KeyLogWarning[] }> {
  const builder = new KeyLogBuilder();
  let paths = files;
  let fromEnv = false;
  if (paths.length === 0 && env.SSLKEYLOGFILE !== undefined && env.SSLKEYLOGFILE !== '') {
    paths = [env.SSLKEYLOGFILE];
    fromEnv = true;
  }
  if (paths.length === 0) return { keyLog: undefined, warnings: [] };
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      // A variable left over from another session is not worth failing for; a named file is.
      if (fromEnv) return { keyLog: undefined, warnings: [{ source: path, line: 0, message: `SSLKEYLOGFILE: ${reason}` }] };
      throw new ConfigError(`--keylog ${path}: ${reason}`);
    }
    builder.add(text, path);
  }
  return { keyLog: builder, warnings: builder.warnings };
}

/** One warning line: `sslkeylog.txt:3: CLIENT_RANDOM: the secret is not hex`. */
export function formatKeyLogWarning(w: KeyLogWarning): string {
  return w.line > 0 ? `${w.source}:${w.line}: ${w.message}` : `${w.source}: ${w.message}`;
}
