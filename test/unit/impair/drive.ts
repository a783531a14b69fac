/**
 * drive.ts: test helpers that build frames with analyzer/encode and drive an impairment with a
 * virtual clock, the way the proxy's loop does. Test-only.
 */
import { buildTcpFrame } from '../../../analyzer/encode/build-tcp-frame.js';
import { TcpFlag } from '../../../analyzer/packet/packet.js';
import {
  createRng,
  type Datagram,
  type Direction,
  type ImpairContext,
  type ImpairDecision,
  type Impairment,
} from '../../../harness/impair/impairment.js';
import { createSegmentIdentifier } from '../../../harness/impair/segment-identity.js';

/** A frame of a synthetic flow: `payloadBytes` > 0 makes a data segment at stream offset `offset`. */
export function tcpDatagram(frame: number, o: { payloadBytes?: number; offset?: number; flags?: number; direction?: Direction; sport?: number } = {}): Datagram {
  const data = buildTcpFrame({
    src: '198.18.0.2',
    dst: '198.18.0.1',
    sport: o.sport ?? 443,
    dport: 40000,
    seq: 1001 + (o.offset ?? 0),
    ack: 1,
    flags: o.flags ?? TcpFlag.Ack,
    payload: Buffer.alloc(o.payloadBytes ?? 0, 0x61),
  });
  return { data, direction: o.direction ?? 'downlink', frame };
}

/** A SYN with ISN 1000, so stream offset 0 is sequence number 1001. */
export function synDatagram(frame: number): Datagram {
  return tcpDatagram(frame, { flags: TcpFlag.Syn | TcpFlag.Ack, offset: -1 });
}

/** The frames with their segment identities set, as the proxy sets them (in the order given). */
export function withSegments(frames: readonly Datagram[]): Datagram[] {
  const identify = createSegmentIdentifier();
  return frames.map((d) => {
    const segment = identify(d.direction, d.data);
    return segment === undefined ? d : { ...d, segment };
  });
}

/** A typical mix: SYN, then data segments of 1000 bytes interleaved with pure ACKs, then a FIN; with segment identities. */
export function trafficMix(count: number): Datagram[] {
  const out: Datagram[] = [synDatagram(1)];
  let offset = 0;
  for (let n = 2; n < count; n++) {
    if (n % 4 === 0) out.push(tcpDatagram(n));
    else {
      out.push(tcpDatagram(n, { payloadBytes: 1000, offset }));
      offset += 1000;
    }
  }
  out.push(tcpDatagram(count, { flags: TcpFlag.Fin | TcpFlag.Ack, offset }));
  return withSegments(out);
}

/** A context with a virtual clock whose decisions land in `decisions`. */
export function testContext(seed: number, nowMs: () => number = () => 0): { ctx: ImpairContext; decisions: ImpairDecision[] } {
  const decisions: ImpairDecision[] = [];
  return { ctx: { seed, rng: createRng(seed), clock: nowMs, report: (d) => decisions.push(d) }, decisions };
}

/** One frame released by the driven impairment, and when. */
export interface Released {
  readonly atMs: number;
  readonly d: Datagram;
}

/**
 * Starts `recipe` with `seed` and offers `frames` every `intervalMs` ms from t=0, taking due frames
 * exactly when due (as the proxy's timers do), then flushes. Bounded: stops after 10 000 steps.
 */
export function drive(recipe: Impairment, frames: readonly Datagram[], seed = 1, intervalMs = 1): { released: Released[]; flushed: Datagram[]; decisions: ImpairDecision[] } {
  let now = 0;
  const { ctx, decisions } = testContext(seed, () => now);
  const imp = recipe.start(ctx);
  const released: Released[] = [];
  let next = 0;
  for (let step = 0; step < 10_000; step++) {
    const arrival = next < frames.length ? next * intervalMs : Number.POSITIVE_INFINITY;
    const due = imp.nextDueMs(now) ?? Number.POSITIVE_INFINITY;
    if (arrival === Number.POSITIVE_INFINITY && due === Number.POSITIVE_INFINITY) break;
    now = Math.max(now, Math.min(arrival, due));
    if (arrival <= now) imp.offer(frames[next++]!, now);
    for (const d of imp.take(now)) released.push({ atMs: now, d });
  }
  return { released, flushed: imp.flush(), decisions };
}
