/**
 * cleanup.ts: everything a run creates is registered here and removed on success, failure,
 * exception, SIGINT and SIGTERM; `sweepLeftovers` removes what SIGKILL'd runs left behind.
 * Harness only; must not import cap or the analyzer's decode/analysis code.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { debuglog } from 'node:util';
import { listLinks, listNetns, netnsPids, removeLinksAndNetns } from './netns.js';

const log = debuglog('harness');

/** Directory of run state files: `<runId>.json` proves which resources belong to which process. */
export const STATE_DIR = '/run/wirelab';

/** Something a run created and must remove. */
export interface Resource {
  readonly label: string;
  /** Removes it; must be idempotent. */
  close(): Promise<void>;
  /** Best-effort synchronous removal for the process `exit` hook (nothing async runs there). */
  closeSync(): void;
}

const resources = new Set<Resource>();
let handlersInstalled = false;
let signalling = false;

/**
 * Registers a resource for removal on exit or signal; returns the function that unregisters it
 * (call it once the resource closed normally). Installs the signal handlers on first use.
 */
export function registerResource(resource: Resource): () => void {
  installSignalHandlers();
  resources.add(resource);
  return () => {
    resources.delete(resource);
  };
}

/** Closes every registered resource, newest first, continuing past failures. */
export async function closeAllResources(): Promise<void> {
  const all = [...resources].reverse();
  for (const r of all) {
    try {
      await r.close();
    } catch (e) {
      log('cleanup of %s failed: %o', r.label, e);
    }
    resources.delete(r);
  }
}

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

function onSignal(signal: 'SIGINT' | 'SIGTERM'): void {
  if (signalling) return;
  signalling = true;
  // Cleanup must finish even if it hangs on one resource; 5 s is well above a normal teardown.
  const guard = setTimeout(() => finish(), 5000);
  guard.unref();
  void closeAllResources().finally(() => finish());
  function finish(): void {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigterm);
    // Re-raise so the parent sees "killed by SIGINT/SIGTERM"; if someone else also listens, exit 128+n.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    else process.exit(128 + SIGNAL_NUMBERS[signal]);
  }
}
const onSigint = (): void => onSignal('SIGINT');
const onSigterm = (): void => onSignal('SIGTERM');
function onExit(): void {
  for (const r of [...resources].reverse()) r.closeSync();
  resources.clear();
}

/** Installs the SIGINT/SIGTERM/exit handlers once (idempotent). */
export function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('exit', onExit);
}

/** What a run owns, written before it creates anything. */
export interface RunState {
  readonly runId: string;
  readonly pid: number;
  /** Start time of `pid` in clock ticks since boot (/proc/PID/stat field 22): tells a reused pid apart. */
  readonly pidStartTicks: number;
  readonly netns: readonly string[];
  /** Root-namespace links (veth ends) the run creates. */
  readonly links: readonly string[];
}

/** Start time of a process in clock ticks since boot, or undefined when it does not exist. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

/** Writes `/run/wirelab/<runId>.json`. */
export function writeRunState(state: RunState): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(`${STATE_DIR}/${state.runId}.json`, `${JSON.stringify(state)}\n`);
}

/** Removes a run's state file (ignores a missing one). */
export function removeRunState(runId: string): void {
  rmSync(`${STATE_DIR}/${runId}.json`, { force: true });
}

function readRunStates(): RunState[] {
  let names: string[];
  try {
    names = readdirSync(STATE_DIR);
  } catch {
    return [];
  }
  const states: RunState[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      states.push(JSON.parse(readFileSync(`${STATE_DIR}/${name}`, 'utf8')) as RunState);
    } catch {
      log('ignoring unreadable state file %s', name);
    }
  }
  return states;
}

function isOwnerAlive(state: Pick<RunState, 'pid' | 'pidStartTicks'>): boolean {
  const ticks = processStartTicks(state.pid);
  return ticks !== undefined && ticks === state.pidStartTicks;
}

/** Run id format: 3 random base-36 characters, then the owner pid in base 36 (so a name proves its owner). */
export const RUN_ID_PATTERN = /^[0-9a-z]{3}([0-9a-z]{1,8})$/;
const NETNS_PATTERN = /^wl-([0-9a-z]{4,11})-[cs]$/;
const LINK_PATTERN = /^wl([0-9a-z]{4,11})[cs][01]$/;

/** The owner pid encoded in a run id, or undefined when it is not one of ours. */
export function ownerPidOf(runId: string): number | undefined {
  const m = RUN_ID_PATTERN.exec(runId);
  return m === null ? undefined : parseInt(m[1]!, 36);
}

/** What `sweepLeftovers` removed. */
export interface SweepReport {
  readonly netns: string[];
  readonly links: string[];
  readonly killedPids: number[];
  readonly stateFiles: string[];
}

/**
 * Removes leftovers of runs whose owner process is gone (after a SIGKILL): namespaces, root veth
 * ends, processes still inside those namespaces and state files. A resource counts as ours only if
 * its name matches the wl- naming and its owner (state file, or the pid encoded in the run id when
 * there is no state file) is provably dead; anything else is left alone.
 */
export async function sweepLeftovers(): Promise<SweepReport> {
  const report: SweepReport = { netns: [], links: [], killedPids: [], stateFiles: [] };
  const states = readRunStates();
  const stated = new Map(states.map((s) => [s.runId, s]));
  const deadRuns = new Set<string>();
  for (const s of states) if (!isOwnerAlive(s)) deadRuns.add(s.runId);

  // Runs without a state file (killed between naming and writing it) are judged by the encoded pid.
  const judge = (runId: string): boolean => {
    if (stated.has(runId)) return deadRuns.has(runId);
    const pid = ownerPidOf(runId);
    return pid !== undefined && processStartTicks(pid) === undefined;
  };

  const namespaces = listNetns().filter((n) => {
    const m = NETNS_PATTERN.exec(n);
    return m !== null && judge(m[1]!);
  });
  const links = (await listLinks()).filter((l) => {
    const m = LINK_PATTERN.exec(l);
    return m !== null && judge(m[1]!);
  });
  for (const s of states) {
    if (!deadRuns.has(s.runId)) continue;
    for (const n of s.netns) if (!namespaces.includes(n) && listNetns().includes(n)) namespaces.push(n);
  }
  for (const ns of namespaces) {
    for (const pid of await netnsPids(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
        report.killedPids.push(pid);
      } catch {
        // Already gone.
      }
    }
  }
  await removeLinksAndNetns(links, namespaces);
  report.netns.push(...namespaces);
  report.links.push(...links);
  for (const runId of deadRuns) {
    removeRunState(runId);
    report.stateFiles.push(`${STATE_DIR}/${runId}.json`);
  }
  return report;
}
