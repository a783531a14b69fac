import { expect } from 'chai';
import { buildTcpFrame } from '../../../analyzer/encode/build-tcp-frame.js';
import { TcpFlag } from '../../../analyzer/packet/packet.js';
import { createSegmentIdentifier, describeSegment } from '../../../harness/impair/segment-identity.js';

function frame(o: { up: boolean; sport?: number; seq: number; flags: number; bytes?: number }): Buffer {
  const client = { ip: '198.18.0.1', port: o.sport ?? 40000 };
  const server = { ip: '198.18.0.2', port: 443 };
  const [src, dst] = o.up ? [client, server] : [server, client];
  return buildTcpFrame({ src: src.ip, dst: dst.ip, sport: src.port, dport: dst.port, seq: o.seq, ack: 1, flags: o.flags, payload: Buffer.alloc(o.bytes ?? 0) });
}

describe('createSegmentIdentifier', () => {
  it('numbers connections by appearance, sequence numbers from the SYN, and repeats as occurrences', () => {
    const identify = createSegmentIdentifier();
    const A = TcpFlag.Ack;
    expect(identify('uplink', frame({ up: true, seq: 5000, flags: TcpFlag.Syn }))).to.deep.equal({ conn: 1, seq: 0, len: 0, flags: 'S', occurrence: 1 });
    expect(identify('downlink', frame({ up: false, seq: 9000, flags: TcpFlag.Syn | A }))).to.deep.equal({ conn: 1, seq: 0, len: 0, flags: 'S.', occurrence: 1 });
    expect(identify('uplink', frame({ up: true, sport: 40001, seq: 77, flags: TcpFlag.Syn }))!.conn).to.equal(2);
    const data = frame({ up: false, seq: 9001, flags: A | TcpFlag.Psh, bytes: 1448 });
    expect(identify('downlink', data)).to.deep.equal({ conn: 1, seq: 1, len: 1448, flags: '.', occurrence: 1 });
    // The retransmission of the same bytes is the same segment, second occurrence; PSH does not change its name.
    expect(identify('downlink', frame({ up: false, seq: 9001, flags: A, bytes: 1448 }))).to.deep.equal({ conn: 1, seq: 1, len: 1448, flags: '.', occurrence: 2 });
    expect(describeSegment({ conn: 1, seq: 1, len: 1448, flags: '.', occurrence: 2 })).to.equal('conn 1 seq 1 len 1448 . #2');
  });

  it('starts a new connection when a known address pair opens with a new initial sequence number', () => {
    const identify = createSegmentIdentifier();
    identify('uplink', frame({ up: true, seq: 5000, flags: TcpFlag.Syn }));
    expect(identify('uplink', frame({ up: true, seq: 5000, flags: TcpFlag.Syn }))).to.include({ conn: 1, occurrence: 2 });
    expect(identify('uplink', frame({ up: true, seq: 123456, flags: TcpFlag.Syn }))).to.include({ conn: 2, seq: 0, occurrence: 1 });
  });

  it('names nothing that is not TCP over Ethernet', () => {
    expect(createSegmentIdentifier()('uplink', Buffer.alloc(60))).to.equal(undefined);
  });
});
