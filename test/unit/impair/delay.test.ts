import { expect } from 'chai';
import { delay } from '../../../harness/impair/delay.js';
import { drive, trafficMix } from './drive.js';

describe('delay', () => {
  it('releases each frame exactly ms after it arrived and reports the delay', () => {
    const run = drive(delay({ ms: 50 }), trafficMix(5), 1, 10);
    expect(run.released.map((r) => [r.d.frame, r.atMs])).to.deep.equal([[1, 50], [2, 60], [3, 70], [4, 80], [5, 90]]);
    expect(run.decisions[0]).to.deep.equal({ frame: 1, direction: 'downlink', action: 'delay', impairment: 'delay 50ms', delayMs: 50 });
  });

  it('keeps frames in order under jitter unless reordering is allowed', () => {
    const inOrder = drive(delay({ ms: 20, jitterMs: 15 }), trafficMix(200), 5, 1);
    const frames = inOrder.released.map((r) => r.d.frame);
    expect(frames).to.deep.equal([...frames].sort((a, b) => a - b));
    const shuffled = drive(delay({ ms: 20, jitterMs: 15, allowReorder: true }), trafficMix(200), 5, 1);
    const order = shuffled.released.map((r) => r.d.frame);
    expect(order).to.not.deep.equal([...order].sort((a, b) => a - b));
  });

  it('rejects a negative delay with the field and value', () => {
    expect(() => delay({ ms: -1 })).to.throw('impairment "delay": ms must be a number ≥ 0 (got -1)').with.property('code', 'ERR_CONFIG');
  });
});
