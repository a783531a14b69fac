/**
 * agent-process.ts: the runner's side of an agent (a child process inside a namespace that runs the
 * server or the client) and the JSON-lines protocol both sides speak. Must not import analyzer/ beyond errors.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError, HarnessError, ErrorCode } from '../../analyzer/errors.js';

/** A message an agent writes as one JSON line on stdout. */
export type AgentMessage =
  | { readonly type: 'ready'; readonly host: string; readonly port: number }
  | { readonly type: 'keylog'; readonly line: string }
  | { readonly type: 'request'; readonly line: string }
  | { readonly type: 'step'; readonly index: number; readonly label: string; readonly startMs: number; readonly endMs: number; readonly detail: string }
  | { readonly type: 'done' }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

/** The agents this folder provides. */
export type AgentName = 'server-agent' | 'client-agent' | 'browser-agent' | 'replay-receiver';

/** Starts a process; `Topology.spawn` bound to a host, or `child_process.spawn` for loopback tests. */
export type SpawnAgent = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

/**
 * The command line that runs an agent: `node --import tsx agents/X.ts CONFIG` from a checkout, or
 * `node dist/harness/agents/X.js CONFIG` after `npm run build` (decided by this file's own extension).
 */
export function agentCommand(name: AgentName, config: unknown): { command: string; args: string[]; cwd: string } {
  const here = fileURLToPath(import.meta.url);
  const ext = here.endsWith('.ts') ? '.ts' : '.js';
  const script = resolve(dirname(here), `${name}${ext}`);
  const json = JSON.stringify(config);
  // tsx is resolved from the cwd, so a checkout run starts in the project root.
  const cwd = ext === '.ts' ? resolve(dirname(here), '..', '..') : process.cwd();
  return { command: process.execPath, args: ext === '.ts' ? ['--import', 'tsx', script, json] : [script, json], cwd };
}

/**
 * A running agent. Messages are queued until read with {@link AgentProcess.next}; key log lines are
 * also collected in `keyLog` as they arrive.
 */
export class AgentProcess {
  readonly name: AgentName;
  readonly keyLog: string[] = [];
  readonly messages: AgentMessage[] = [];
  private readonly child: ChildProcess;
  private stderr = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private waiters: (() => void)[] = [];
  private readIndex = 0;

  /** Spawns the agent through `spawn` with its config. */
  constructor(name: AgentName, config: unknown, spawn: SpawnAgent) {
    this.name = name;
    const { command, args, cwd } = agentCommand(name, config);
    this.child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let pending = '';
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.trim() !== '') this.accept(line);
      }
    });
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      // Keep the tail only: it is for error messages, and a chatty agent must not grow the runner.
      this.stderr = (this.stderr + text).slice(-4000);
    });
    this.child.on('error', (e) => {
      this.stderr += `spawn failed: ${e.message}`;
      this.exit = { code: -1, signal: null };
      this.wake();
    });
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      this.wake();
    });
  }

  /** The child's pid (for logs). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private accept(line: string): void {
    let message: AgentMessage;
    try {
      message = JSON.parse(line) as AgentMessage;
    } catch {
      this.stderr = (this.stderr + `\n[stdout] ${line}`).slice(-4000);
      return;
    }
    if (message.type === 'keylog') this.keyLog.push(message.line);
    this.messages.push(message);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /**
   * Resolves with the next unread message of one of `types`, skipping others (they stay in `messages`).
   * @throws the agent's own error (with its code) when it reports one, EnvironmentError when it exits
   * or stays silent for `timeoutMs`.
   */
  async next<T extends AgentMessage['type']>(types: readonly T[], timeoutMs: number): Promise<Extract<AgentMessage, { type: T }>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      while (this.readIndex < this.messages.length) {
        const m = this.messages[this.readIndex++]!;
        if (m.type === 'error') throw agentError(this.name, m.code, m.message);
        if ((types as readonly string[]).includes(m.type)) return m as Extract<AgentMessage, { type: T }>;
      }
      if (this.exit) {
        throw new EnvironmentError(
          `${this.name} exited (code ${this.exit.code ?? 'none'}, signal ${this.exit.signal ?? 'none'}) before sending ${types.join('/')}: ${lastLine(this.stderr)}`,
        );
      }
      const leftMs = deadline - performance.now();
      if (leftMs <= 0) throw new EnvironmentError(`${this.name}: no ${types.join('/')} message within ${timeoutMs} ms: ${lastLine(this.stderr)}`);
      await new Promise<void>((resolveWait) => {
        const timer = setTimeout(resolveWait, leftMs);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolveWait();
        });
      });
    }
  }

  /** Writes one command line to the agent's stdin (e.g. 'start' for a client agent waiting to begin). */
  send(command: string): void {
    this.child.stdin?.write(`${command}\n`);
  }

  /** Asks the agent to exit (stdin closes, then SIGTERM, then SIGKILL after `graceMs`) and waits for it. */
  async stop(graceMs = 1000): Promise<void> {
    if (this.exit) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin?.end();
    const term = setTimeout(() => this.child.kill('SIGTERM'), graceMs / 2);
    const kill = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(term);
    clearTimeout(kill);
  }
}

function agentError(name: AgentName, code: string, message: string): HarnessError {
  const known = Object.values(ErrorCode) as string[];
  return new HarnessError(known.includes(code) ? (code as ErrorCode) : ErrorCode.Environment, `${name}: ${message}`);
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] || 'no output';
}

/**
 * The agent's side: writes one protocol message as a JSON line on stdout.
 * Used only by the agent entry points.
 */
export function sendToRunner(message: AgentMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/**
 * The agent's side: resolves when the runner writes `command` as a line on stdin, so an agent can
 * load and report readiness early and start its work exactly when told.
 */
export function waitForCommand(command: string): Promise<void> {
  return new Promise((resolveCommand) => {
    let buffered = '';
    const onData = (chunk: Buffer | string): void => {
      buffered += chunk.toString();
      if (buffered.split('\n').some((line) => line.trim() === command)) {
        process.stdin.off('data', onData);
        resolveCommand();
      }
    };
    process.stdin.on('data', onData);
  });
}

/**
 * The agent's side: runs `main`, reports a thrown error as an `error` message (exit code 2), and
 * exits when the runner closes stdin or sends SIGTERM, after `cleanup`.
 */
export function runAgent(main: () => Promise<() => Promise<void>>): void {
  let cleanup: (() => Promise<void>) | undefined;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void (cleanup ?? (async () => {}))().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop).resume();
  main().then(
    (c) => {
      cleanup = c;
      if (stopping) {
        stopping = false;
        stop();
      }
    },
    (e: unknown) => {
      const err = e as { code?: unknown; message?: unknown };
      sendToRunner({ type: 'error', code: typeof err.code === 'string' ? err.code : 'ERR_ENVIRONMENT', message: String(err.message ?? e) });
      process.exitCode = 2;
      // stdout must flush before exit, so exit from its write callback.
      process.stdout.write('', () => process.exit(2));
    },
  );
}
