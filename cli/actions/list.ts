/**
 * list.ts: `wirelab list`: the bundled scenarios with their capture point, path and description.
 * Must not load `cap` or start anything.
 */
import { scenarios } from '../../scenarios/index.js';

/** The lines `wirelab list` prints, one per scenario. */
export function listCommand(): string[] {
  const width = Math.max(...scenarios.map((s) => s.name.length));
  return scenarios.map((s) => {
    const path = `rtt ${s.rttMs} ms${s.mtu !== 1500 ? `, mtu ${s.mtu}` : ''}`;
    return `${s.name.padEnd(width)}  capture ${s.capture.padEnd(6)}  ${path.padEnd(22)}  ${s.description}`;
  });
}

