/**
 * replay.ts: an impairment that applies recorded decisions (impairments.jsonl) instead of deciding,
 * so a run can be repeated with exactly the same drops, delays, duplicates and reorders.
 * Pure; must not import node I/O modules.
 */
import type { Datagram, Direction, ImpairContext, ImpairDecision, Impairment } from './impairment.js';
import { createDetachedContext } from './impairment.js';
import { TimedQueue } from './timed-queue.js';

/** How long a replayed reorder waits for its `afterFrame` before releasing anyway (as reorder does). */
const MAX_HOLD_MS = 1000;

interface Plan {
  readonly decisions: ImpairDecision[];
  drop: boolean;
  delayMs: number;
  copies: number;
  captureDrop: boolean;
  afterFrame: number | undefined;
}

/**
 * Replays the `direction` half of `decisions`: frame n gets exactly what frame n got when they were
 * recorded (all delays summed, every duplicate, capture-drops, reorders released after the same
 * frame), and the same decisions are reported again. Frames without a decision pass.
 */
export function replayDecisions(decisions: readonly ImpairDecision[], direction: Direction): Impairment {
  const plans = new Map<number, Plan>();
  for (const d of decisions) {
    if (d.direction !== direction || d.action === 'pass' || d.frame < 1) continue;
    let plan = plans.get(d.frame);
    if (plan === undefined) {
      plan = { decisions: [], drop: false, delayMs: 0, copies: 1, captureDrop: false, afterFrame: undefined };
      plans.set(d.frame, plan);
    }
    plan.decisions.push(d);
    if (d.action === 'drop') plan.drop = true;
    else if (d.action === 'delay') plan.delayMs += d.delayMs ?? 0;
    else if (d.action === 'duplicate') plan.copies++;
    else if (d.action === 'capture-drop') plan.captureDrop = true;
    else if (d.action === 'reorder') plan.afterFrame = d.afterFrame ?? d.frame;
  }
  return createReplay(`replay ${direction}`, plans, createDetachedContext());
}

function createReplay(label: string, plans: ReadonlyMap<number, Plan>, ctx: ImpairContext): Impairment {
  const queue = new TimedQueue();
  const held: { d: Datagram; afterFrame: number; sinceMs: number }[] = [];
  let ready: Datagram[] = [];
  let highestReleased = 0;

  function release(out: Datagram[], nowMs: number): void {
    for (const d of out) {
      ready.push(d);
      if (d.frame > highestReleased) highestReleased = d.frame;
    }
    for (let i = 0; i < held.length; ) {
      const h = held[i]!;
      if (h.afterFrame <= highestReleased || nowMs - h.sinceMs >= MAX_HOLD_MS) {
        ready.push(h.d);
        held.splice(i, 1);
      } else {
        i++;
      }
    }
  }

  return {
    label,
    offer(d, nowMs) {
      const plan = plans.get(d.frame);
      if (plan === undefined) {
        queue.push(d, nowMs);
        return;
      }
      for (const decision of plan.decisions) ctx.report(decision);
      if (plan.drop) return;
      const marked: Datagram = plan.captureDrop ? { ...d, captureDrop: true } : d;
      for (let i = 0; i < plan.copies; i++) {
        const copy = i === 0 ? marked : { ...marked, data: Buffer.from(marked.data) };
        if (plan.afterFrame !== undefined && i === 0) held.push({ d: copy, afterFrame: plan.afterFrame, sinceMs: nowMs });
        else queue.push(copy, nowMs + plan.delayMs);
      }
    },
    take(nowMs) {
      release(queue.take(nowMs), nowMs);
      const out = ready;
      ready = [];
      return out;
    },
    nextDueMs(nowMs) {
      if (ready.length > 0) return nowMs;
      let next = queue.nextDueMs();
      for (const h of held) if (next === undefined || h.sinceMs + MAX_HOLD_MS < next) next = h.sinceMs + MAX_HOLD_MS;
      return next;
    },
    flush() {
      const out = [...ready, ...queue.flush(), ...held.map((h) => h.d)];
      ready = [];
      held.length = 0;
      return out;
    },
    start: (next) => createReplay(label, plans, next),
  };
}
