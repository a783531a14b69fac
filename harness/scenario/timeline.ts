/**
 * timeline.ts: the scenario timeline: `at(time, action)` entries and the `client` action builders.
 * Pure data builders; must not import node I/O modules, the proxy or the analyzer.
 */
import { ConfigError } from '../../analyzer/errors.js';
import type { BrowserAction } from '../clients/chromium-client.js';
import type { ActionTime, ClientAction } from '../clients/client-script.js';
import type { CloseMode } from '../clients/lab-connection.js';

/** One timeline entry: a client action (node client or real browser) and when it starts. */
export interface TimelineEntry {
  readonly at: ActionTime;
  readonly action: ClientAction | BrowserAction;
}

/**
 * Parses a timeline time: a number of ms or text such as '500ms', '2s', '1.5s' for an absolute time
 * (from the start of traffic), or the same with a leading '+' for a time after the previous action
 * finished (packetdrill's `+.1`).
 * @throws ConfigError for anything else.
 */
export function parseTimelineTime(time: number | string): ActionTime {
  if (typeof time === 'number') {
    if (!Number.isFinite(time) || time < 0) throw new ConfigError(`timeline time ${time}: expected a non-negative number of ms`);
    return { ms: time, relative: false };
  }
  const m = /^(\+)?(\d+(?:\.\d+)?)(ms|s)?$/.exec(time.trim());
  if (!m) throw new ConfigError(`timeline time "${time}": expected ms or text like 250, '500ms', '2s' or '+2s'`);
  const value = Number(m[2]);
  return { ms: m[3] === 's' ? value * 1000 : value, relative: m[1] === '+' };
}

/**
 * A timeline entry.
 * @example at(0, client.get('/bytes/64k')), at('+2s', client.close())
 */
export function at(time: number | string, action: ClientAction | BrowserAction): TimelineEntry {
  return { at: parseTimelineTime(time), action };
}

/** Options shared by the client builders: which connection (default 'main'). */
export interface ConnectionChoice {
  readonly connection?: string;
}

/**
 * Builders of client actions. Connections are named; `get` on a name that is not open yet opens it.
 * @example
 * timeline: [at(0, client.page()), at('+1s', client.get('/bytes/1m', { stallMs: 500 })), at('+0', client.close('fin'))]
 */
export const client = {
  /** Opens a connection (TCP and TLS handshake) without sending a request. */
  connect(options: ConnectionChoice = {}): ClientAction {
    return { kind: 'connect', connection: connectionName(options) };
  },
  /**
   * GET `path` on a keep-alive connection. `range` asks for part of the body; `stallMs` stops reading
   * once the headers arrived, so the receive window fills and closes (zero window).
   */
  get(path: string, options: ConnectionChoice & { range?: { start: number; end?: number }; stallMs?: number } = {}): ClientAction {
    if (!path.startsWith('/')) throw new ConfigError(`client.get("${path}"): the path must start with "/"`);
    if (options.stallMs !== undefined && !(options.stallMs >= 0)) throw new ConfigError(`client.get("${path}"): stallMs must be >= 0 (got ${options.stallMs})`);
    return {
      kind: 'get',
      connection: connectionName(options),
      path,
      ...(options.range === undefined ? {} : { range: options.range }),
      ...(options.stallMs === undefined ? {} : { stallMs: options.stallMs }),
    };
  },
  /**
   * A browser-like page load: `connections` (default 2) connections opened at once, the page and its
   * media fetched on the first, the spares closed with `spareClose` (default 'fin-then-rst') after
   * `spareIdleMs` (default 0). The first stays open under the given connection name.
   */
  page(options: ConnectionChoice & { connections?: number; spareClose?: CloseMode; spareIdleMs?: number } = {}): ClientAction {
    const connections = options.connections ?? 2;
    if (!Number.isInteger(connections) || connections < 1 || connections > 6) {
      throw new ConfigError(`client.page(): connections must be an integer from 1 to 6 (got ${connections})`);
    }
    return { kind: 'page', connection: connectionName(options), connections, spareClose: options.spareClose ?? 'fin-then-rst', spareIdleMs: options.spareIdleMs ?? 0 };
  },
  /** Ends a connection: 'fin' (default), 'rst', 'fin-then-rst' or 'idle' (left open). */
  close(mode: CloseMode = 'fin', options: ConnectionChoice = {}): ClientAction {
    if (!['fin', 'rst', 'fin-then-rst', 'idle'].includes(mode)) {
      throw new ConfigError(`client.close("${String(mode)}"): expected fin, rst, fin-then-rst or idle`);
    }
    return { kind: 'close', connection: connectionName(options), mode };
  },
} as const;

function connectionName(options: ConnectionChoice): string {
  const name = options.connection ?? 'main';
  if (!/^[a-z][a-z0-9-]*$/i.test(name)) throw new ConfigError(`connection name "${name}": use letters, digits and "-"`);
  return name;
}

/**
 * Builders of real-browser actions (headless Chromium in the client namespace). A timeline uses either
 * these or the `client` builders, not both: each runs in its own agent.
 * @example
 * timeline: [at(0, browser.load('/')), at('+500ms', browser.close())]
 */
export const browser = {
  /**
   * Loads `path` (default '/') and waits for the `load` event and the media elements; then, unless
   * `fetchMedia` is false, fetches each image, audio and video source in full from the page; with
   * `playMs`, then plays the page's video for that long (Chromium fetches it with Range requests).
   */
  load(path = '/', options: { fetchMedia?: boolean; playMs?: number } = {}): BrowserAction {
    if (!path.startsWith('/')) throw new ConfigError(`browser.load("${path}"): the path must start with "/"`);
    const playMs = options.playMs ?? 0;
    if (!Number.isInteger(playMs) || playMs < 0 || playMs > 60_000) throw new ConfigError(`browser.load(): playMs must be an integer from 0 to 60000 (got ${playMs})`);
    return { kind: 'browser-load', path, fetchMedia: options.fetchMedia ?? true, ...(playMs > 0 ? { playMs } : {}) };
  },
  /** Closes the browser; its open connections close with it. Without it they stay open until the capture ends. */
  close(): BrowserAction {
    return { kind: 'browser-close' };
  },
} as const;
