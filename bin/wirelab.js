#!/usr/bin/env node
// Launcher. In a development checkout (TypeScript sources and tsx present) it runs the sources, so
// the CLI never runs a stale build; an installed package (dist/ only, built by `npm run build`)
// runs the compiled code.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const source = new URL('../cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);

function hasTsx() {
  try {
    createRequire(import.meta.url).resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

if (existsSync(source) && hasTsx()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write('error [ERR_ENVIRONMENT]: wirelab is not built: run npm ci && npm run build\n');
  process.exitCode = 2;
}
