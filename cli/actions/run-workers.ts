/**
 * run-workers.ts: `wirelab run --parallel N`: each scenario runs in its own `wirelab run … --format json`
 * process, N at a time. Separate processes, not concurrent runs in one event loop: each run's proxy
 * forwards every frame in JavaScript, so two proxies in one process would share one core and time each
 * other's packets. Namespaces and run ids are per process, so the runs cannot collide.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ConfigError, EnvironmentError, ErrorCode, HarnessError } from '../../analyzer/errors.js';
import { registerResource } from '../../harness/cleanup.js';
import { wirelabBin } from '../wirelab-bin.js';
import type { ScenarioSource } from './load-scenarios.js';
import type { RunCommandOptions, RunRecord, RunSummary } from './run.js';
import { formatPassRates } from './run-reports.js';

/** The flags a worker repeats from this invocation: everything that shapes a run, nothing that selects or reports. */
function workerArgs(sources: readonly ScenarioSource[], options: RunCommandOptions): string[] {
  const targets = [...new Set(sources.map((s) => s.file ?? s.scenario.name))];
  const args = ['run', ...targets, ...sources.flatMap((s) => ['--only', s.scenario.name]), '--format', 'json'];
  const pass: [keyof RunCommandOptions, string][] = [
    ['out', '--out'],
    ['seed', '--seed'],
    ['capture', '--capture'],
    ['repeat', '--repeat'],
    ['uplink', '--uplink'],
    ['downlink', '--downlink'],
    ['replayImpairments', '--replay-impairments'],
  ];
  for (const [key, flag] of pass) {
    const value = options[key];
    if (typeof value === 'string') args.push(flag, value);
  }
  return args;
}

/** A worker's own one-line error (`error [CODE]: message`) as the same HarnessError, so exit codes stay. */
function workerError(name: string, stderr: string, code: number | null): HarnessError {
  const m = /error \[(ERR_[A-Z_]+)\]: (.*)/.exec(stderr);
  const message = `${name}: ${m?.[2] ?? `worker exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`}`;
  return m?.[1] === ErrorCode.Config ? new ConfigError(message) : new EnvironmentError(message);
}

function runWorker(bin: string, sources: readonly ScenarioSource[], options: RunCommandOptions): Promise<RunSummary[]> {
  const source = { scenario: { name: sources.map((s) => s.scenario.name).join(', ') } };
  return new Promise((resolveRun, reject) => {
    const child: ChildProcess = spawn(process.execPath, [bin, ...workerArgs(sources, options)], { stdio: ['ignore', 'pipe', 'pipe'] });
    // A Ctrl-C reaches the workers through the terminal's process group; SIGTERM to us goes on to them.
    const unregister = registerResource({
      label: `worker ${source.scenario.name}`,
      close: () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
      closeSync: () => {
        if (child.exitCode === null) child.kill('SIGTERM');
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    // The worker's progress lines, each prefixed with its scenario, so a long suite is not silent.
    let partial = '';
    child.stderr!.setEncoding('utf8').on('data', (t: string) => {
      stderr = (stderr + t).slice(-8000);
      const lines = (partial + t).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim() !== '') process.stderr.write(`[worker ${child.pid}] ${line}\n`);
    });
    child.on('error', (e) => {
      unregister();
      reject(new EnvironmentError(`--parallel: cannot start a worker (${e.message})`));
    });
    child.on('exit', (code) => {
      unregister();
      if (code !== 0 && code !== 1) return reject(workerError(source.scenario.name, stderr, code));
      try {
        const summaries = JSON.parse(stdout) as RunSummary[];
        if (summaries.length !== sources.length) throw new Error('summaries missing');
        resolveRun(summaries);
      } catch {
        reject(workerError(source.scenario.name, stderr, code));
      }
    });
  });
}

function formatRecordLine(record: RunRecord): string {
  return `${record.ok ? 'PASS' : 'FAIL'} ${record.name}${record.run > 1 ? ` run ${record.run}` : ''} (seed ${record.seed}, capture ${record.capturePoint}) in ${(record.timings.totalMs / 1000).toFixed(1)} s`;
}

/**
 * Runs the scenarios in `parallel` worker processes, each taking every N-th scenario (one process per
 * lane, not per scenario: loading wirelab costs seconds of CPU, which a loaded machine lacks). Each
 * worker's text lines appear as it finishes; the summaries come back in suite order, so JSON and JUnit
 * reports match a serial run's. A worker's error is thrown once every worker ended.
 */
export async function runInWorkers(chosen: readonly ScenarioSource[], options: RunCommandOptions, parallel: number, write: ((text: string) => void) | undefined): Promise<RunSummary[]> {
  const bin = wirelabBin();
  const lanes = Array.from({ length: Math.min(parallel, chosen.length) }, (_v, k) => chosen.filter((_s, i) => i % parallel === k));
  const byName = new Map<string, RunSummary>();
  let failure: unknown;
  await Promise.all(
    lanes.map(async (lane) => {
      try {
        for (const summary of await runWorker(bin, lane, options)) {
          byName.set(summary.name, summary);
          process.stderr.write(`${summary.name}: ${summary.passed}/${summary.runs} passed\n`);
          for (const r of summary.results) {
            write?.(`${formatRecordLine(r)}\n`);
            if (!r.ok) {
              for (const o of r.outcomes.filter((x) => !x.ok)) write?.([`  FAIL ${o.label}: found ${o.found}`, ...o.explanation.map((l) => `       ${l}`)].join('\n') + '\n');
              if (r.error) write?.(`  ${r.error.message}\n${r.error.timeline}\n`);
            }
          }
          if (summary.runs > 1) write?.(formatPassRates(summary));
        }
      } catch (e) {
        failure ??= e;
      }
    }),
  );
  if (failure !== undefined) throw failure;
  return chosen.map((c) => byName.get(c.scenario.name)!);
}
