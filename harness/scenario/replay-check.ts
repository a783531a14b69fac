/**
 * replay-check.ts: does replaying a run's impairments.jsonl reproduce it? Runs a scenario once, then
 * replays its recording N times and compares per-conversation flag counts. Must not import the CLI.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Analysis } from '../../analyzer/analysis-result.js';
import { isEnvironmentError } from '../../analyzer/errors.js';
import { parseImpairmentLog } from '../impair/recording.js';
import type { ReplayStats } from '../proxy/impairment-proxy.js';
import type { Scenario } from './define-scenario.js';
import { runScenario } from './run-scenario.js';

/** "stream 0: duplicate_ack 46, lost_segment 3; stream 1: none", per conversation, tcp.analysis flags only. */
export function conversationFlagCounts(analysis: Analysis): string {
  const perStream = new Map<number, Map<string, number>>();
  for (const c of analysis.conversations) perStream.set(c.stream, new Map());
  for (const f of analysis.findings) {
    if (!f.id.startsWith('tcp.analysis.') || f.stream === undefined || f.stream === null) continue;
    const counts = perStream.get(f.stream) ?? new Map<string, number>();
    perStream.set(f.stream, counts);
    const id = f.id.slice('tcp.analysis.'.length);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...perStream.entries()]
    .sort(([a], [b]) => a - b)
    .map(([stream, counts]) => `stream ${stream}: ${counts.size === 0 ? 'none' : [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => `${id} ${n}`).join(', ')}`)
    .join('; ');
}

/** "stream 0: duplicate_ack, lost_segment; stream 1: none": which flags each conversation has, not how many. */
export function conversationPhenomena(flagCounts: string): string {
  return flagCounts.replace(/ \d+(?=,|;|$)/g, '');
}

/**
 * Runs `run` up to three times while it fails with ERR_ENVIRONMENT: on a loaded machine an agent may
 * not be ready within its 15 s; that says nothing about replay.
 */
async function withRetries<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= 3 || !isEnvironmentError(e)) throw e;
    }
  }
}

/** One replay's outcome. */
export interface ReplayTrial {
  /** The same per-conversation flag counts as the original. */
  readonly same: boolean;
  /** The same flags present per conversation (counts may differ). */
  readonly samePhenomena: boolean;
  readonly flags: string;
  readonly stats: ReplayStats | undefined;
}

/** The original and its replays. */
export interface ReplayCheck {
  readonly scenario: string;
  readonly seed: number;
  readonly original: string;
  readonly trials: readonly ReplayTrial[];
  /** How many trials had the original's per-conversation flag counts. */
  readonly reproduced: number;
  /** How many had the original's flags present per conversation. */
  readonly reproducedPhenomena: number;
}

/**
 * Runs `scenario` with `seed`, then replays its recording `replays` times (each from the file, as
 * `wirelab run --replay-impairments` does). Artefacts go under `outDir` and are removed afterwards
 * unless a replay differed.
 */
export async function checkReplay(
  scenario: Scenario,
  options: { seed: number; replays: number; outDir: string; baseline?: boolean; onTrial?: (trial: ReplayTrial, k: number) => void },
): Promise<ReplayCheck> {
  const originalDir = join(options.outDir, scenario.name, 'original');
  const first = await withRetries(() => runScenario(scenario, { seed: options.seed, runDir: originalDir }));
  const original = conversationFlagCounts(first.analysis);
  const logPath = join(originalDir, 'impairments.jsonl');
  const trials: ReplayTrial[] = [];
  for (let k = 0; k < options.replays; k++) {
    const recording = parseImpairmentLog(await readFile(logPath, 'utf8'), logPath);
    const runDir = join(options.outDir, scenario.name, `replay-${k + 1}`);
    // The baseline reruns the seed without the recording: how reproducible the scenario is on its own here.
    let trial: ReplayTrial;
    try {
      const result = await withRetries(() => runScenario(scenario, options.baseline === true ? { seed: options.seed, runDir } : { replay: recording, runDir }));
      const flags = conversationFlagCounts(result.analysis);
      trial = { same: flags === original, samePhenomena: conversationPhenomena(flags) === conversationPhenomena(original), flags, stats: result.replayStats };
    } catch (e) {
      // A run that could not start even on the third try counts as not reproduced.
      trial = { same: false, samePhenomena: false, flags: `run failed: ${(e as Error).message}`, stats: undefined };
    }
    trials.push(trial);
    options.onTrial?.(trial, k);
    if (trial.same) await rm(runDir, { recursive: true, force: true });
  }
  const reproduced = trials.filter((t) => t.same).length;
  if (reproduced === trials.length) await rm(join(options.outDir, scenario.name), { recursive: true, force: true });
  return { scenario: scenario.name, seed: options.seed, original, trials, reproduced, reproducedPhenomena: trials.filter((t) => t.samePhenomena).length };
}
