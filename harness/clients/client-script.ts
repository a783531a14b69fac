/**
 * client-script.ts: serializable client actions and the executor that plays them in order at their
 * times; the scenario timeline compiles to this and the client agent runs it. Must not import analyzer/ beyond errors.
 */
import { ConfigError } from '../../analyzer/errors.js';
import { loadLabPage } from './browser-client.js';
import { openLabConnection, type CloseMode, type LabConnection, type LabConnectionOptions } from './lab-connection.js';

/** One thing the client does; plain data so it crosses the process boundary as JSON. */
export type ClientAction =
  | { readonly kind: 'connect'; readonly connection: string }
  | {
      readonly kind: 'get';
      readonly connection: string;
      readonly path: string;
      readonly range?: { readonly start: number; readonly end?: number };
      readonly stallMs?: number;
    }
  | { readonly kind: 'page'; readonly connection: string; readonly connections: number; readonly spareClose: CloseMode; readonly spareIdleMs: number }
  | { readonly kind: 'close'; readonly connection: string; readonly mode: CloseMode };

/** When an action starts: `relative` counts from the end of the previous action, otherwise from the script start. */
export interface ActionTime {
  readonly ms: number;
  readonly relative: boolean;
}

/** An action with its start time. */
export interface TimedClientAction {
  readonly at: ActionTime;
  readonly action: ClientAction;
}

/** What one step did, reported to the runner for `timeline.txt`. */
export interface ClientStepResult {
  readonly index: number;
  readonly label: string;
  /** Offsets from the script start. */
  readonly startMs: number;
  readonly endMs: number;
  readonly detail: string;
}

/** A short human label such as "get /bytes/64k on main", used in timelines and errors. */
export function describeClientAction(action: ClientAction): string {
  switch (action.kind) {
    case 'connect':
      return `connect ${action.connection}`;
    case 'get':
      return `get ${action.path}${action.range ? ` range ${action.range.start}-${action.range.end ?? ''}` : ''}${action.stallMs ? ` stall ${action.stallMs}ms` : ''} on ${action.connection}`;
    case 'page':
      return `page load on ${action.connection} with ${action.connections} connections, spares ${action.spareClose}`;
    case 'close':
      return `close ${action.connection} (${action.mode})`;
  }
}

/**
 * Plays timed steps in order with `run`. Each step waits for its start time (absolute: from the
 * start; relative: from the end of the previous step), then runs to completion before the next one
 * is considered, so `+2s` means two seconds after the previous step finished.
 */
export async function playTimedSteps<A>(
  steps: readonly { readonly at: ActionTime; readonly action: A }[],
  run: (action: A) => Promise<string>,
  describe: (action: A) => string,
  onStep: (result: ClientStepResult) => void,
): Promise<ClientStepResult[]> {
  const results: ClientStepResult[] = [];
  const startMs = performance.now();
  let previousEndMs = 0;
  for (const [index, step] of steps.entries()) {
    const dueMs = step.at.relative ? previousEndMs + step.at.ms : step.at.ms;
    const waitMs = dueMs - (performance.now() - startMs);
    // A timeline pause, not a readiness wait: the scenario asks for idle time on the wire here.
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    const stepStartMs = performance.now() - startMs;
    const detail = await run(step.action);
    previousEndMs = performance.now() - startMs;
    const result = { index, label: describe(step.action), startMs: stepStartMs, endMs: previousEndMs, detail };
    results.push(result);
    onStep(result);
  }
  return results;
}

/**
 * Plays `steps` in order on node TLS connections (see `playTimedSteps` for the timing rules).
 * @throws ConfigError when a step names a connection that is not open (close before connect).
 */
export async function runClientScript(
  steps: readonly TimedClientAction[],
  connection: LabConnectionOptions,
  onStep: (result: ClientStepResult) => void = () => {},
): Promise<ClientStepResult[]> {
  const connections = new Map<string, LabConnection>();
  return playTimedSteps(steps, (action) => runAction(action, connections, connection), describeClientAction, onStep);
}

async function runAction(action: ClientAction, connections: Map<string, LabConnection>, options: LabConnectionOptions): Promise<string> {
  const open = async (name: string): Promise<LabConnection> => {
    const existing = connections.get(name);
    if (existing) return existing;
    const created = await openLabConnection(options);
    connections.set(name, created);
    return created;
  };
  switch (action.kind) {
    case 'connect': {
      const c = await open(action.connection);
      return `port ${c.localPort} ${c.protocol} ${c.cipher}`;
    }
    case 'get': {
      const c = await open(action.connection);
      const r = await c.get(action.path, {
        ...(action.range === undefined ? {} : { range: action.range }),
        ...(action.stallMs === undefined ? {} : { stallMs: action.stallMs }),
      });
      return `port ${c.localPort} status ${r.status} ${r.bodyBytes} bytes in ${r.durationMs.toFixed(1)} ms`;
    }
    case 'page': {
      if (connections.has(action.connection)) throw new ConfigError(`client: page load on "${action.connection}", which is already open; use a new connection name`);
      const load = await loadLabPage({ ...options, connections: action.connections, spareClose: action.spareClose, spareIdleMs: action.spareIdleMs });
      connections.set(action.connection, load.main);
      return `ports ${load.localPorts.join(',')} ${load.resources.map((r) => `${r.path}=${r.status}/${r.bytes}`).join(' ')}`;
    }
    case 'close': {
      const c = connections.get(action.connection);
      if (!c) throw new ConfigError(`client: close "${action.connection}" but no such connection is open; open it with connect or get first`);
      await c.close(action.mode);
      connections.delete(action.connection);
      return `port ${c.localPort} closed (${action.mode})`;
    }
  }
}
