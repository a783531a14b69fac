import { expect } from 'chai';
import { rate } from '../../../harness/impair/rate.js';
import { drive, tcpDatagram } from './drive.js';

describe('rate', () => {
  it('serialises frames at the link rate (bytes × 8 / kbps ms each)', () => {
    const frames = [1, 2, 3].map((n) => tcpDatagram(n, { payloadBytes: 946 })); // 1000-byte frames
    const run = drive(rate({ kbps: 8000, queuePackets: 10 }), frames, 1, 0);
    expect(frames[0]!.data.length).to.equal(1000);
    expect(run.released.map((r) => r.atMs)).to.deep.equal([1, 2, 3]);
  });

  it('drops frames that arrive to a full queue (tail drop) and reports them', () => {
    const frames = [1, 2, 3, 4, 5].map((n) => tcpDatagram(n, { payloadBytes: 946 }));
    const run = drive(rate({ kbps: 800, queuePackets: 2 }), frames, 1, 0);
    expect(run.released.map((r) => r.d.frame)).to.deep.equal([1, 2]);
    expect(run.decisions.filter((d) => d.action === 'drop').map((d) => d.frame)).to.deep.equal([3, 4, 5]);
    expect(run.decisions.find((d) => d.action === 'drop')?.impairment).to.equal('rate 800kbit queue 2');
  });

  it('rejects a zero rate', () => {
    expect(() => rate({ kbps: 0 })).to.throw('impairment "rate": kbps must be between 1 and 100000000 (got 0)');
  });
});
