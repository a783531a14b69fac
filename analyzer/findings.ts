/**
 * findings.ts: the findings of one pipeline step: TCP expert items (tcp-findings.ts) plus one
 * `_ws.malformed` per decode issue. Pure; no I/O.
 */
import type { Finding } from './analysis/expert.js';
import { tcpFindings } from './analysis/tcp/tcp-findings.js';
import type { PipelineStep } from './pipeline.js';

/** Lists the findings of one frame: TCP connection events and analysis flags, then malformed layers. */
export function findingsOf(step: PipelineStep): Finding[] {
  const { packet, tcp } = step;
  const out = tcp === undefined ? [] : tcpFindings(tcp);
  for (const issue of packet.issues) {
    // A layer we do not follow (ARP, 802.11 management) is not damage.
    if (issue.code === 'unsupported-layer') continue;
    out.push({
      frame: packet.frame.index,
      stream: tcp?.stream,
      id: '_ws.malformed',
      detail: { message: `${issue.layer}: ${issue.message}` },
    });
  }
  return out;
}
