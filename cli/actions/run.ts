/**
 * run.ts: `wirelab run NAME…`: runs scenarios (optionally repeated), prints a short report per run and
 * a pass rate, and returns the exit code. Must not import `cap` directly (the proxy loads it).
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatConversation } from '../../analyzer/report/text.js';
import { ConfigError, isExpectationError } from '../../analyzer/errors.js';
import { scenarios, findScenario } from '../../scenarios/index.js';
import { installSignalHandlers } from '../../harness/cleanup.js';
import type { ImpairDecision } from '../../harness/impair/impairment.js';
import { parseImpairments } from '../../harness/impair/registry.js';
import type { CapturePoint, Scenario } from '../../harness/scenario/define-scenario.js';
import { checkScenarioEnvironment, drawSeed, runScenario, type ScenarioRunResult } from '../../harness/scenario/run-scenario.js';

/** Options of {@link runCommand}, as the CLI flags give them. */
export interface RunCommandOptions {
  readonly out?: string;
  readonly seed?: string;
  readonly capture?: string;
  readonly repeat?: string;
  readonly uplink?: string;
  readonly downlink?: string;
  readonly replayImpairments?: string;
  readonly format?: string;
  /** Write report.html (wirelab report) beside each kept run's artefacts. */
  readonly report?: boolean;
  /** Where reports go (default stdout); progress always goes to stderr. */
  readonly write?: (text: string) => void;
}

/** One scenario's summary over its repeats (the JSON format's records). */
export interface RunSummary {
  readonly name: string;
  readonly runs: number;
  readonly passed: number;
  readonly results: readonly {
    readonly seed: number;
    readonly ok: boolean;
    readonly dir: string;
    readonly timings: ScenarioRunResult['timings'];
    readonly failures: readonly string[];
  }[];
}

function parseInteger(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new ConfigError(`--${flag} ${text}: expected an integer from ${min} to ${max}`);
  return n;
}

/**
 * Reads an impairments.jsonl written by an earlier run.
 * @throws ConfigError naming the file and line when it is not that format.
 */
export async function readImpairmentLog(path: string): Promise<ImpairDecision[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`--replay-impairments ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const decisions: ImpairDecision[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let d: Partial<ImpairDecision>;
    try {
      d = JSON.parse(line) as Partial<ImpairDecision>;
    } catch {
      throw new ConfigError(`${path}:${i + 1}: not JSON; expected one decision per line as written to impairments.jsonl`);
    }
    if (typeof d.frame !== 'number' || (d.direction !== 'uplink' && d.direction !== 'downlink') || typeof d.action !== 'string' || typeof d.impairment !== 'string') {
      throw new ConfigError(`${path}:${i + 1}: expected {frame, direction, action, impairment}, found ${line.slice(0, 80)}`);
    }
    decisions.push(d as ImpairDecision);
  }
  return decisions;
}

/**
 * Runs the named scenarios. Returns 0 when every run passed and 1 when an expectation failed; throws
 * ConfigError (unknown scenario, bad flag or impairment expression) and EnvironmentError, which the
 * CLI prints as `error [CODE]: message` with exit code 2.
 */
export async function runCommand(names: readonly string[], options: RunCommandOptions = {}): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  if (names.length === 0) throw new ConfigError(`run: name at least one scenario; known: ${scenarios.map((s) => s.name).join(', ')}`);
  const chosen: Scenario[] = names.map((name) => {
    const s = findScenario(name);
    if (!s) throw new ConfigError(`unknown scenario "${name}"; known: ${scenarios.map((k) => k.name).join(', ')}`);
    return s;
  });
  // A scenario that cannot run here (no Chromium) fails before any run starts.
  for (const scenario of chosen) checkScenarioEnvironment(scenario);
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new ConfigError(`--format ${format}: expected text or json`);
  const capture = options.capture as CapturePoint | undefined;
  if (capture !== undefined && !['client', 'server', 'both'].includes(capture)) throw new ConfigError(`--capture ${capture}: expected client, server or both`);
  const repeat = parseInteger('repeat', options.repeat, 1, 1000) ?? 1;
  const firstSeed = parseInteger('seed', options.seed, 0, 0xffffffff);
  const uplink = options.uplink === undefined ? undefined : parseImpairments(options.uplink);
  const downlink = options.downlink === undefined ? undefined : parseImpairments(options.downlink);
  const replay = options.replayImpairments === undefined ? undefined : await readImpairmentLog(options.replayImpairments);
  const out = options.out ?? 'runs';
  installSignalHandlers();

  const summaries: RunSummary[] = [];
  let failed = false;
  for (const scenario of chosen) {
    const results: RunSummary['results'][number][] = [];
    for (let k = 0; k < repeat; k++) {
      const seed = firstSeed === undefined ? drawSeed() : (firstSeed + k) >>> 0;
      const runDir = repeat === 1 ? join(out, scenario.name) : join(out, scenario.name, `run-${k + 1}`);
      const label = repeat === 1 ? scenario.name : `${scenario.name} ${k + 1}/${repeat}`;
      process.stderr.write(`${label}: seed ${seed} `);
      let result: ScenarioRunResult;
      try {
        result = await runScenario(scenario, {
          runDir,
          seed,
          ...(capture === undefined ? {} : { capture }),
          ...(uplink === undefined ? {} : { uplink }),
          ...(downlink === undefined ? {} : { downlink }),
          ...(replay === undefined ? {} : { replay }),
          onPhase: (p) => process.stderr.write(`${p}… `),
        });
      } catch (e) {
        // End the progress line so the error stands on a line of its own.
        process.stderr.write('\n');
        throw e;
      }
      process.stderr.write(`${result.ok ? 'pass' : 'FAIL'}\n`);
      results.push({ seed, ok: result.ok, dir: result.dir, timings: result.timings, failures: result.outcomes.filter((o) => !o.ok).map((o) => `expected ${o.expected}, found ${o.found}`) });
      if (format === 'text') write(formatRun(result, repeat === 1));
      if (!result.ok) failed = true;
      // A passing repeat leaves nothing behind; failures keep their artefacts for inspection.
      else if (repeat > 1) await rm(result.dir, { recursive: true, force: true });
      if (options.report === true && (!result.ok || repeat === 1)) {
        const reportPath = join(result.dir, 'report.html');
        await (await import('./report.js')).writeReport(join(result.dir, 'capture.pcapng'), reportPath);
        if (format === 'text') write(`  report: ${reportPath}\n`);
      }
    }
    const passed = results.filter((r) => r.ok).length;
    summaries.push({ name: scenario.name, runs: repeat, passed, results });
    if (format === 'text' && repeat > 1) {
      const totals = results.map((r) => r.timings.totalMs);
      write(`${scenario.name}: ${passed}/${repeat} passed (${((100 * passed) / repeat).toFixed(0)}%), run time ${(Math.min(...totals) / 1000).toFixed(1)}–${(Math.max(...totals) / 1000).toFixed(1)} s\n`);
    }
  }
  if (format === 'json') write(`${JSON.stringify(summaries, null, 2)}\n`);
  return failed ? 1 : 0;
}

/** The analysis in a few lines: each conversation, then the count of each TCP analysis flag. */
function formatAnalysisSummary(result: ScenarioRunResult): string[] {
  const lines = result.analysis.conversations.map((c) => formatConversation(c).replace(/^/gm, '  '));
  const flags = Object.entries(result.analysis.expertCounts)
    .filter(([id]) => id.startsWith('tcp.analysis.'))
    .map(([id, n]) => `${id.slice('tcp.analysis.'.length)} ${n}`);
  lines.push(`  analysis flags: ${flags.length > 0 ? flags.join(', ') : 'none'}`);
  return lines;
}

function formatRun(result: ScenarioRunResult, detailed: boolean): string {
  const t = result.timings;
  const lines = [
    `${result.ok ? 'PASS' : 'FAIL'} ${result.name} (seed ${result.seed}, capture ${result.capturePoint}) in ${(t.totalMs / 1000).toFixed(1)} s: ` +
      `setup ${t.setupMs.toFixed(0)} ms (topology ${t.topologyUpMs.toFixed(0)} ms), traffic ${t.trafficMs.toFixed(0)} ms, ` +
      `analysis ${t.analyzeMs.toFixed(0)} ms, teardown ${t.teardownMs.toFixed(0)} ms (topology ${t.topologyDownMs.toFixed(0)} ms)`,
    ...result.outcomes.map((o) => `  ${o.ok ? 'ok  ' : 'FAIL'} ${o.label}: found ${o.found}`),
    ...(detailed ? formatAnalysisSummary(result) : []),
    `  artefacts: ${result.dir}`,
  ];
  if (result.error && isExpectationError(result.error)) lines.push(`  ${result.error.message}`, result.error.timeline);
  return `${lines.join('\n')}\n`;
}

