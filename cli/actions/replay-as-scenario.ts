/**
 * replay-as-scenario.ts: `wirelab replay CAPTURE --as-scenario`: infers a scenario that re-creates the
 * capture's TCP behaviour (analyzer/inference/), writes it as a readable `.scenario.ts`, runs it with real
 * kernel TCP, and prints the original and the re-run side by side with a similarity score.
 * `--write FILE` only writes the scenario.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeCapture } from '../../analyzer/analyze-capture.js';
import { ConfigError } from '../../analyzer/errors.js';
import { compareRuns, formatComparison } from '../../analyzer/inference/compare-runs.js';
import { inferScenario, type InferredScenario } from '../../analyzer/inference/infer-scenario.js';
import { renderScenarioSource } from '../../analyzer/inference/scenario-source.js';
import { installSignalHandlers } from '../../harness/cleanup.js';
import { checkEnvironment } from '../../harness/env-check.js';
import { scenarioFromInference } from '../../harness/replay/as-scenario.js';
import { runScenario } from '../../harness/scenario/run-scenario.js';
import { resolveCaptureInput } from './capture-input.js';
import { formatScenarioResult } from './run.js';

/** Options of `wirelab replay --as-scenario`. */
export interface AsScenarioOptions {
  /** Only write the scenario here; do not run it. */
  readonly write?: string;
  /** Where the run's artefacts and the scenario file go (default runs/replay). */
  readonly out: string;
  readonly quiet?: boolean;
  /** Where reports go (default stdout). */
  readonly output?: (text: string) => void;
}

/** The nearest package.json above `dir` says "type": "module" (a .ts file there is loaded as ESM). */
function inModulePackage(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    const manifest = join(d, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(d) === d) return false;
  }
}

/**
 * Where the written file imports the DSL from: 'wirelab/scenario' when it resolves there (a project that
 * installed wirelab, or this checkout), else this installation's own module by its absolute path, so
 * the file runs wherever it was written.
 */
function dslImportFor(file: string): string {
  try {
    createRequire(file).resolve('wirelab/scenario');
    return 'wirelab/scenario';
  } catch {
    return fileURLToPath(new URL('../../harness/scenario/index.js', import.meta.url));
  }
}

/** The file to write: NAME.scenario.ts, or .mts outside an ES module package (where a .ts file would load as CommonJS). */
function scenarioPath(out: string, name: string): string {
  const dir = resolve(out);
  return join(dir, `${name}.scenario.${inModulePackage(dir) ? 'ts' : 'mts'}`);
}

/** The plan in a few lines, for the terminal. */
export function formatInference(inferred: InferredScenario): string {
  const lines = [`inferred scenario ${inferred.name}: ${inferred.description}`];
  lines.push(`  path: RTT ${inferred.rttMs} ms${inferred.mss === undefined ? '' : `, MSS ${inferred.mss}`}${inferred.rateKbps === undefined ? '' : `, ${inferred.rateKbps} kbit/s`}; captured on the ${inferred.capture} side${inferred.tls === undefined ? '' : `; ${inferred.tls.version}${inferred.tls.cipherSuite === undefined ? '' : ` ${inferred.tls.cipherSuite}`}`}`);
  for (const e of inferred.events) lines.push(`  ${e.kind} ${e.direction}${e.conn === undefined ? '' : ` conn ${e.conn}`}${e.kind === 'drop-syn' ? ` ×${e.count}` : ` at byte ${e.offset}`}: ${e.why} (frame ${e.frames.join(', ')})`);
  for (const n of inferred.notes) lines.push(`  not re-created: ${n}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the command; resolves the exit code: 0 when the re-run met the scenario's expectations (the
 * original's flags within ±1, its teardowns and TLS), 1 when not.
 */
export async function replayAsScenario(capture: string, options: AsScenarioOptions): Promise<number> {
  const write = options.output ?? ((t: string) => void process.stdout.write(t));
  const path = await resolveCaptureInput(capture);
  if (path === '-') throw new ConfigError('replay --as-scenario needs a capture file, not standard input');
  const original = await analyzeCapture(path);
  if (original.readError !== undefined && original.frameCount === 0) throw original.readError;
  if (original.readError !== undefined) process.stderr.write(`warning: ${original.readError.message}; the scenario covers the frames before it\n`);
  const inferred = inferScenario(original);
  if (inferred.connections.length === 0) {
    const why = inferred.notes.filter((n) => !n.startsWith('the capture has no TCP')).join('; ');
    throw new ConfigError(`${capture}: no TCP connection to re-create (${original.frameCount} frames${why === '' ? ', none of them TCP with data or a handshake' : `; ${why}`})`);
  }
  const scenario = scenarioFromInference(inferred);
  const file = options.write === undefined ? scenarioPath(options.out, inferred.name) : resolve(options.write);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderScenarioSource(inferred, dslImportFor(file)));
  write(formatInference(inferred));
  const shown = relative(process.cwd(), file) || file;
  write(`  scenario: ${shown} (run it${options.write === undefined ? ' again' : ''} with: wirelab run ${shown})\n`);
  if (/\.ts$/.test(file) && !inModulePackage(dirname(file))) {
    process.stderr.write(`warning: ${shown} is outside an ES module package, where a .ts file loads as CommonJS and wirelab run cannot load it: name it .mts, or add "type": "module" to a package.json there\n`);
  }
  if (options.write !== undefined) return 0;

  checkEnvironment();
  installSignalHandlers();
  const runDir = join(options.out, inferred.name);
  if (options.quiet !== true) process.stderr.write(`${inferred.name}: `);
  const result = await runScenario(scenario, { runDir, ...(options.quiet === true ? {} : { onPhase: (p: string) => process.stderr.write(`${p}… `) }) });
  if (options.quiet !== true) process.stderr.write(`${result.ok ? 'pass' : 'FAIL'}\n`);
  write(formatScenarioResult(result, false));
  write(formatComparison(compareRuns(original, inferred, result.analysis)));
  return result.ok ? 0 : 1;
}
