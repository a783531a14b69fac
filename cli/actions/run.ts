/**
 * run.ts: `wirelab run TARGET…`: runs bundled scenarios or a user's scenario files (optionally repeated,
 * sharded, in parallel), prints a short report per run, pass rates, JUnit and GitHub reports, and
 * returns the exit code. Must not import `cap` directly (the proxy loads it).
 */
import { readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatConversation } from '../../analyzer/report/text.js';
import { ConfigError, isExpectationError } from '../../analyzer/errors.js';
import { scenarios } from '../../scenarios/index.js';
import { installSignalHandlers } from '../../harness/cleanup.js';
import { parseImpairmentLog, type ImpairmentRecording } from '../../harness/impair/recording.js';
import type { Impairment } from '../../harness/impair/impairment.js';
import { parseImpairments } from '../../harness/impair/registry.js';
import type { CapturePoint } from '../../harness/scenario/define-scenario.js';
import { checkScenarioEnvironment, drawSeed, formatReplayStats, runScenario, type RunOutcome, type ScenarioRunResult } from '../../harness/scenario/run-scenario.js';
import { resolveScenarios, shardOf, type ScenarioSource } from './load-scenarios.js';
import { formatGithubAnnotations, formatPassRates, formatSuiteTotal, parseReporters, writeJunitReport } from './run-reports.js';
import { runInWorkers } from './run-workers.js';

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
  /** Every bundled scenario (before the named targets). */
  readonly all?: boolean;
  /** This machine's part of the suite, 'I/N'. */
  readonly shard?: string;
  /** Scenarios run at once, each in its own wirelab process (default 1). */
  readonly parallel?: string;
  /** Extra reports: 'junit:FILE' (or 'junit=FILE') and 'github' (annotations on stdout). */
  readonly reporter?: readonly string[];
  /** Shortcut for reporter 'junit:FILE'. */
  readonly junit?: string;
  /** List what would run (after --shard) and exit 0 without running anything. */
  readonly dryRun?: boolean;
  /** Internal (the --parallel workers): run only these scenario names of the resolved targets. */
  readonly only?: readonly string[];
  /** Where reports go (default stdout); progress always goes to stderr. */
  readonly write?: (text: string) => void;
}

/** One run of one scenario, as JSON can carry it (from a --parallel worker to the parent too). */
export interface RunRecord {
  readonly name: string;
  /** The scenario's file, relative to the working directory; absent for a bundled scenario. */
  readonly file?: string;
  readonly run: number;
  readonly seed: number;
  readonly ok: boolean;
  readonly dir: string;
  readonly capturePoint: 'client' | 'server';
  readonly timings: ScenarioRunResult['timings'];
  readonly outcomes: readonly RunOutcome[];
  /** Every failed expectation as "expected …, found …". */
  readonly failures: readonly string[];
  /** Conversations and flag counts, indented lines for the text report. */
  readonly summary: readonly string[];
  /** A failed run's one-line error and its packet timeline excerpt. */
  readonly error?: { readonly message: string; readonly timeline: string };
  /** With --replay-impairments: frames matched, unmatched and recorded segments never seen. */
  readonly replay?: ScenarioRunResult['replayStats'];
  /** Each host's TCP segments sent against those the proxy received; `lost > 0`: the machine dropped frames outside the impairments. */
  readonly path: ScenarioRunResult['pathAudit'];
  /** The impairment chains as run, per direction. */
  readonly chains: ScenarioRunResult['chains'];
}

/** One scenario's summary over its repeats (the JSON format's records). */
export interface RunSummary {
  readonly name: string;
  readonly file?: string;
  readonly runs: number;
  readonly passed: number;
  readonly results: readonly RunRecord[];
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
export async function readImpairmentLog(path: string): Promise<ImpairmentRecording> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`--replay-impairments ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  return parseImpairmentLog(text, path);
}

/** The run options every scenario of this invocation shares, parsed once. */
interface SharedRunOptions {
  readonly repeat: number;
  readonly firstSeed: number | undefined;
  readonly capture: CapturePoint | undefined;
  readonly uplink: readonly Impairment[] | undefined;
  readonly downlink: readonly Impairment[] | undefined;
  readonly replay: ImpairmentRecording | undefined;
  readonly report: boolean;
  readonly out: string;
}

/**
 * Runs scenarios: bundled names, files, directories or globs (see load-scenarios.ts), optionally
 * repeated, sharded and in parallel. Returns 0 when every run passed and 1 when an expectation failed;
 * throws ConfigError (unknown scenario, bad flag or impairment expression) and EnvironmentError, which
 * the CLI prints as `error [CODE]: message` with exit code 2.
 */
export async function runCommand(names: readonly string[], options: RunCommandOptions = {}): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  if (names.length === 0 && !options.all) throw new ConfigError(`run: name at least one scenario, file, directory or glob (or --all); known: ${scenarios.map((s) => s.name).join(', ')}`);
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new ConfigError(`--format ${format}: expected text or json`);
  const capture = options.capture as CapturePoint | undefined;
  if (capture !== undefined && !['client', 'server', 'both'].includes(capture)) throw new ConfigError(`--capture ${capture}: expected client, server or both`);
  const reporters = parseReporters(options.reporter ?? [], options.junit);
  const parallel = parseInteger('parallel', options.parallel, 1, 64) ?? 1;
  const shared: SharedRunOptions = {
    repeat: parseInteger('repeat', options.repeat, 1, 1000) ?? 1,
    firstSeed: parseInteger('seed', options.seed, 0, 0xffffffff),
    capture,
    uplink: options.uplink === undefined ? undefined : parseImpairments(options.uplink),
    downlink: options.downlink === undefined ? undefined : parseImpairments(options.downlink),
    replay: options.replayImpairments === undefined ? undefined : await readImpairmentLog(options.replayImpairments),
    out: options.out ?? 'runs',
    report: options.report === true,
  };
  let chosen = await resolveScenarios(names, { all: options.all === true });
  if (options.shard !== undefined) chosen = shardOf(chosen, options.shard);
  if (options.only !== undefined) chosen = chosen.filter((c) => options.only!.includes(c.scenario.name));
  if (options.dryRun) {
    for (const c of chosen) write(`${c.scenario.name}${c.file === undefined ? '' : `\t${relative(process.cwd(), c.file)}`}\n`);
    return 0;
  }
  // A scenario that cannot run here (no Chromium) fails before any run starts.
  for (const { scenario } of chosen) checkScenarioEnvironment(scenario);
  if (options.shard !== undefined) process.stderr.write(`shard ${options.shard}: ${chosen.length} scenario(s): ${chosen.map((c) => c.scenario.name).join(', ') || 'none'}\n`);
  installSignalHandlers();

  const started = performance.now();
  const summaries =
    parallel > 1 && chosen.length > 1
      ? await runInWorkers(chosen, options, parallel, format === 'text' ? write : undefined)
      : await runHere(chosen, shared, format === 'text' ? write : undefined);
  const wallMs = performance.now() - started;
  if (format === 'json') write(`${JSON.stringify(summaries, null, 2)}\n`);
  else if (summaries.length > 1) write(formatSuiteTotal(summaries, wallMs, parallel));
  if (reporters.junit !== undefined) await writeJunitReport(reporters.junit, summaries, wallMs);
  if (reporters.github) write(formatGithubAnnotations(summaries));
  return summaries.every((s) => s.passed === s.runs) ? 0 : 1;
}

/** Runs the scenarios one after the other in this process; text reports go to `write` as each run ends. */
async function runHere(chosen: readonly ScenarioSource[], o: SharedRunOptions, write: ((text: string) => void) | undefined): Promise<RunSummary[]> {
  const summaries: RunSummary[] = [];
  for (const { scenario, file } of chosen) {
    const results: RunRecord[] = [];
    for (let k = 0; k < o.repeat; k++) {
      // A replay repeats the recording's seed (its chains draw from it for segments it does not know).
      const seed = o.firstSeed === undefined ? (o.replay?.seed ?? drawSeed()) : (o.firstSeed + k) >>> 0;
      const runDir = o.repeat === 1 ? join(o.out, scenario.name) : join(o.out, scenario.name, `run-${k + 1}`);
      const label = o.repeat === 1 ? scenario.name : `${scenario.name} ${k + 1}/${o.repeat}`;
      process.stderr.write(`${label}: seed ${seed} `);
      let result: ScenarioRunResult;
      try {
        result = await runScenario(scenario, {
          runDir,
          seed,
          ...(o.capture === undefined ? {} : { capture: o.capture }),
          ...(o.uplink === undefined ? {} : { uplink: o.uplink }),
          ...(o.downlink === undefined ? {} : { downlink: o.downlink }),
          ...(o.replay === undefined ? {} : { replay: o.replay }),
          onPhase: (p) => process.stderr.write(`${p}… `),
        });
      } catch (e) {
        // End the progress line so the error stands on a line of its own.
        process.stderr.write('\n');
        throw e;
      }
      process.stderr.write(`${result.ok ? 'pass' : 'FAIL'}\n`);
      const record = toRecord(result, file, k + 1);
      results.push(record);
      write?.(formatRun(record, o.repeat === 1));
      // A passing repeat leaves nothing behind; failures keep their artefacts for inspection.
      if (result.ok && o.repeat > 1) await rm(result.dir, { recursive: true, force: true });
      else if (o.report) {
        const reportPath = join(result.dir, 'report.html');
        await (await import('./report.js')).writeReport(join(result.dir, 'capture.pcapng'), reportPath);
        write?.(`  report: ${reportPath}\n`);
      }
    }
    const summary: RunSummary = { name: scenario.name, ...(file === undefined ? {} : { file: relative(process.cwd(), file) }), runs: o.repeat, passed: results.filter((r) => r.ok).length, results };
    summaries.push(summary);
    if (o.repeat > 1) write?.(formatPassRates(summary));
  }
  return summaries;
}

function toRecord(result: ScenarioRunResult, file: string | undefined, run: number): RunRecord {
  return {
    name: result.name,
    ...(file === undefined ? {} : { file: relative(process.cwd(), file) }),
    run,
    seed: result.seed,
    ok: result.ok,
    dir: result.dir,
    capturePoint: result.capturePoint,
    timings: result.timings,
    outcomes: result.outcomes,
    failures: result.outcomes.filter((o) => !o.ok).map((o) => `expected ${o.expected}, found ${o.found}`),
    summary: formatAnalysisSummary(result),
    ...(result.error && isExpectationError(result.error) ? { error: { message: result.error.message, timeline: result.error.timeline } } : {}),
    ...(result.replayStats === undefined ? {} : { replay: result.replayStats }),
    path: result.pathAudit,
    chains: result.chains,
  };
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

function formatRun(record: RunRecord, detailed: boolean): string {
  const t = record.timings;
  const lines = [
    `${record.ok ? 'PASS' : 'FAIL'} ${record.name} (seed ${record.seed}, capture ${record.capturePoint}) in ${(t.totalMs / 1000).toFixed(1)} s: ` +
      `setup ${t.setupMs.toFixed(0)} ms (topology ${t.topologyUpMs.toFixed(0)} ms), traffic ${t.trafficMs.toFixed(0)} ms, ` +
      `analysis ${t.analyzeMs.toFixed(0)} ms, teardown ${t.teardownMs.toFixed(0)} ms (topology ${t.topologyDownMs.toFixed(0)} ms)`,
    `  impairments: uplink ${record.chains.uplink || 'none'}; downlink ${record.chains.downlink || 'none'}`,
    ...(record.replay === undefined ? [] : [`  replay of the recording's seed ${record.seed}: ${formatReplayStats(record.replay)}`]),
    ...record.outcomes.flatMap((o) => [`  ${o.ok ? 'ok  ' : 'FAIL'} ${o.label}: found ${o.found}`, ...o.explanation.map((l) => `       ${l}`)]),
    ...(detailed ? record.summary : []),
    `  artefacts: ${record.dir}`,
  ];
  if (record.error) lines.push(`  ${record.error.message}`, record.error.timeline);
  return `${lines.join('\n')}\n`;
}

/** One run's report as `wirelab run` prints it (with the conversations when `detailed`). */
export function formatScenarioResult(result: ScenarioRunResult, detailed = true): string {
  return formatRun(toRecord(result, undefined, 1), detailed);
}
