import { expect } from 'chai';
import { createTcpAnalyzer } from '../../../../analyzer/analysis/tcp/tcp-analyzer.js';
import { tcpFindings } from '../../../../analyzer/analysis/tcp/tcp-findings.js';
import { TcpFlag as F } from '../../../../analyzer/packet/packet.js';
import { isHarnessError } from '../../../../analyzer/errors.js';
import { CLIENT, flagsOf, handshake, packetsOf, run, SERVER } from './trace.js';
import type { Step } from './trace.js';

// First data sequence numbers after the handshake.
const c = CLIENT.isn + 1;
const s = SERVER.isn + 1;
const PA = F.Psh | F.Ack;

/** Server data segment of `len` bytes starting `off` bytes into the stream. */
function data(off: number, len: number, atUs: number, ack = c): Step {
  return { from: 's', atUs, flags: PA, seq: s + off, ack, len };
}
/** Client pure ACK of `off` bytes of server data. */
function ackOf(off: number, atUs: number, win = 1000): Step {
  return { from: 'c', atUs, flags: F.Ack, seq: c, ack: s + off, win };
}

describe('createTcpAnalyzer', () => {
  describe('streams and port reuse (spec §2)', () => {
    it('gives each address/port pair its own stream and numbers directions by first sender', () => {
      const { frames } = run([
        ...handshake(F),
        { from: 'c', atUs: 3000, flags: F.Syn, seq: 77, clientPort: 40001 },
        { from: 's', atUs: 4000, flags: F.Ack, seq: s, ack: c },
      ]);
      expect(frames.map((a) => a.stream)).to.deep.equal([0, 0, 0, 1, 0]);
      expect(frames.map((a) => a.direction)).to.deep.equal([0, 1, 0, 0, 1]);
    });

    it('starts a new stream with reused_ports when a pure SYN brings a new ISN on a known pair', () => {
      const { frames, summary } = run([
        ...handshake(F),
        { from: 'c', atUs: 3000, flags: F.Rst | F.Ack, seq: c, ack: s },
        { from: 'c', atUs: 9000, flags: F.Syn, seq: 900_000 },
      ]);
      expect(frames[4]!.stream).to.equal(1);
      expect(frames[4]!.flagNames()).to.deep.equal(['reused_ports']);
      expect(frames[4]!.completenessShown).to.equal(1);
      expect(summary.conversations.map((cv) => cv.stream)).to.deep.equal([0, 1]);
      expect(summary.expertCounts['tcp.analysis.reused_ports']).to.equal(1);
    });

    it('treats a SYN with the same ISN as a retransmission, not as port reuse', () => {
      const steps: Step[] = [
        { from: 'c', atUs: 0, flags: F.Syn, seq: CLIENT.isn },
        { from: 'c', atUs: 1_000_000, flags: F.Syn, seq: CLIENT.isn },
      ];
      const { frames } = run(steps);
      expect(frames.map((a) => a.stream)).to.deep.equal([0, 0]);
      expect(frames[1]!.flagNames()).to.deep.equal(['retransmission']);
    });
  });

  describe('relative numbers and window scaling (spec §3)', () => {
    it('shows relative seq/ack and scales windows with the shift from the handshake', () => {
      const { frames } = run(handshake(F, 7));
      expect(frames.map((a) => [a.relSeq, a.relAck, a.nextSeq])).to.deep.equal([
        [0, 0, 1],
        [0, 1, 1],
        [1, 1, 1],
      ]);
      expect(frames[0]!.scaleFactor).to.equal(undefined);
      expect(frames[0]!.windowScaled).to.equal(64240);
      expect(frames[2]!.scaleFactor).to.equal(128);
      expect(frames[2]!.windowScaled).to.equal(128_000);
    });

    it('reports an unknown scale (−1) and raw windows when the handshake was not captured', () => {
      const { frames } = run([data(0, 100, 0), ackOf(100, 1000)]);
      expect(frames.map((a) => [a.relSeq, a.relAck, a.scaleFactor, a.windowScaled])).to.deep.equal([
        [1, 1, -1, 1000],
        [1, 101, -1, 1000],
      ]);
    });

    it('reports no scaling (−2) when the SYN carries no window-scale option', () => {
      const { frames } = run([
        { from: 'c', atUs: 0, flags: F.Syn, seq: CLIENT.isn },
        { from: 's', atUs: 1000, flags: F.Syn | F.Ack, seq: SERVER.isn, ack: c, options: { windowScale: 7 } },
        { from: 'c', atUs: 2000, flags: F.Ack, seq: c, ack: s },
      ]);
      expect(frames[2]!.scaleFactor).to.equal(-2);
      expect(frames[2]!.windowScaled).to.equal(1000);
    });
  });

  describe('tcp.analysis.zero_window (A2)', () => {
    it('flags a zero window on an ACK but not on an RST', () => {
      expect(
        flagsOf([
          ...handshake(F),
          data(0, 100, 3000),
          ackOf(100, 4000, 0),
          { from: 'c', atUs: 5000, flags: F.Rst | F.Ack, seq: c, ack: s + 100, win: 0 },
        ]).slice(3),
      ).to.deep.equal([[], ['zero_window'], []]);
    });
  });

  describe('tcp.analysis.zero_window_probe and zero_window_probe_ack (A1, A8a)', () => {
    it('flags a 1-byte segment into a closed window and the unchanged zero-window reply', () => {
      expect(
        flagsOf([...handshake(F), data(0, 100, 3000), ackOf(100, 4000, 0), data(100, 1, 5000), ackOf(100, 6000, 0)]).slice(3),
      ).to.deep.equal([[], ['zero_window'], ['zero_window_probe'], ['zero_window', 'zero_window_probe_ack']]);
    });

    it('does not call a 2-byte segment into a closed window a probe', () => {
      expect(flagsOf([...handshake(F), data(0, 100, 3000), ackOf(100, 4000, 0), data(100, 2, 5000)])[5]).to.deep.equal([]);
    });
  });

  describe('tcp.analysis.lost_segment (A3)', () => {
    it('flags a segment that starts beyond the highest sequence seen', () => {
      expect(flagsOf([...handshake(F), data(0, 100, 3000), data(200, 100, 4000)]).slice(3)).to.deep.equal([
        [],
        ['lost_segment'],
      ]);
    });
  });

  describe('tcp.analysis.keep_alive and keep_alive_ack (A4, A7)', () => {
    it('flags a 0-byte segment at nextSeq − 1 and the unchanged reply to it', () => {
      const steps: Step[] = [
        ...handshake(F),
        { from: 'c', atUs: 1_000_000, flags: F.Ack, seq: c - 1, ack: s },
        { from: 's', atUs: 1_001_000, flags: F.Ack, seq: s, ack: c, win: 65160 },
      ];
      expect(flagsOf(steps).slice(3)).to.deep.equal([['keep_alive'], ['keep_alive_ack']]);
    });

    it('calls the reply a window update when its window changed', () => {
      const steps: Step[] = [
        ...handshake(F),
        { from: 'c', atUs: 1_000_000, flags: F.Ack, seq: c - 1, ack: s },
        { from: 's', atUs: 1_001_000, flags: F.Ack, seq: s, ack: c, win: 500 },
      ];
      expect(flagsOf(steps)[4]).to.deep.equal(['window_update']);
    });
  });

  describe('tcp.analysis.window_update (A5)', () => {
    it('flags a pure ACK that only changes the window', () => {
      expect(flagsOf([...handshake(F), data(0, 100, 3000), ackOf(100, 4000), ackOf(100, 5000, 2000)]).slice(3)).to.deep.equal([
        [],
        [],
        ['window_update'],
      ]);
    });
  });

  describe('tcp.analysis.window_full (A6)', () => {
    it('flags data that ends exactly at the peer’s advertised window edge', () => {
      // WS 0: the client's window of 1000 bytes is filled by 600 + 400 bytes.
      expect(flagsOf([...handshake(F, 0), data(0, 600, 3000), data(600, 400, 3100)]).slice(3)).to.deep.equal([
        [],
        ['window_full'],
      ]);
    });

    it('never flags when the peer’s scale is unknown (no handshake captured)', () => {
      expect(flagsOf([ackOf(0, 0), data(0, 1000, 1000)])).to.deep.equal([[], []]);
    });
  });

  describe('tcp.analysis.duplicate_ack (A8b, A9)', () => {
    it('counts repeated ACKs from the last ack change and keeps counting across a window update', () => {
      const { frames } = run([
        ...handshake(F),
        data(0, 100, 3000),
        ackOf(100, 4000),
        data(200, 100, 5000),
        ackOf(100, 6000),
        ackOf(100, 7000),
        ackOf(100, 8000, 3000),
        ackOf(100, 9000, 3000),
      ]);
      expect(frames.slice(3).map((a) => [a.flagNames(), a.dupAckNum, a.dupAckFrame])).to.deep.equal([
        [[], undefined, undefined],
        [[], undefined, undefined],
        [['lost_segment'], undefined, undefined],
        [['duplicate_ack'], 1, 5],
        [['duplicate_ack'], 2, 5],
        [['window_update'], undefined, undefined],
        [['duplicate_ack'], 3, 5],
      ]);
    });

    it('does not count a data segment with the same ack as a duplicate', () => {
      const steps: Step[] = [
        ...handshake(F),
        data(0, 100, 3000),
        ackOf(100, 4000),
        { from: 'c', atUs: 5000, flags: PA, seq: c, ack: s + 100, len: 10 },
      ];
      expect(flagsOf(steps)[5]).to.deep.equal([]);
    });
  });

  describe('tcp.analysis.ack_lost_segment (A10)', () => {
    it('flags an ACK for data never seen, once until the data sender’s ack changes', () => {
      expect(flagsOf([...handshake(F), data(0, 100, 3000), ackOf(500, 4000), ackOf(600, 5000)]).slice(3)).to.deep.equal([
        [],
        ['ack_lost_segment'],
        [],
      ]);
    });
  });

  describe('retransmission family (A11)', () => {
    it('flags a resend of acknowledged data as spurious (listing retransmission too)', () => {
      expect(flagsOf([...handshake(F), data(0, 100, 3000), ackOf(100, 4000), data(0, 100, 50_000)])[5]).to.deep.equal([
        'retransmission',
        'spurious_retransmission',
      ]);
    });

    const fastCase: Step[] = [
      ...handshake(F),
      data(0, 100, 3000),
      data(100, 100, 3100),
      data(200, 100, 3200),
      ackOf(100, 4000),
      ackOf(100, 4100),
      ackOf(100, 4200),
      data(100, 100, 4300),
    ];

    it('flags a quick resend of the twice-duplicated ack as a fast retransmission', () => {
      const { frames, summary } = run(fastCase);
      expect(frames[9]!.flagNames()).to.deep.equal(['fast_retransmission', 'retransmission']);
      expect(summary.expertCounts['tcp.analysis.fast_retransmission']).to.equal(1);
      expect(summary.expertCounts['tcp.analysis.retransmission']).to.equal(1);
    });

    it('prefers out-of-order over fast when fastRetransmitSupersedesOutOfOrder is false', () => {
      expect(flagsOf(fastCase, { fastRetransmitSupersedesOutOfOrder: false })[9]).to.deep.equal(['out_of_order']);
    });

    it('labels a resend later than the fast-retransmit window a plain retransmission', () => {
      const late = [...fastCase.slice(0, 9), data(100, 100, 4200 + 25_000)];
      const { frames } = run(late);
      expect(frames[9]!.flagNames()).to.deep.equal(['retransmission']);
      expect(frames[9]!.rtoFrame).to.equal(5);
    });

    it('flags a hole filled within the iRTT as out-of-order and a later one as retransmission', () => {
      // iRTT = 2 ms (handshake at 0 / 1 / 2 ms).
      const quick = flagsOf([...handshake(F), data(100, 100, 10_000), data(0, 100, 11_900)]);
      const slow = flagsOf([...handshake(F), data(100, 100, 10_000), data(0, 100, 12_100)]);
      expect([quick[3], quick[4], slow[4]]).to.deep.equal([['lost_segment'], ['out_of_order'], ['retransmission']]);
    });

    it('uses defaultOutOfOrderWindowNs when no iRTT was measured', () => {
      const steps = [data(100, 100, 0), data(0, 100, 2000)];
      expect(flagsOf(steps)[1]).to.deep.equal(['out_of_order']);
      expect(flagsOf(steps, { defaultOutOfOrderWindowNs: 1_000_000 })[1]).to.deep.equal(['retransmission']);
    });

    it('never labels out-of-order when the timestamp goes backwards (unsigned delta)', () => {
      expect(flagsOf([data(100, 100, 5000), data(0, 100, 4000)])[1]).to.deep.equal(['retransmission']);
    });
  });

  describe('completeness (spec §9)', () => {
    it('accumulates 31 for a full connection, shown before each frame in one pass', () => {
      const { frames } = run([
        ...handshake(F),
        data(0, 100, 3000),
        { from: 'c', atUs: 4000, flags: F.Fin | F.Ack, seq: c, ack: s + 100 },
        { from: 's', atUs: 5000, flags: F.Fin | F.Ack, seq: s + 100, ack: c + 1 },
        { from: 'c', atUs: 6000, flags: F.Ack, seq: c + 1, ack: s + 101 },
      ]);
      expect(frames.map((a) => a.completenessShown)).to.deep.equal([0, 1, 3, 7, 15, 31, 31]);
      expect(frames.map((a) => a.completenessTwoPass())).to.deep.equal([31, 31, 31, 31, 31, 31, 31]);
      expect(frames.map((a) => a.finRole)).to.deep.equal([undefined, undefined, undefined, undefined, 'active', 'passive', undefined]);
    });

    it('drops a first SYN-ACK’s bits in one pass and adds them back on later frames in two passes', () => {
      const { frames } = run([
        { from: 's', atUs: 0, flags: F.Syn | F.Ack, seq: SERVER.isn, ack: c },
        { from: 'c', atUs: 1000, flags: F.Ack, seq: c, ack: s },
        data(0, 100, 2000),
        { from: 's', atUs: 3000, flags: F.Fin | F.Ack, seq: s + 100, ack: c },
      ]);
      expect(frames.map((a) => a.completenessTwoPass())).to.deep.equal([28, 30, 30, 30]);
    });
  });

  describe('handshake and teardown summary (spec §10)', () => {
    it('records a complete handshake, the client, the server port and a FIN/ACK close', () => {
      const { summary } = run([
        ...handshake(F),
        { from: 'c', atUs: 4000, flags: F.Fin | F.Ack, seq: c, ack: s },
        { from: 's', atUs: 5000, flags: F.Fin | F.Ack, seq: s, ack: c + 1 },
        { from: 'c', atUs: 6000, flags: F.Ack, seq: c + 1, ack: s + 1 },
      ]);
      const conv = summary.conversations[0]!;
      expect(conv.handshake).to.deep.equal({ synFrame: 1, synAckFrame: 2, ackFrame: 3, rttNs: 2_000_000, complete: true });
      expect(conv.teardown).to.deep.equal({ kind: 'fin-close', finFrames: [4, 5], initiator: 0 });
      expect([conv.client, conv.serverPort, conv.completeness]).to.deep.equal([0, 443, 23]);
      expect(conv.endpoints).to.deep.equal([
        { address: '198.18.0.1', port: 40000 },
        { address: '198.18.0.2', port: 443 },
      ]);
    });

    it('classifies refused, rst-abort, fin-then-rst, half-open and open connections', () => {
      const kind = (steps: Step[]): string => run(steps).summary.conversations[0]!.teardown.kind;
      const rst = (atUs: number, from: 'c' | 's' = 'c'): Step => ({
        from,
        atUs,
        flags: F.Rst | F.Ack,
        seq: from === 'c' ? c : s,
        ack: from === 'c' ? s : c,
      });
      const fin: Step = { from: 's', atUs: 4000, flags: F.Fin | F.Ack, seq: s, ack: c };
      expect([
        kind([handshake(F)[0]!, { from: 's', atUs: 1000, flags: F.Rst | F.Ack, seq: 0, ack: c }]),
        kind([...handshake(F), rst(5000)]),
        kind([...handshake(F), fin, rst(5000)]),
        kind([...handshake(F), fin]),
        kind(handshake(F)),
      ]).to.deep.equal(['refused', 'rst-abort', 'fin-then-rst', 'half-open', 'open']);
    });
  });

  describe('TCP Fast Open (RFC 7413)', () => {
    it('flags a SYN with a cookie and a SYN-ACK that accepts the SYN’s data', () => {
      const { frames } = run([
        { from: 'c', atUs: 0, flags: F.Syn, seq: CLIENT.isn, len: 20, options: { fastOpenCookie: Buffer.alloc(8, 1) } },
        { from: 's', atUs: 1000, flags: F.Syn | F.Ack, seq: SERVER.isn, ack: c + 20 },
      ]);
      expect(frames.map((a) => a.flagNames())).to.deep.equal([['tfo_syn'], ['tfo_ack']]);
    });
  });

  describe('push', () => {
    it('returns undefined for a packet without TCP and still assigns frames in order', () => {
      const analyzer = createTcpAnalyzer();
      const [p] = packetsOf([data(0, 10, 0)]);
      const notTcp = { ...p!, tcp: undefined } as unknown as typeof p;
      expect(analyzer.push(notTcp!)).to.equal(undefined);
      expect(analyzer.push(p!)?.stream).to.equal(0);
    });

    it('analyses a data offset below 5 words from the fixed fields but shows and counts nothing of it', () => {
      const { frames, summary } = run([
        ...handshake(F),
        // 10 bytes of data behind a 16-byte "header": tshark's tcp.len is 14, and nextSeq moves by 14.
        { from: 's', atUs: 3000, flags: PA | F.Fin, seq: s, ack: c, len: 10, dataOffsetWords: 4 },
        data(0, 10, 3500),
      ]);
      expect(frames[3]).to.include({ stream: 0, relSeq: 1, len: 14, bogusHeaderLength: true, flags: 0, finRole: undefined });
      expect(frames[4]!.flagNames()).to.deep.equal(['out_of_order']);
      expect(summary.expertCounts['tcp.connection.fin']).to.equal(0);
    });

    it('numbers a header longer than its ip payload with raw numbers and no analysis', () => {
      const { frames } = run([...handshake(F), { ...data(0, 10, 3000), dataOffsetWords: 15 }, data(0, 10, 4000)]);
      expect(frames[3]).to.include({ stream: 0, shortSegment: true, relSeq: s, relAck: c, windowScaled: 1000 * 128 });
      expect(frames[4]!.flagNames()).to.deep.equal([]);
    });

    it('rejects a negative threshold with a ConfigError', () => {
      let caught: unknown;
      try {
        createTcpAnalyzer({ fastRetransmitWindowNs: -1 });
      } catch (e) {
        caught = e;
      }
      expect(isHarnessError(caught) && caught.code).to.equal('ERR_CONFIG');
      expect((caught as Error).message).to.equal(
        'tcp analyzer option fastRetransmitWindowNs: expected a finite number of ns ≥ 0 (got -1)',
      );
    });
  });
});

describe('tcpFindings', () => {
  it('lists connection events and flags, with the dup-ACK detail', () => {
    const { frames } = run([
      ...handshake(F),
      data(0, 100, 3000),
      ackOf(100, 4000),
      ackOf(100, 5000),
      ackOf(100, 6000),
    ]);
    expect(tcpFindings(frames[0]!)).to.deep.equal([{ frame: 1, stream: 0, id: 'tcp.connection.syn', detail: { serverPort: 443 } }]);
    expect(tcpFindings(frames[6]!)).to.deep.equal([
      { frame: 7, stream: 0, id: 'tcp.analysis.duplicate_ack', detail: { dupAckNum: 2, dupAckFrame: 5 } },
    ]);
  });
});
