/**
 * timed-queue.ts: frames waiting for a due time, released in (due, arrival) order.
 * Pure; must not import node I/O modules.
 */
import type { Datagram } from './impairment.js';

interface Entry {
  readonly dueMs: number;
  readonly order: number;
  readonly d: Datagram;
}

/** A due-time-ordered queue; the building block of every impairment that holds frames. */
export class TimedQueue {
  private entries: Entry[] = [];
  private arrivals = 0;

  /** Number of frames held. */
  get size(): number {
    return this.entries.length;
  }

  /** Holds `d` until `dueMs`; frames with equal due times keep their arrival order. */
  push(d: Datagram, dueMs: number): void {
    const entry: Entry = { dueMs, order: this.arrivals++, d };
    // Most pushes are in due order (FIFO delay), so search from the end.
    let i = this.entries.length;
    while (i > 0 && (this.entries[i - 1] as Entry).dueMs > dueMs) i--;
    this.entries.splice(i, 0, entry);
  }

  /** Removes and returns every frame due at or before `nowMs`. */
  take(nowMs: number): Datagram[] {
    let n = 0;
    while (n < this.entries.length && (this.entries[n] as Entry).dueMs <= nowMs) n++;
    if (n === 0) return [];
    return this.entries.splice(0, n).map((e) => e.d);
  }

  /** Due time of the first held frame, or undefined when empty. */
  nextDueMs(): number | undefined {
    return this.entries[0]?.dueMs;
  }

  /** Removes and returns everything, in release order. */
  flush(): Datagram[] {
    const all = this.entries.map((e) => e.d);
    this.entries = [];
    return all;
  }
}
