/**
 * run-reports.ts: what `wirelab run` reports beyond each run's text: per-expectation pass rates over
 * repeats, the suite total, a JUnit XML file (schema: test/fixtures/junit/junit.xsd) and GitHub Actions
 * annotations (`::error file=…`). Formatting only, plus the one file write of the JUnit report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../analyzer/errors.js';
import type { RunRecord, RunSummary } from './run.js';

/** Which extra reports a run writes. */
export interface Reporters {
  readonly junit: string | undefined;
  readonly github: boolean;
}

/**
 * Parses `--reporter` values ('junit:FILE', 'junit=FILE', 'github') and `--junit FILE`. GitHub's own
 * runners set GITHUB_ACTIONS=true, which turns the annotations on without a flag.
 * @throws ConfigError for an unknown reporter or junit without a file.
 */
export function parseReporters(specs: readonly string[], junitFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Reporters {
  let junit = junitFile;
  let github = env['GITHUB_ACTIONS'] === 'true';
  for (const spec of specs) {
    const m = /^([a-z]+)(?:[:=](.*))?$/.exec(spec.trim());
    if (m?.[1] === 'github' && m[2] === undefined) github = true;
    else if (m?.[1] === 'junit') {
      if (!m[2]) throw new ConfigError(`--reporter ${spec}: name the file, e.g. --reporter junit:reports/wirelab.xml`);
      junit = m[2];
    } else throw new ConfigError(`--reporter ${spec}: expected junit:FILE or github`);
  }
  return { junit, github };
}

/** The per-expectation pass rates of one scenario's repeats, and the distinct findings of its failures. */
export function formatPassRates(summary: RunSummary): string {
  const totals = summary.results.map((r) => r.timings.totalMs);
  const lines = [
    `${summary.name}: ${summary.passed}/${summary.runs} passed (${((100 * summary.passed) / summary.runs).toFixed(0)}%), run time ${(Math.min(...totals) / 1000).toFixed(1)}–${(Math.max(...totals) / 1000).toFixed(1)} s`,
  ];
  const busy = summary.results.filter((r) => r.path.lost > 0);
  if (busy.length > 0) {
    const failedBusy = busy.filter((r) => !r.ok).length;
    lines.push(`  ${busy.length} run${busy.length === 1 ? '' : 's'} lost frames outside the impairments (the machine was too busy; ${failedBusy} of them failed): seed${busy.length === 1 ? '' : 's'} ${busy.slice(0, 5).map((r) => r.seed).join(', ')}${busy.length > 5 ? ', …' : ''}`);
  }
  const labels = [...new Set(summary.results.flatMap((r) => r.outcomes.map((o) => o.label)))];
  for (const label of labels) {
    const outcomes = summary.results.flatMap((r) => r.outcomes.filter((o) => o.label === label).map((o) => ({ run: r, o })));
    const passed = outcomes.filter((x) => x.o.ok).length;
    lines.push(`  ${`${passed}/${outcomes.length}`.padStart(7)} ${label}`);
    // Which ways it failed, most frequent first, with the seeds to repeat each.
    const ways = new Map<string, number[]>();
    for (const { run, o } of outcomes) if (!o.ok) ways.set(o.found, [...(ways.get(o.found) ?? []), run.seed]);
    for (const [found, seeds] of [...ways].sort((a, b) => b[1].length - a[1].length)) {
      lines.push(`          ${seeds.length}× found ${found} (seed${seeds.length === 1 ? '' : 's'} ${seeds.slice(0, 5).join(', ')}${seeds.length > 5 ? ', …' : ''})`);
      const why = outcomes.find((x) => !x.o.ok && x.o.found === found)?.o.explanation ?? [];
      for (const l of why.slice(0, 2)) lines.push(`            e.g. ${l}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One line for a suite of several scenarios: how many passed and the wall time. */
export function formatSuiteTotal(summaries: readonly RunSummary[], wallMs: number, parallel: number): string {
  const runs = summaries.reduce((n, s) => n + s.runs, 0);
  const passed = summaries.reduce((n, s) => n + s.passed, 0);
  const failed = summaries.filter((s) => s.passed < s.runs).map((s) => s.name);
  return `suite: ${passed}/${runs} runs passed in ${(wallMs / 1000).toFixed(1)} s (${summaries.length} scenarios, parallel ${parallel})${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}\n`;
}

function xml(text: string): string {
  // Control characters other than tab and newline are not allowed in XML 1.0 at all.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function testcase(summary: RunSummary, record: RunRecord): string {
  const name = summary.runs === 1 ? summary.name : `${summary.name} run ${record.run}`;
  const classname = summary.file === undefined ? `wirelab.scenarios.${summary.name}` : summary.file;
  const open = `    <testcase name="${xml(name)}" classname="${xml(classname)}" time="${seconds(record.timings.totalMs)}">`;
  const out = `      <system-out>${xml(`seed ${record.seed}, capture ${record.capturePoint}, artefacts ${record.dir}\n${record.outcomes.map((o) => `${o.ok ? 'ok  ' : 'FAIL'} ${o.label}: found ${o.found}`).join('\n')}`)}</system-out>`;
  if (record.ok) return `${open}\n${out}\n    </testcase>`;
  const failed = record.outcomes.filter((o) => !o.ok);
  const message = failed.map((o) => `expected ${o.expected}, found ${o.found}`).join('; ');
  const body = [...failed.flatMap((o) => [`expected ${o.expected}, found ${o.found}`, ...o.explanation.map((l) => `  ${l}`)]), '', record.error?.timeline ?? ''].join('\n');
  return `${open}\n      <failure message="${xml(message)}" type="ExpectationFailed">${xml(body)}</failure>\n${out}\n    </testcase>`;
}

/** The JUnit XML of a run: one testsuite per scenario, one testcase per run. */
export function formatJunit(summaries: readonly RunSummary[], wallMs: number, now = new Date()): string {
  const tests = summaries.reduce((n, s) => n + s.runs, 0);
  const failures = summaries.reduce((n, s) => n + s.runs - s.passed, 0);
  const timestamp = now.toISOString().slice(0, 19);
  const suites = summaries.map((s, i) => {
    const time = s.results.reduce((t, r) => t + r.timings.totalMs, 0);
    const cases = s.results.map((r) => testcase(s, r)).join('\n');
    return `  <testsuite name="${xml(s.name)}" id="${i}" package="wirelab" hostname="${xml(hostname())}" timestamp="${timestamp}" tests="${s.runs}" failures="${s.runs - s.passed}" errors="0" skipped="0" time="${seconds(time)}">\n${cases}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="wirelab run" tests="${tests}" failures="${failures}" errors="0" time="${seconds(wallMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** Writes {@link formatJunit} to `file`, creating its directory. */
export async function writeJunitReport(file: string, summaries: readonly RunSummary[], wallMs: number): Promise<void> {
  await mkdir(dirname(resolve(file)), { recursive: true });
  await writeFile(file, formatJunit(summaries, wallMs));
}

/** GitHub's workflow-command escaping: data escapes % CR LF, properties also : and ,. */
const ghData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProperty = (s: string): string => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** The bundled scenario's source file from the working directory, when this is a checkout. */
function bundledFile(name: string): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.split(/[\\/]/).includes('dist') ? resolve(here, '..', '..', '..') : resolve(here, '..', '..');
  const path = join(root, 'scenarios', `${name}.scenario.ts`);
  return existsSync(path) ? path : undefined;
}

/** The line of the file that declares the expectation: the first that names its flag id (best effort). */
function lineOf(file: string, label: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const id = /tcp\.(?:analysis|connection)\.(\w+)/.exec(label);
  const word = id?.[0].startsWith('tcp.analysis.') ? id[1]! : (id?.[0] ?? label.split(' ')[0]!);
  const lines = text.split('\n');
  const expectAt = Math.max(0, lines.findIndex((l) => /\bexpect\s*:/.test(l)));
  const hit = lines.findIndex((l, i) => i >= expectAt && l.includes(word));
  return hit < 0 ? undefined : hit + 1;
}

/** One `::error` workflow command per failed expectation of every failed run (the PR's annotations). */
export function formatGithubAnnotations(summaries: readonly RunSummary[]): string {
  const lines: string[] = [];
  for (const s of summaries) {
    const file = s.file ?? bundledFile(s.name);
    for (const r of s.results) {
      for (const o of r.outcomes.filter((x) => !x.ok)) {
        const line = file === undefined ? undefined : lineOf(file, o.label);
        const where = file === undefined ? '' : `file=${ghProperty(relative(process.cwd(), resolve(file)))}${line === undefined ? '' : `,line=${line}`},`;
        const text = [`expected ${o.expected}, found ${o.found} (seed ${r.seed}, artefacts ${r.dir})`, ...o.explanation].join('\n');
        lines.push(`::error ${where}title=${ghProperty(`wirelab ${s.name}: ${o.label}`)}::${ghData(text)}`);
      }
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
