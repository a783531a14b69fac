/**
 * findings.ts: the findings of one pipeline step: TCP expert items (tcp-findings.ts) plus one
 * `_ws.malformed` per decode issue. Pure; no I/O.
 */
import type { Finding } from './analysis/expert.js';
import { tcpFindings } from './analysis/tcp/tcp-findings.js';
import { isMalformedIssue, TcpFlag } from './packet/packet.js';
import type { PipelineStep } from './pipeline.js';

/** Returned for the (most common) frame without findings, so that frame allocates nothing. Frozen. */
const NO_FINDINGS: readonly Finding[] = Object.freeze([]);
const CONNECTION_EVENT_FLAGS = TcpFlag.Syn | TcpFlag.Fin | TcpFlag.Rst;

/**
 * Lists the findings of one frame: TCP connection events and analysis flags, then malformed layers.
 * Frames without any share one frozen empty array.
 */
export function findingsOf(step: PipelineStep): readonly Finding[] {
  const { packet, tcp } = step;
  if (packet.issues.length === 0 && (tcp === undefined || tcp.inError || tcp.inFragment || (tcp.flags === 0 && (tcp.tcpFlags & CONNECTION_EVENT_FLAGS) === 0))) {
    return NO_FINDINGS;
  }
  const out = tcp === undefined ? [] : tcpFindings(tcp);
  for (const issue of packet.issues) {
    // A layer we do not follow (ARP, 802.11 management) is not damage, nor is a header the snapshot cut.
    if (!isMalformedIssue(issue, packet.frame)) continue;
    out.push({
      frame: packet.frame.index,
      stream: tcp?.stream,
      id: '_ws.malformed',
      detail: { message: `${issue.layer}: ${issue.message}` },
    });
  }
  return out;
}
