#!/usr/bin/env node
// Launcher: always runs the compiled CLI (dist/). In a checkout it first rebuilds dist/ with tsc
// when any source is newer than the last build (bin/build.js), so it never runs a stale build.
import { existsSync } from 'node:fs';
import { ensureBuilt } from './build.js';

const compiled = new URL('../dist/cli/main.js', import.meta.url);

if (!ensureBuilt()) {
  process.stderr.write('error [ERR_ENVIRONMENT]: wirelab could not be compiled (tsc errors above): fix them or run npm run build\n');
  process.exitCode = 2;
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write('error [ERR_ENVIRONMENT]: wirelab is not built: run npm ci && npm run build\n');
  process.exitCode = 2;
}
