/**
 * tcp-findings.ts: turns one frame's TCP analysis into Findings (expert items as data).
 * Pure; imports only analysis types. No text: report/ renders findings through expert.ts.
 */
import type { Finding } from '../expert.js';
import { TcpFlag } from '../../packet/packet.js';
import { tcpAnalysisFlagIds } from './analysis-flag.js';
import type { TcpFrameAnalysis } from './tcp-analyzer.js';

/**
 * The expert items tshark 4.0 raises on this frame: the connection chats/notes (SYN, SYN-ACK,
 * FIN, RST, FIN active/passive) first, then the analysis flags in `tcp.analysis.*` name order.
 * A fast or spurious retransmission also yields `tcp.analysis.retransmission` (spec §7), so
 * counting findings by id matches `tshark -Y <id>`. Frames quoted in ICMP errors, heading a lone
 * fragment or with an impossible data offset yield none.
 * @example tcpFindings(analyzer.push(packet)!).map((f) => f.id) // ['tcp.analysis.duplicate_ack']
 */
export function tcpFindings(a: TcpFrameAnalysis): Finding[] {
  const out: Finding[] = [];
  if (a.inError || a.inFragment || a.shortSegment || a.bogusHeaderLength) return out;
  const { frame, stream } = a;
  const fl = a.tcpFlags;
  if ((fl & TcpFlag.Syn) !== 0) {
    if ((fl & TcpFlag.Ack) === 0) {
      out.push({ frame, stream, id: 'tcp.connection.syn', detail: { serverPort: a.dstPort } });
    } else {
      out.push({ frame, stream, id: 'tcp.connection.synack', detail: { serverPort: a.srcPort } });
    }
  }
  if ((fl & TcpFlag.Fin) !== 0) {
    out.push({ frame, stream, id: 'tcp.connection.fin' });
    out.push({ frame, stream, id: a.finRole === 'passive' ? 'tcp.connection.fin_passive' : 'tcp.connection.fin_active' });
  }
  if ((fl & TcpFlag.Rst) !== 0) out.push({ frame, stream, id: 'tcp.connection.rst' });
  if (a.flags === 0) return out;
  for (const id of tcpAnalysisFlagIds(a.flags)) {
    if (id === 'tcp.analysis.duplicate_ack') {
      out.push({ frame, stream, id, detail: { dupAckNum: a.dupAckNum!, dupAckFrame: a.dupAckFrame! } });
    } else {
      out.push({ frame, stream, id });
    }
  }
  return out;
}
