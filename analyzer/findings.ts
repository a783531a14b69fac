/**
 * findings.ts: the findings of one pipeline step: TCP analysis flags, connection events
 * (tcp.connection.*) and decode issues. Pure; no I/O.
 */
import type { Finding } from './analysis/expert.js';
import { tcpAnalysisFlagIds } from './analysis/tcp/analysis-flag.js';
import type { PipelineStep } from './pipeline.js';
import { TcpFlag } from './packet/packet.js';

/** Lists the findings of one frame in a stable order: analysis flags, connection events, malformed. */
export function findingsOf(step: PipelineStep): Finding[] {
  const { packet, tcp } = step;
  const frame = packet.frame.index;
  const stream = tcp?.stream;
  const out: Finding[] = [];
  if (tcp !== undefined && !tcp.inError) {
    for (const id of tcpAnalysisFlagIds(tcp.flags)) {
      if (id === 'tcp.analysis.duplicate_ack') {
        out.push({ frame, stream, id, detail: { dupAckNum: tcp.dupAckNum ?? 0, dupAckFrame: tcp.dupAckFrame ?? 0 } });
      } else {
        out.push({ frame, stream, id });
      }
    }
    const flags = tcp.tcpFlags;
    const serverPort = tcp.conversation.serverPort;
    if ((flags & (TcpFlag.Syn | TcpFlag.Ack)) === TcpFlag.Syn) {
      out.push({ frame, stream, id: 'tcp.connection.syn', detail: { serverPort: serverPort ?? tcp.dstPort } });
    } else if ((flags & (TcpFlag.Syn | TcpFlag.Ack)) === (TcpFlag.Syn | TcpFlag.Ack)) {
      out.push({ frame, stream, id: 'tcp.connection.synack', detail: { serverPort: serverPort ?? tcp.srcPort } });
    }
    if ((flags & TcpFlag.Fin) !== 0) {
      out.push({ frame, stream, id: 'tcp.connection.fin' });
      if (tcp.finRole === 'active') out.push({ frame, stream, id: 'tcp.connection.fin_active' });
      if (tcp.finRole === 'passive') out.push({ frame, stream, id: 'tcp.connection.fin_passive' });
    }
    if ((flags & TcpFlag.Rst) !== 0) out.push({ frame, stream, id: 'tcp.connection.rst' });
  }
  for (const issue of packet.issues) {
    if (issue.code === 'unsupported-layer') continue;
    out.push({ frame, stream, id: '_ws.malformed', detail: { message: `${issue.layer}: ${issue.message}` } });
  }
  return out;
}
