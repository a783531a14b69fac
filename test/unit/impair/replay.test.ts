import { expect } from 'chai';
import { parseImpairments } from '../../../harness/impair/registry.js';
import { chain } from '../../../harness/impair/chain.js';
import { replayDecisions } from '../../../harness/impair/replay.js';
import { drive, trafficMix } from './drive.js';

describe('replayDecisions', () => {
  it('reproduces the released order, drops, duplicates and capture marks of a recorded run', () => {
    const recipe = chain(...parseImpairments('loss 10% | duplicate 10% | reorder 1 after 2 nth 3 data | capture-drop nth 7 data'));
    const frames = trafficMix(200);
    const original = drive(recipe, frames, 11);
    const replayed = drive(replayDecisions(original.decisions, 'downlink'), frames, 999);
    const order = (r: typeof original) => r.released.map((x) => [x.d.frame, x.d.captureDrop === true]);
    expect(order(replayed)).to.deep.equal(order(original));
    expect(replayed.decisions).to.deep.equal(original.decisions);
  });

  it('ignores the other direction', () => {
    const run = drive(replayDecisions([{ frame: 2, direction: 'uplink', action: 'drop', impairment: 'x' }], 'downlink'), trafficMix(3));
    expect(run.released.map((r) => r.d.frame)).to.deep.equal([1, 2, 3]);
  });
});
