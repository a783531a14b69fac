#!/usr/bin/env node
// Keeps dist/ in step with the sources of a checkout. `node bin/build.js` (npm run build) compiles
// with tsc and stamps dist/; the launcher calls ensureBuilt() and rebuilds only when a source file
// is newer than the stamp. An installed package has no sources: dist/ is used as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const lock = join(root, 'dist', '.build-lock');
/** What the compiled CLI is made of; test/, bench/ and examples/ are compiled too but never run by it. */
const SOURCE_DIRS = ['analyzer', 'cli', 'harness', 'scenarios'];
const SOURCE_FILES = ['tsconfig.json', 'package.json'];
const LOCK_WAIT_MS = 180_000;

/** True in a checkout: the TypeScript sources are there. */
export function hasSources() {
  return existsSync(join(root, 'cli', 'main.ts'));
}

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** True when dist/ is missing or older than a source file. */
export function isStale() {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  for (const file of SOURCE_FILES) if (statSync(join(root, file)).mtimeMs > built) return true;
  for (const dir of SOURCE_DIRS) if (newestMtimeMs(join(root, dir)) > built) return true;
  return false;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Compiles with tsc; returns tsc's exit status. One build at a time (a lock directory in dist/). */
export function build({ quiet = false } = {}) {
  mkdirSync(join(root, 'dist'), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another build is running: wait for it, then use its result if it made dist/ fresh.
      if (Date.now() - started > LOCK_WAIT_MS) rmSync(lock, { recursive: true, force: true });
      sleep(200);
      if (!existsSync(lock) && !isStale()) return 0;
    }
  }
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    if (!quiet) process.stderr.write('wirelab: sources changed since the last build; compiling (tsc)…\n');
    const startedAt = new Date();
    const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
    const status = result.status ?? 1;
    if (status === 0) {
      // The stamp gets the time the build started: a file saved during the build stays newer.
      writeFileSync(stamp, `${startedAt.toISOString()}\n`);
      utimesSync(stamp, startedAt, startedAt);
    }
    return status;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds when the checkout's sources are newer than dist/; false when the build failed. */
export function ensureBuilt() {
  if (!hasSources() || !isStale()) return true;
  return build() === 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = build({ quiet: true });
}
