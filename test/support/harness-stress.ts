/**
 * harness-stress.ts: runs `wirelab run SCENARIO` as child processes, interrupts them with SIGINT at random
 * moments or lets several run at once, and lists what each one left behind: namespaces, root veth ends,
 * run state files (all named after the owner pid, see harness/cleanup.ts), processes of its process group,
 * and files in the private TMPDIR it was given. Only a child's own resources count: other runs (other
 * users, other test processes) may be going on at the same time.
 * Used by test/netns/harness-stress.test.ts and script/stress-harness.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerPidOf, STATE_DIR } from '../../harness/cleanup.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'wirelab.js');
const NETNS = /^wl-([0-9a-z]{4,11})-[cs]$/;
const LINK = /^wl([0-9a-z]{4,11})[cs][01]$/;

/** How one child run ended and what it left. */
export interface ChildRun {
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Milliseconds after the start at which SIGINT was sent, or undefined. */
  readonly interruptedAtMs: number | undefined;
  readonly stderr: string;
  readonly leftovers: string[];
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Everything still present that belongs to the run of `pid` (given its private tmp dir). */
export function leftoversOf(pid: number, tmp: string): string[] {
  const out: string[] = [];
  for (const n of names('/run/netns')) {
    const m = NETNS.exec(n);
    if (m !== null && ownerPidOf(m[1]!) === pid) out.push(`netns ${n}`);
  }
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of links.split('\n')) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
    const m = name === undefined ? null : LINK.exec(name);
    if (m !== null && ownerPidOf(m[1]!) === pid) out.push(`link ${name}`);
  }
  for (const f of names(STATE_DIR)) {
    const id = f.replace(/\.json$/, '');
    if (ownerPidOf(id) === pid) out.push(`state ${f}`);
  }
  // The child led its own process group: anything still in it was started by the run.
  const ps = spawnSync('ps', ['-eo', 'pid=,pgid=,comm='], { encoding: 'utf8' }).stdout ?? '';
  for (const line of ps.split('\n')) {
    const [p, g, comm] = line.trim().split(/\s+/);
    if (g !== undefined && Number(g) === pid) out.push(`process ${p} ${comm}`);
  }
  // tsx-<uid> is the dev launcher's compile cache (bin/wirelab.js runs the sources through tsx), kept and
  // reused across runs on purpose; an installed wirelab (dist/) does not make it.
  for (const f of names(tmp)) if (!/^tsx-\d+$/.test(f)) out.push(`temp file ${join(tmp, f)}`);
  return out;
}

/** Waits until `check()` is empty or `ms` passed (a killed child's last removals may trail its exit a little). */
async function settle(check: () => string[], ms: number): Promise<string[]> {
  const until = Date.now() + ms;
  let left = check();
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    left = check();
  }
  return left;
}

/**
 * Runs `wirelab run scenario --out out` with a private TMPDIR; sends SIGINT after `interruptAfterMs` when given.
 * Bounded: the child is SIGKILLed after `limitMs` (and that is reported as a leftover-worthy failure).
 */
export async function runChild(scenario: string, out: string, interruptAfterMs: number | undefined, limitMs = 180_000): Promise<ChildRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'wirelab-stress-tmp-'));
  const child = spawn(process.execPath, [BIN, 'run', scenario, '--out', out], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true, // its own process group, so that its descendants can be found afterwards
    env: { ...process.env, TMPDIR: tmp },
  });
  const pid = child.pid!;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const started = Date.now();
  let interruptedAtMs: number | undefined;
  const interrupt =
    interruptAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          interruptedAtMs = Date.now() - started;
          child.kill('SIGINT');
        }, interruptAfterMs);
  let killed = false;
  const limit = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, limitMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(limit);
  if (interrupt !== undefined) clearTimeout(interrupt);
  const leftovers = await settle(() => leftoversOf(pid, tmp), 3_000);
  if (killed) leftovers.push(`still running after ${limitMs} ms (SIGKILLed)`);
  // Clean what the run left (so a failure does not pile up), after recording it.
  spawnSync('ip', ['-force', '-batch', '-'], {
    input: leftovers
      .map((l) => (l.startsWith('link ') ? `link del ${l.slice(5)}\n` : l.startsWith('netns ') ? `netns del ${l.slice(6)}\n` : ''))
      .join(''),
  });
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is empty: nothing to end
  }
  rmSync(tmp, { recursive: true, force: true });
  return { pid, code, signal, interruptedAtMs, stderr, leftovers };
}
