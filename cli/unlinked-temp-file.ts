/**
 * unlinked-temp-file.ts: a temporary file opened and at once unlinked, so only its descriptor keeps it
 * and nothing is left behind however the process ends (the JSONL spool and the findings spill use it).
 */
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Opens a fresh read-write file under the system's temporary directory and removes its name (and directory) at once; returns its descriptor. */
export function openUnlinkedTempFile(prefix: string): number {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'data');
  try {
    return openSync(path, 'w+');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
