import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createIpReassembler, decodeFrame } from '../../../analyzer/decode/index.js';
import { formatIp, isSegment } from '../../../analyzer/packet/packet.js';
import { readCaptureFile } from '../../../analyzer/capture/open-capture.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'captures', 'encap');

interface OracleRow {
  frame: number;
  protocols: string;
  src: string | null;
  dst: string | null;
  sport: number | null;
  dport: number | null;
  seq_raw: number | null;
  ack_raw: number | null;
  tcp_len: number | null;
  tcp_in_error: boolean;
}

describe('unit', () => {
  describe('decodeFrame + createIpReassembler against tshark 4.0.17 (encapsulation fixtures)', () => {
    const captures = readdirSync(DIR).filter((f) => f.endsWith('.pcap')).sort();

    it('has an oracle for every encapsulation capture', () => {
      expect(captures.length).to.be.greaterThanOrEqual(30);
      for (const c of captures) expect(readdirSync(DIR)).to.include(`${c}.oracle.jsonl`);
    });

    for (const capture of captures) {
      it(`decodes the inner TCP of every frame tshark sees as TCP in ${capture}`, async () => {
        const oracle = readFileSync(join(DIR, `${capture}.oracle.jsonl`), 'utf8').trim().split('\n')
          .map((l) => JSON.parse(l) as OracleRow);
        const frames = await readCaptureFile(join(DIR, capture));
        expect(frames.length).to.equal(oracle.length);
        const reasm = createIpReassembler();
        let tcpFrames = 0;
        frames.forEach((frame, i) => {
          const p = reasm.push(decodeFrame(frame));
          const o = oracle[i]!;
          const where = `${capture} frame ${frame.index} (${o.protocols})`;
          expect(p.issues, where).to.deep.equal([]);
          if (o.sport === null || o.tcp_in_error) {
            expect(isSegment(p), where).to.equal(false);
            return;
          }
          tcpFrames++;
          expect(isSegment(p), where).to.equal(true);
          if (!isSegment(p)) return;
          expect({
            src: formatIp(p.ip.src), dst: formatIp(p.ip.dst), sport: p.tcp.srcPort, dport: p.tcp.dstPort,
            seq: p.tcp.seq, ack: p.tcp.ack, len: p.tcp.segmentLength,
          }, where).to.deep.equal({
            src: o.src, dst: o.dst, sport: o.sport, dport: o.dport, seq: o.seq_raw, ack: o.ack_raw, len: o.tcp_len,
          });
        });
        expect(tcpFrames).to.be.greaterThan(0);
        expect(reasm.flush()).to.deep.equal([]);
      });
    }
  });
});
