import { expect } from 'chai';
import { TcpFlag } from '../../../analyzer/packet/packet.js';
import { captureDrop } from '../../../harness/impair/capture-drop.js';
import { dropNth, dropWhere } from '../../../harness/impair/drop-nth.js';
import { duplicate } from '../../../harness/impair/duplicate.js';
import { allOf, coversOffset, inConnection, isDataSegment, isFin, tcpPort } from '../../../harness/impair/match.js';
import { parseImpairment } from '../../../harness/impair/registry.js';
import { reorder } from '../../../harness/impair/reorder.js';
import { drive, synDatagram, tcpDatagram, trafficMix } from './drive.js';

// trafficMix: frame 1 SYN, then data except every 4th frame (a pure ACK), last frame FIN.
describe('targeted impairments', () => {
  it('dropNth drops only the nth data segment, once', () => {
    const run = drive(dropNth(3, isDataSegment), trafficMix(12));
    expect(run.decisions).to.deep.equal([{ frame: 5, direction: 'downlink', action: 'drop', impairment: 'drop-nth 3 data' }]);
  });

  it('dropWhere drops the first FIN only when count is 1', () => {
    const frames = [...trafficMix(6), tcpDatagram(7, { flags: TcpFlag.Fin | TcpFlag.Ack })];
    const run = drive(dropWhere(isFin, { count: 1 }), frames);
    expect(run.decisions.map((d) => d.frame)).to.deep.equal([6]);
  });

  it('coversOffset matches the segment holding a stream byte, counted from after the SYN', () => {
    const frames = [synDatagram(1), tcpDatagram(2, { payloadBytes: 1000, offset: 0 }), tcpDatagram(3, { payloadBytes: 1000, offset: 1000 })];
    expect(drive(dropWhere(coversOffset(1500)), frames).decisions.map((d) => d.frame)).to.deep.equal([3]);
    expect(drive(dropWhere(coversOffset(999)), frames).decisions.map((d) => d.frame)).to.deep.equal([2]);
  });

  it('inConnection numbers connections by their first segment, whatever their ports', () => {
    const frames = [
      tcpDatagram(1, { payloadBytes: 10, sport: 8443 }),
      tcpDatagram(2, { payloadBytes: 10, sport: 443 }),
      tcpDatagram(3, { payloadBytes: 10, sport: 8443, offset: 10 }),
    ];
    expect(drive(dropWhere(inConnection(1)), frames).decisions.map((d) => d.frame)).to.deep.equal([1, 3]);
    expect(drive(dropWhere(allOf(inConnection(2), coversOffset(5))), frames).decisions.map((d) => d.frame)).to.deep.equal([2]);
    expect(parseImpairment('drop-where conn 2 offset 5 count 1').label).to.equal('drop-where conn 2 offset 5 count 1');
  });

  it('reorder past: holds the segment covering an offset and releases it after the next data segment', () => {
    const held = reorder({ hold: 1, after: 1, match: coversOffset(1500), past: isDataSegment });
    expect(held.label).to.equal('reorder 1 after 1 offset 1500 past data');
    const run = drive(held, trafficMix(8));
    // trafficMix: frame 3 holds bytes 1000–1999, frame 4 is a pure ACK (not counted), frame 5 the next data segment.
    expect(run.released.map((r) => r.d.frame)).to.deep.equal([1, 2, 4, 5, 3, 6, 7, 8]);
    expect(parseImpairment('reorder 1 after 1 offset 1500 past data').label).to.equal(held.label);
  });

  it('tcpPort picks one flow of several', () => {
    const frames = [tcpDatagram(1, { payloadBytes: 10, sport: 443 }), tcpDatagram(2, { payloadBytes: 10, sport: 8443 })];
    expect(drive(dropWhere(tcpPort('src', 8443)), frames).decisions.map((d) => d.frame)).to.deep.equal([2]);
  });

  it('duplicate nth sends a byte-identical copy right behind the original', () => {
    const run = drive(duplicate({ nth: 2, match: isDataSegment }), trafficMix(5));
    expect(run.released.map((r) => r.d.frame)).to.deep.equal([1, 2, 3, 3, 4, 5]);
    const [a, b] = run.released.filter((r) => r.d.frame === 3);
    expect(a!.d.data.equals(b!.d.data)).to.equal(true);
    expect(a!.d.data).to.not.equal(b!.d.data);
  });

  it('reorder holds one data segment and releases it after the next two', () => {
    const run = drive(reorder({ hold: 1, after: 2, match: isDataSegment }), trafficMix(8));
    expect(run.released.map((r) => r.d.frame)).to.deep.equal([1, 3, 4, 5, 2, 6, 7, 8]);
    expect(run.decisions).to.deep.equal([
      { frame: 2, direction: 'downlink', action: 'reorder', impairment: 'reorder 1 after 2 data', afterFrame: 5 },
    ]);
  });

  it('reorder releases a held frame after maxHoldMs when nothing follows', () => {
    const run = drive(reorder({ hold: 1, after: 5, maxHoldMs: 100 }), [tcpDatagram(1, { payloadBytes: 10 })]);
    expect(run.released).to.deep.equal([{ atMs: 100, d: run.released[0]!.d }]);
  });

  it('captureDrop forwards the frame but marks it for the capture', () => {
    const run = drive(captureDrop(isDataSegment, { nth: 2 }), trafficMix(5));
    expect(run.released.map((r) => [r.d.frame, r.d.captureDrop === true])).to.deep.equal([
      [1, false], [2, false], [3, true], [4, false], [5, false],
    ]);
    expect(run.decisions[0]?.action).to.equal('capture-drop');
  });
});
