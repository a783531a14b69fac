/**
 * replay.ts: an impairment that repeats a recorded run (impairments.jsonl) segment by segment, so a
 * failed run can be re-run with the same drops, duplicates, reorders and hidden frames.
 * Pure; must not import node I/O modules.
 */
import type { Datagram, Direction, ImpairContext, ImpairDecision, Impairment } from './impairment.js';
import { createDetachedContext } from './impairment.js';
import { segmentKey, type SegmentIdentity } from './segment-identity.js';

/** What happened to one recorded segment. */
interface Plan {
  readonly key: string;
  readonly segment: SegmentIdentity;
  /** Its decisions, reported again on replay (drops, delays, duplicates, reorders, capture-drops). */
  readonly decisions: ImpairDecision[];
  /** Each copy sent on: ms from arrival to send; none means it was dropped. */
  readonly holdsMs: number[];
  captureDrop: boolean;
  reordered: boolean;
  /** For a reorder: the segment it was released behind (from the recorded `afterFrame`). */
  after: SegmentIdentity | undefined;
  /** True when something other than delays happened to it (the plans a resegmented run looks for by byte range). */
  discrete: boolean;
}

/** Match statistics of a replay, filled in as frames arrive; `seen` holds the recorded segment keys that came. */
export interface ReplayCounter {
  matched: number;
  unmatched: number;
  readonly seen: Set<string>;
}

/** A fresh counter. */
export function createReplayCounter(): ReplayCounter {
  return { matched: 0, unmatched: 0, seen: new Set() };
}

/** The recorded segments of one direction, by segment key. */
export function planReplay(decisions: readonly ImpairDecision[], direction: Direction): ReadonlyMap<string, Plan> {
  const plans = new Map<string, Plan>();
  const segmentOfFrame = new Map<number, SegmentIdentity>();
  for (const d of decisions) if (d.direction === direction && d.segment !== undefined) segmentOfFrame.set(d.frame, d.segment);
  for (const d of decisions) {
    if (d.direction !== direction || d.segment === undefined || d.frame < 1) continue;
    const key = segmentKey(direction, d.segment);
    let plan = plans.get(key);
    if (plan === undefined) {
      plan = { key, segment: d.segment, decisions: [], holdsMs: [], captureDrop: false, reordered: false, after: undefined, discrete: false };
      plans.set(key, plan);
    }
    if (d.action === 'release') plan.holdsMs.push(d.queueMs ?? 0);
    // The capture frame was the original run's; the replay's own capture numbers its frames anew.
    else if (d.action !== 'pass') plan.decisions.push(withoutCaptureFrame(d));
    if (d.action === 'capture-drop') plan.captureDrop = true;
    if (d.action === 'reorder') {
      plan.reordered = true;
      plan.after = d.afterFrame === undefined ? undefined : segmentOfFrame.get(d.afterFrame);
    }
    if (d.action !== 'release' && d.action !== 'pass' && d.action !== 'delay') plan.discrete = true;
  }
  return plans;
}

function withoutCaptureFrame(d: ImpairDecision): ImpairDecision {
  if (d.captureFrame === undefined) return d;
  const copy: { -readonly [K in keyof ImpairDecision]: ImpairDecision[K] } = { ...d };
  delete copy.captureFrame;
  return copy;
}

/** A frame of this run that a plan decides, from its arrival until the plan is done with it. */
interface Owned {
  readonly plan: Plan;
  readonly d: Datagram;
  readonly arrivedMs: number;
  /** The plan's copies are out (or scheduled): whatever else the chain releases of this frame is discarded. */
  settled: boolean;
}

/** How long a replayed reorder waits for its segment beyond its recorded hold before it goes anyway. */
const REORDER_GRACE_MS = 200;

/** A reordered frame waiting for the segment it goes behind. */
interface Held {
  readonly o: Owned;
  readonly after: SegmentIdentity;
  readonly dueMs: number;
}

/** True when `d` is the segment a reorder waits for, or, resegmented, a later one of the same connection. */
function isBehind(d: Datagram, after: SegmentIdentity): boolean {
  const s = d.segment;
  if (s === undefined || s.conn !== after.conn) return false;
  return after.len === 0 ? s.len === 0 && s.seq === after.seq && s.occurrence >= after.occurrence : s.len > 0 && s.seq >= after.seq;
}

/** Copies the replay sends itself, at their recorded hold time; equal times keep their push order. */
class SideQueue {
  private entries: { dueMs: number; d: Datagram }[] = [];
  push(d: Datagram, dueMs: number): void {
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.dueMs > dueMs) i--;
    this.entries.splice(i, 0, { dueMs, d });
  }
  take(nowMs: number): Datagram[] {
    let n = 0;
    while (n < this.entries.length && this.entries[n]!.dueMs <= nowMs) n++;
    return this.entries.splice(0, n).map((e) => e.d);
  }
  nextDueMs(): number | undefined {
    return this.entries[0]?.dueMs;
  }
  flush(): Datagram[] {
    return this.entries.splice(0).map((e) => e.d);
  }
}

/**
 * Replays the `direction` half of `decisions` over `chain`, the recorded chain started with the
 * recorded seed. Every frame goes through the chain, so delays, rate queues and counters run as in
 * the original and the timing of the whole flow stays coherent. What is discrete is the recording's
 * for the segments it knows: a recorded segment (by identity, or for a run whose sender cut its
 * bytes differently, the first segment covering a recorded drop's, duplicate's, reorder's or
 * hidden frame's first byte) is dropped, duplicated, reordered and hidden exactly as recorded, and
 * the chain's own decisions on it are overridden; the recorded decisions are reported under the
 * new frame number. A frame the recording does not know gets the chain's own decisions.
 */
export function replayDecisions(decisions: readonly ImpairDecision[], direction: Direction, chain: Impairment, counter: ReplayCounter = createReplayCounter()): Impairment {
  return createReplay(`replay ${direction} over ${chain.label}`, planReplay(decisions, direction), chain, counter, createDetachedContext());
}

function createReplay(label: string, plans: ReadonlyMap<string, Plan>, recipe: Impairment, counter: ReplayCounter, ctx: ImpairContext): Impairment {
  const owned = new Map<number, Owned>();
  const side = new SideQueue();
  let held: Held[] = [];
  const discrete = [...plans.values()].filter((p) => p.discrete);
  const chain = recipe.start({
    ...ctx,
    report(x) {
      const o = owned.get(x.frame);
      if (o === undefined) return ctx.report(x);
      // The chain dropped a frame the recording sent on: send it at its recorded time instead.
      if (x.action === 'drop' && !o.settled && o.plan.holdsMs.length > 0) settle(o, ctx.clock());
    },
  });

  /** The exact plan, or the first unconsumed discrete plan whose first byte this segment carries. */
  function planFor(d: Datagram): Plan | undefined {
    if (d.segment === undefined) return undefined;
    const s = d.segment;
    const exact = plans.get(segmentKey(d.direction, s));
    if (exact?.discrete === true || s.len === 0) return exact;
    const covering = discrete.find(
      (p) => !counter.seen.has(p.key) && p.segment.conn === s.conn && p.segment.occurrence === s.occurrence && p.segment.len > 0 && p.segment.seq >= s.seq && p.segment.seq < s.seq + s.len,
    );
    return covering ?? exact;
  }
  /** The plan's copies of `o`, as sent: marked for the capture as recorded, every copy but the first with its own buffer. */
  function copies(o: Owned): Datagram[] {
    return o.plan.holdsMs.map((_, i) => ({ ...o.d, captureDrop: o.plan.captureDrop, ...(i === 0 ? {} : { data: Buffer.from(o.d.data) }) }));
  }
  /** `out` with each held reorder placed right behind the segment it waits for, and those whose wait ran out at the end. */
  function placeHeld(out: readonly Datagram[], nowMs: number): Datagram[] {
    if (held.length === 0) return [...out];
    const placed: Datagram[] = [];
    for (const d of out) {
      placed.push(d);
      const due = held.filter((h) => h.o.d.direction === d.direction && isBehind(d, h.after));
      if (due.length === 0) continue;
      held = held.filter((h) => !due.includes(h));
      for (const h of due) placed.push(...copies(h.o));
    }
    const expired = held.filter((h) => h.dueMs <= nowMs);
    held = held.filter((h) => h.dueMs > nowMs);
    for (const h of expired) placed.push(...copies(h.o));
    return placed;
  }
  /** Schedules the plan's copies at their recorded hold times; the chain's copies are discarded from now on. */
  function settle(o: Owned, nowMs: number): void {
    o.settled = true;
    const marked: Datagram = { ...o.d, captureDrop: o.plan.captureDrop };
    for (const [i, holdMs] of o.plan.holdsMs.entries()) side.push(i === 0 ? marked : { ...marked, data: Buffer.from(marked.data) }, Math.max(nowMs, o.arrivedMs + holdMs));
  }

  return {
    label,
    offer(d, nowMs) {
      const plan = planFor(d);
      if (plan === undefined) {
        counter.unmatched++;
      } else {
        counter.matched++;
        counter.seen.add(plan.key);
        const o: Owned = { plan, d, arrivedMs: nowMs, settled: false };
        owned.set(d.frame, o);
        for (const decision of plan.decisions) ctx.report({ ...decision, frame: d.frame });
        if (plan.holdsMs.length === 0) {
          settle(o, nowMs); // dropped: nothing to send
        } else if (plan.reordered && plan.after !== undefined) {
          // Reordered: it goes right behind the segment it went behind, whenever that comes.
          o.settled = true;
          held.push({ o, after: plan.after, dueMs: nowMs + plan.holdsMs[0]! + REORDER_GRACE_MS });
        } else if (plan.reordered) {
          settle(o, nowMs);
        }
      }
      chain.offer(d, nowMs);
    },
    take(nowMs) {
      const out: Datagram[] = [];
      for (const d of chain.take(nowMs)) {
        const o = owned.get(d.frame);
        if (o === undefined) out.push(d);
        else if (!o.settled) {
          // The first copy goes now, at the chain's time; any further recorded copies keep their recorded gaps.
          o.settled = true;
          out.push({ ...d, captureDrop: o.plan.captureDrop });
          const first = o.plan.holdsMs[0]!;
          for (const holdMs of o.plan.holdsMs.slice(1)) side.push({ ...d, captureDrop: o.plan.captureDrop, data: Buffer.from(d.data) }, nowMs + holdMs - first);
        }
      }
      out.push(...side.take(nowMs));
      return placeHeld(out, nowMs);
    },
    nextDueMs(nowMs) {
      let mine = side.nextDueMs();
      for (const h of held) if (mine === undefined || h.dueMs < mine) mine = h.dueMs;
      const theirs = chain.nextDueMs(nowMs);
      if (mine === undefined) return theirs;
      return theirs === undefined ? mine : Math.min(mine, theirs);
    },
    flush() {
      const out: Datagram[] = [];
      for (const d of chain.flush()) {
        const o = owned.get(d.frame);
        if (o === undefined) out.push(d);
        else if (!o.settled) {
          o.settled = true;
          for (const [i] of o.plan.holdsMs.entries()) out.push({ ...d, captureDrop: o.plan.captureDrop, ...(i === 0 ? {} : { data: Buffer.from(d.data) }) });
        }
      }
      const all = [...out, ...side.flush()];
      const rest = held.flatMap((h) => copies(h.o));
      held = [];
      return [...placeHeld(all, Number.NEGATIVE_INFINITY), ...rest];
    },
    start: (next) => createReplay(label, plans, recipe, counter, next),
  };
}
