/**
 * wirelab-bin.ts: where this installation's launcher is, for commands that start wirelab processes of
 * their own (`run --parallel` workers, `replay`'s live analysis).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../analyzer/errors.js';

/** bin/wirelab.js of this installation (from cli/ in a checkout, dist/cli/ when built). */
export function wirelabBin(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.split(/[\\/]/).includes('dist') ? resolve(here, '..', '..') : resolve(here, '..');
  const bin = resolve(root, 'bin', 'wirelab.js');
  if (!existsSync(bin)) throw new EnvironmentError(`cannot find ${bin} to start wirelab processes`);
  return bin;
}
