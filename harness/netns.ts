/**
 * netns.ts: thin wrappers over iproute2 and ethtool for namespaces and veths, async and sync.
 * Harness only: spawns `ip`/`ethtool`; must not import cap or the analyzer's decode code.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { EnvironmentError } from '../analyzer/errors.js';

/** Where `ip netns add` keeps its bind mounts (one file per named namespace). */
export const NETNS_RUN_DIR = '/run/netns';

/** Options of `runTool`. */
export interface RunToolOptions {
  /** Written to the tool's stdin (used for `ip -batch -`). */
  readonly input?: string;
  /** Kill the tool after this long (default 10 s). */
  readonly timeoutMs?: number;
}

/** A tool exited non-zero: what ran and what it said. */
export class ToolError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`${command} failed: ${stderr.trim().split('\n')[0] ?? ''}`);
    this.name = 'ToolError';
  }
}

/** Runs `file args…` and resolves with stdout; rejects with ToolError, or EnvironmentError when `file` is missing. */
export function runTool(file: string, args: readonly string[], options: RunToolOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args as string[],
      { timeout: options.timeoutMs ?? 10_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(new EnvironmentError(`"${file}" was not found on PATH: install it (apt-get install ${packageOf(file)})`));
        }
        reject(new ToolError(`${file} ${args.join(' ')}`, stderr || error.message, child.exitCode));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

function packageOf(file: string): string {
  return file === 'ip' ? 'iproute2' : file;
}

/** Runs iproute2 commands in one process (`ip [-n NS] -batch -`), failing on the first error. */
export function ipBatch(lines: readonly string[], netns?: string): Promise<string> {
  const args = netns === undefined ? ['-batch', '-'] : ['-n', netns, '-batch', '-'];
  return runTool('ip', args, { input: `${lines.join('\n')}\n` });
}

/** Runs `file args…` inside a named namespace (`ip netns exec`). */
export function execInNetns(netns: string, file: string, args: readonly string[]): Promise<string> {
  return runTool('ip', ['netns', 'exec', netns, file, ...args]);
}

/** Names of the named network namespaces (the files `ip netns add` created). */
export function listNetns(): string[] {
  try {
    return readdirSync(NETNS_RUN_DIR);
  } catch {
    return [];
  }
}

/** Names of the links in the root namespace. */
export async function listLinks(): Promise<string[]> {
  const out = await runTool('ip', ['-j', 'link', 'show']);
  return (JSON.parse(out) as { ifname: string }[]).map((l) => l.ifname);
}

/** Pids of processes inside a named namespace (empty when it is gone). */
export async function netnsPids(netns: string): Promise<number[]> {
  try {
    const out = await runTool('ip', ['netns', 'pids', netns]);
    return out.split('\n').filter((l) => l.trim() !== '').map(Number);
  } catch {
    return [];
  }
}

/** Batch lines that delete links and namespaces; `-force` makes the batch go on past ones already gone. */
function removalLines(links: readonly string[], namespaces: readonly string[]): string[] {
  return [...links.map((l) => `link del ${l}`), ...namespaces.map((n) => `netns del ${n}`)];
}

/**
 * Deletes root-namespace links (a veth end takes its peer with it) and then namespaces, ignoring
 * ones already gone. Links go first and explicitly: a deleted namespace frees its veth end only later.
 */
export async function removeLinksAndNetns(links: readonly string[], namespaces: readonly string[]): Promise<void> {
  const lines = removalLines(links, namespaces);
  if (lines.length === 0) return;
  try {
    await runTool('ip', ['-force', '-batch', '-'], { input: `${lines.join('\n')}\n` });
  } catch (e) {
    // -force still exits 1 when a line failed; "does not exist"/"No such file" means already removed.
    if (!(e instanceof ToolError) || !/(Cannot find device|No such file|does not exist)/.test(e.stderr)) throw e;
  }
}

/** Synchronous removeLinksAndNetns, for the process `exit` hook where nothing async runs. */
export function removeLinksAndNetnsSync(links: readonly string[], namespaces: readonly string[]): void {
  const lines = removalLines(links, namespaces);
  if (lines.length === 0) return;
  try {
    execFileSync('ip', ['-force', '-batch', '-'], { input: `${lines.join('\n')}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
  } catch {
    // Best effort at exit; the next run's sweep removes what is left.
  }
}
