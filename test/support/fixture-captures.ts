/**
 * fixture-captures.ts: every capture file under a folder of test fixtures, for tests that run over all.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The project's fixture captures folder. */
export const FIXTURE_CAPTURES = new URL('../fixtures/captures/', import.meta.url).pathname;

/** Every .pcap, .pcapng and .cap file (optionally .gz) under `dir`, recursively, in directory order. */
export function captureFilesUnder(dir: string = FIXTURE_CAPTURES): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return captureFilesUnder(path);
    return /\.(pcap|pcapng|cap)(\.gz)?$/.test(name) ? [path] : [];
  });
}
