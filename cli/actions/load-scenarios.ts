/**
 * load-scenarios.ts: turns `wirelab run` targets into scenarios: bundled names, a user's scenario files
 * (.ts, .mts, .js, .mjs), directories (every *.scenario.* below them) and globs ('suite/**\/*.scenario.ts').
 * TypeScript files load through tsx (a dependency of wirelab, so a user's project needs nothing more).
 */
import { readdirSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, isHarnessError } from '../../analyzer/errors.js';
import { isScenario, type Scenario } from '../../harness/scenario/define-scenario.js';
import { findScenario, scenarios as bundled } from '../../scenarios/index.js';

/** A scenario to run and where it came from (a file, or undefined for a bundled one). */
export interface ScenarioSource {
  readonly scenario: Scenario;
  /** Absolute path of the user's file; undefined for a bundled scenario. */
  readonly file: string | undefined;
}

const SCENARIO_FILE = /\.scenario\.(?:[cm]?ts|[cm]?js)$/;
const LOADABLE = /\.(?:[cm]?ts|[cm]?js)$/;
const GLOB_CHARS = /[*?[]/;

/** True when `target` names a file, directory or glob rather than a bundled scenario. */
function looksLikePath(target: string): boolean {
  return target.includes('/') || target.includes(sep) || LOADABLE.test(target) || GLOB_CHARS.test(target) || target === '.';
}

/** Files below `dir` (sorted, depth first), skipping node_modules and dot directories. */
function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = resolve(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** A glob as a regular expression over '/'-separated paths: `**` any depth, `*` and `?` within a name, `[…]` a class. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // '**/' matches zero or more directories.
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i);
      if (end < 0) throw new ConfigError(`glob "${glob}": unclosed [`);
      re += glob.slice(i, end + 1);
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The files a path target stands for, sorted. */
function expandPath(target: string, cwd: string): string[] {
  if (GLOB_CHARS.test(target)) {
    const absolute = resolve(cwd, target).split(sep).join('/');
    const firstGlob = absolute.search(GLOB_CHARS);
    const base = absolute.slice(0, absolute.lastIndexOf('/', firstGlob) + 1) || '/';
    let files: string[];
    try {
      files = walk(base);
    } catch {
      files = [];
    }
    const re = globToRegExp(absolute);
    const hits = files.filter((f) => re.test(f.split(sep).join('/')) && LOADABLE.test(f));
    if (hits.length === 0) throw new ConfigError(`no scenario files match "${target}"`);
    return hits;
  }
  const path = resolve(cwd, target);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new ConfigError(`scenario file ${target}: not found`);
  }
  if (stat.isDirectory()) {
    const hits = walk(path).filter((f) => SCENARIO_FILE.test(f));
    if (hits.length === 0) throw new ConfigError(`directory ${target}: no *.scenario.ts (or .mts, .js, .mjs) files in it`);
    return hits;
  }
  if (!LOADABLE.test(path)) throw new ConfigError(`scenario file ${target}: expected a .ts, .mts, .js or .mjs file`);
  return [path];
}

let tsxRegistered = false;

/**
 * Makes `import()` understand TypeScript. From a checkout this module is itself TypeScript run by tsx,
 * which then is already active; an installed wirelab (compiled JavaScript) registers tsx's loader once.
 * One global loader, not tsx's namespaced tsImport: the user's `import 'wirelab/scenario'` must reach the
 * very modules the CLI uses, or its errors and scenarios would belong to a second copy.
 */
async function enableTypeScript(): Promise<void> {
  if (tsxRegistered || import.meta.url.endsWith('.ts')) return;
  const { register } = await import('tsx/esm/api');
  register();
  tsxRegistered = true;
}

/** The scenarios a loaded module exports: its default (one scenario or an array), else every named scenario. */
function scenariosOf(module: Record<string, unknown>): Scenario[] {
  const fromDefault = module['default'];
  if (isScenario(fromDefault)) return [fromDefault];
  if (Array.isArray(fromDefault) && fromDefault.length > 0 && fromDefault.every(isScenario)) return fromDefault;
  return Object.values(module).filter(isScenario);
}

/**
 * Imports one scenario file.
 * @throws ConfigError naming the file: it does not load, exports no scenario, or defineScenario rejected it.
 */
export async function loadScenarioFile(path: string, cwd = process.cwd()): Promise<Scenario[]> {
  const shown = relative(cwd, path) || path;
  // Also for .js/.mjs: a file may import TypeScript (a checkout's sources, a helper of the user's).
  await enableTypeScript();
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    if (isHarnessError(e)) throw new ConfigError(`${shown}: ${e.message}`, { cause: e });
    const err = e as NodeJS.ErrnoException;
    const hint =
      err.code === 'ERR_MODULE_NOT_FOUND' && /wirelab/.test(err.message)
        ? '; install wirelab in this project (npm install --save-dev wirelab)'
        : /require\(\) ES Module|ERR_REQUIRE_ESM|ERR_REQUIRE_CYCLE_MODULE/.test(`${err.code ?? ''} ${err.message}`)
          ? '; a .ts file outside an ES module package loads as CommonJS: rename it .mts, or add "type": "module" to its package.json'
          : '';
    throw new ConfigError(`${shown}: cannot load (${err.message.split('\n')[0]})${hint}`, { cause: e });
  }
  const found = scenariosOf(module);
  if (found.length === 0) throw new ConfigError(`${shown}: exports no scenario; write export default defineScenario({ … }) (import it from 'wirelab/scenario')`);
  return found;
}

/**
 * Resolves `wirelab run` targets, in order: bundled names and files (directories and globs expand to
 * their files sorted by path). With `all`, every bundled scenario.
 * @throws ConfigError for an unknown name, a path that matches nothing, or two scenarios of one name.
 */
export async function resolveScenarios(targets: readonly string[], options: { all?: boolean; cwd?: string } = {}): Promise<ScenarioSource[]> {
  const cwd = options.cwd ?? process.cwd();
  const chosen: ScenarioSource[] = options.all ? bundled.map((scenario) => ({ scenario, file: undefined })) : [];
  for (const target of targets) {
    const named = looksLikePath(target) ? undefined : findScenario(target);
    if (named !== undefined) {
      chosen.push({ scenario: named, file: undefined });
      continue;
    }
    if (!looksLikePath(target)) {
      throw new ConfigError(`unknown scenario "${target}"; known: ${bundled.map((k) => k.name).join(', ')} (or give a path to a .scenario.ts file, a directory or a glob)`);
    }
    for (const file of expandPath(target, cwd)) {
      for (const scenario of await loadScenarioFile(file, cwd)) chosen.push({ scenario, file });
    }
  }
  const seen = new Map<string, ScenarioSource>();
  for (const source of chosen) {
    const earlier = seen.get(source.scenario.name);
    if (earlier !== undefined && earlier.scenario !== source.scenario) {
      const where = (s: ScenarioSource): string => (s.file === undefined ? 'bundled' : relative(cwd, s.file));
      throw new ConfigError(`two scenarios are called "${source.scenario.name}" (${where(earlier)} and ${where(source)}); their artefacts would collide, rename one`);
    }
    seen.set(source.scenario.name, source);
  }
  return [...seen.values()];
}

/**
 * This CI machine's part of the suite for `--shard I/N`: every N-th scenario starting at the I-th, in
 * the resolved order, so shards 1..N cover the suite exactly once on any machine given the same targets.
 * @throws ConfigError for a spec other than I/N with 1 ≤ I ≤ N.
 */
export function shardOf<T>(items: readonly T[], spec: string): T[] {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total) throw new ConfigError(`--shard ${spec}: expected I/N with 1 <= I <= N, e.g. 1/2`);
  return items.filter((_item, i) => i % total === index - 1);
}
