#!/usr/bin/env node
// Launcher: runs the compiled CLI (dist/, made by `npm run build`); in a checkout that was not
// built yet it runs the TypeScript sources through tsx instead, so `npx wirelab` always works.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/harness/cli/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../harness/cli/main.ts', import.meta.url).href);
}
