/**
 * recording.ts: the impairments.jsonl format: a header line (seed and chains) and one line per
 * decision, keyed by segment identity. Parsing and formatting only; pure, no node I/O.
 */
import { ConfigError } from '../../analyzer/errors.js';
import type { ImpairDecision } from './impairment.js';

/** Version of the format; 2 added the header, segment identities and release lines. */
export const RECORDING_VERSION = 2;

/** What a run's impairments were: enough to repeat them. */
export interface ImpairmentRecording {
  /** The run's seed: a replay draws every fallback decision from it again. */
  readonly seed: number;
  /** Labels of the two chains as run (`chain(...).label`), so a replay can check it runs the same ones. */
  readonly uplink: string;
  readonly downlink: string;
  readonly decisions: readonly ImpairDecision[];
}

/** The file's text: the header line, then one JSON decision per line. */
export function formatImpairmentLog(recording: ImpairmentRecording): string {
  const header = { recording: RECORDING_VERSION, seed: recording.seed, uplink: recording.uplink, downlink: recording.downlink };
  return [header, ...recording.decisions].map((line) => `${JSON.stringify(line)}\n`).join('');
}

type RawHeader = Partial<Record<'recording' | 'seed' | 'uplink' | 'downlink', unknown>>;

const ACTIONS = new Set(['pass', 'release', 'drop', 'delay', 'duplicate', 'reorder', 'capture-drop']);

/**
 * Reads the text of an impairments.jsonl; `name` is the file name for messages.
 * @throws ConfigError naming the file and line when it is not that format, or was written before
 * decisions carried segment identities (such a log cannot be replayed faithfully).
 */
export function parseImpairmentLog(text: string, name: string): ImpairmentRecording {
  const lines = text.split('\n');
  let header: RawHeader | undefined;
  const decisions: ImpairDecision[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ConfigError(`${name}:${i + 1}: not JSON; expected one decision per line as written to impairments.jsonl`);
    }
    if (header === undefined) {
      const h = (typeof value === 'object' && value !== null ? value : {}) as RawHeader;
      header = h;
      if (typeof h.recording !== 'number') {
        throw new ConfigError(`${name}:${i + 1}: no recording header; this log was written by an older wirelab (frame numbers only) and cannot be replayed: record the run again`);
      }
      if (h.recording !== RECORDING_VERSION) throw new ConfigError(`${name}:${i + 1}: recording version ${String(h.recording)}; expected ${RECORDING_VERSION}`);
      if (typeof h.seed !== 'number' || typeof h.uplink !== 'string' || typeof h.downlink !== 'string') {
        throw new ConfigError(`${name}:${i + 1}: expected a header {recording, seed, uplink, downlink}, found ${line.slice(0, 80)}`);
      }
      continue;
    }
    const d = value as Partial<ImpairDecision>;
    if (typeof d.frame !== 'number' || (d.direction !== 'uplink' && d.direction !== 'downlink') || !ACTIONS.has(d.action as string) || typeof d.impairment !== 'string') {
      throw new ConfigError(`${name}:${i + 1}: expected {frame, direction, action, impairment}, found ${line.slice(0, 80)}`);
    }
    decisions.push(d as ImpairDecision);
  }
  if (header === undefined) throw new ConfigError(`${name}: empty; expected an impairments.jsonl written by wirelab run`);
  return { seed: header.seed as number, uplink: header.uplink as string, downlink: header.downlink as string, decisions };
}
