/**
 * finding-spill.ts: the finding store's spill for `wirelab analyze --format json`: an unlinked temporary
 * file (only the descriptor keeps it, so nothing is left behind on any exit), written and read whole
 * blocks at a time, so a 10 GB capture's millions of findings do not stay in memory.
 */
import { closeSync, readSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { EnvironmentError } from '../analyzer/errors.js';
import { FINDING_BLOCK_BYTES, type FindingSpill } from '../analyzer/core/finding-store.js';
import { openUnlinkedTempFile } from './unlinked-temp-file.js';

/** A spill in a temporary file, made on the first block. */
export function createFileFindingSpill(): FindingSpill {
  let fd: number | undefined;
  let blocks = 0;
  return {
    append(bytes: Uint8Array): void {
      fd ??= openUnlinkedTempFile('wirelab-findings-');
      const at = blocks * FINDING_BLOCK_BYTES;
      try {
        for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off, at + off);
      } catch (e) {
        throw new EnvironmentError(`analyze: cannot spill findings to ${tmpdir()} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); free some space or set TMPDIR`, { cause: e });
      }
      blocks++;
    },
    readBlock(block: number, into: Uint8Array): void {
      if (fd === undefined || block >= blocks) throw new RangeError(`finding block ${block} of ${blocks} spilled`);
      for (let off = 0; off < into.length; ) {
        const n = readSync(fd, into, off, into.length - off, block * FINDING_BLOCK_BYTES + off);
        if (n === 0) throw new RangeError(`finding block ${block}: the spill file ended early`);
        off += n;
      }
    },
    close(): void {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
