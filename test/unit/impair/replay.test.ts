import { expect } from 'chai';
import { TcpFlag } from '../../../analyzer/packet/packet.js';
import type { Datagram, ImpairDecision, Impairment } from '../../../harness/impair/impairment.js';
import { parseImpairments } from '../../../harness/impair/registry.js';
import { chain } from '../../../harness/impair/chain.js';
import { replayDecisions } from '../../../harness/impair/replay.js';
import { drive, synDatagram, tcpDatagram, trafficMix, withSegments, type Released } from './drive.js';

/** What the proxy writes: the chain's decisions with each frame's segment, plus one release line per copy sent on. */
function record(frames: readonly Datagram[], run: ReturnType<typeof drive>, intervalMs = 1): ImpairDecision[] {
  const segmentOf = new Map(frames.map((d) => [d.frame, d.segment]));
  const withSegment = (d: ImpairDecision): ImpairDecision => ({ ...d, segment: segmentOf.get(d.frame)! });
  const releases = run.released.map((r): ImpairDecision => ({
    frame: r.d.frame,
    direction: r.d.direction,
    action: 'release',
    impairment: 'proxy',
    queueMs: r.atMs - (r.d.frame - 1) * intervalMs,
  }));
  return [...run.decisions, ...releases].map(withSegment);
}

/** Released frames as (segment seq, occurrence, hidden, time) to compare runs whose frame numbers differ. */
function fates(released: readonly Released[]): string[] {
  return released.map((r) => `${r.d.segment?.seq}#${r.d.segment?.occurrence}${r.d.captureDrop === true ? ' hidden' : ''} @${r.atMs}`);
}

describe('replayDecisions', () => {
  const recipe = chain(...parseImpairments('delay 5ms | loss 10% | duplicate 10% | reorder 1 after 2 nth 3 data | capture-drop nth 7 data'));

  it('reproduces the release times, drops, duplicates, reorders and capture marks of a recorded run', () => {
    const frames = trafficMix(200);
    const original = drive(recipe, frames, 11);
    const replayed = drive(replayDecisions(record(frames, original), 'downlink', recipe), frames, 999);
    expect(fates(replayed.released)).to.deep.equal(fates(original.released));
    // The same decisions are reported again (each segment's all at once, when it arrives).
    const sorted = (ds: readonly ImpairDecision[]): string[] => ds.map((d) => `${d.frame} ${d.action} ${d.impairment}`).sort();
    expect(sorted(replayed.decisions)).to.deep.equal(sorted(original.decisions));
  });

  it('drops exactly the recorded segments when the frames interleave differently, overriding the chain', () => {
    const frames = trafficMix(60);
    const original = drive(recipe, frames, 5);
    // The replayed run gets an extra pure ACK in front: every later frame number shifts by one.
    const shifted = withSegments([synDatagram(1), tcpDatagram(2, { offset: 0 }), ...frames.slice(1).map((d) => tcpDatagram(d.frame + 1, { payloadBytes: d.segment!.len, offset: d.segment!.seq - 1, flags: d.segment!.flags.includes('F') ? TcpFlag.Fin | TcpFlag.Ack : TcpFlag.Ack }))]);
    const replayed = drive(replayDecisions(record(frames, original), 'downlink', recipe), shifted, 5);
    const dropped = (decisions: readonly ImpairDecision[], all: readonly Datagram[]): string[] =>
      decisions
        .filter((d) => d.action === 'drop')
        .map((d) => all.find((f) => f.frame === d.frame)!.segment!)
        .filter((s) => s.len > 0)
        .map((s) => `${s.seq} ${s.len} #${s.occurrence}`);
    expect(dropped(original.decisions, frames).length).to.be.greaterThan(0);
    // Shifted by one frame, the chain's own loss draws fall on other frames; the recording wins on every data segment it knows.
    expect(dropped(replayed.decisions, shifted)).to.deep.equal(dropped(original.decisions, frames));
    const releasedData = (r: typeof original): string[] => r.released.filter((x) => x.d.segment!.len > 0).map((x) => `${x.d.segment!.seq}#${x.d.segment!.occurrence}`).sort();
    expect(releasedData(replayed)).to.deep.equal(releasedData(original));
  });

  it('gives frames the recording never saw the recorded chain with the recorded seed, not a bare pass', () => {
    const delayOnly: Impairment = chain(...parseImpairments('delay 40ms'));
    const frames = trafficMix(10);
    const original = drive(delayOnly, frames, 3);
    const recorded = record(frames, original).filter((d) => d.frame <= 5);
    const replayed = drive(replayDecisions(recorded, 'downlink', delayOnly), frames, 3);
    for (const r of replayed.released) expect(r.atMs - (r.d.frame - 1), `frame ${r.d.frame}`).to.equal(40);
  });

  it('sends a reordered segment right behind the segment it went behind, even when that comes later than recorded', () => {
    const reorder = chain(...parseImpairments('reorder 1 after 1 nth 3 data'));
    const frames = trafficMix(12);
    const original = drive(reorder, frames, 1);
    const recorded = record(frames, original);
    // Replayed with frames 10 ms apart instead of 1 ms: the recorded hold would release the segment too early.
    const replayed = drive(replayDecisions(recorded, 'downlink', reorder), frames, 1, 10);
    const order = (r: typeof original): string[] => r.released.map((x) => `${x.d.segment!.seq}#${x.d.segment!.occurrence}`);
    expect(order(replayed)).to.deep.equal(order(original));
  });

  it('ignores the other direction', () => {
    const frames = trafficMix(3);
    const uplinkDrop: ImpairDecision = { frame: 2, direction: 'uplink', action: 'drop', impairment: 'x', segment: frames[1]!.segment! };
    const run = drive(replayDecisions([uplinkDrop], 'downlink', chain()), frames);
    expect(run.released.map((r) => r.d.frame)).to.deep.equal([1, 2, 3]);
  });
});
