import { expect } from 'chai';
import { gilbertElliott } from '../../../harness/impair/gilbert-elliott.js';
import { loss } from '../../../harness/impair/loss.js';
import { drive, trafficMix } from './drive.js';

describe('loss', () => {
  it('drops about rate × frames, the same frames for the same seed and others for another seed', () => {
    const frames = trafficMix(2000);
    const a = drive(loss({ rate: 0.1 }), frames, 1).decisions.map((d) => d.frame);
    const b = drive(loss({ rate: 0.1 }), frames, 1).decisions.map((d) => d.frame);
    const c = drive(loss({ rate: 0.1 }), frames, 2).decisions.map((d) => d.frame);
    expect(a).to.deep.equal(b);
    expect(a).to.not.deep.equal(c);
    expect(a.length).to.be.within(150, 250);
  });

  it('rejects a rate above 1 with the exact message', () => {
    expect(() => loss({ rate: 1.5 })).to.throw('impairment "loss": rate must be between 0 and 1 (got 1.5)').with.property('code', 'ERR_CONFIG');
  });
});

describe('gilbertElliott', () => {
  it('loses frames in bursts: far longer runs of consecutive drops than independent loss at the same rate', () => {
    const frames = trafficMix(5000);
    const longestRun = (drops: number[]): number => {
      let best = 0;
      let run = 0;
      for (let i = 0; i < drops.length; i++) {
        run = i > 0 && drops[i] === drops[i - 1]! + 1 ? run + 1 : 1;
        best = Math.max(best, run);
      }
      return best;
    };
    const ge = drive(gilbertElliott({ p: 0.02, r: 0.1 }), frames, 3).decisions.map((d) => d.frame);
    expect(ge.length).to.be.greaterThan(200);
    expect(longestRun(ge)).to.be.greaterThan(15);
  });

  it('rejects a transition probability outside [0, 1]', () => {
    expect(() => gilbertElliott({ p: 2, r: 0.3 })).to.throw('impairment "ge": p must be between 0 and 1 (got 2)');
  });
});
