/**
 * path-audit.ts: did the machine itself lose frames between a host's TCP stack and the impairment
 * proxy? Each host's kernel counts the TCP segments it sent (its namespace's own TCP MIB); the proxy
 * counts the TCP frames it received from that host. Fewer received than sent means frames vanished
 * outside the impairment chain (libpcap's ring overflowed, a veth backlog was full, a send failed),
 * so the capture shows losses the scenario never asked for and its expectations do not test it.
 */
import { execInNetns } from './netns.js';
import type { Host } from './topology.js';

/** One direction's audit: segments its sender's kernel sent, TCP frames the proxy received, sends that failed. */
export interface PathDirectionAudit {
  readonly sent: number;
  readonly received: number;
  readonly failedSends: number;
}

/** Both directions; `lost` sums what vanished outside the impairment chain (0 on a healthy run). */
export interface PathAudit {
  readonly uplink: PathDirectionAudit;
  readonly downlink: PathDirectionAudit;
  readonly lost: number;
}

/** What the audit needs of a running proxy. */
export interface AuditedProxy {
  readonly tcpReceived: { readonly uplink: number; readonly downlink: number };
  readonly failedSends: { readonly uplink: number; readonly downlink: number };
}

/**
 * Segments sent by the namespace's TCP: OutSegs (new data and control, RSTs and time-wait ACKs
 * included) plus RetransSegs (Linux leaves retransmissions out of OutSegs).
 */
export function tcpSegmentsSentOf(snmp: string): number {
  const rows = snmp.split('\n').filter((l) => l.startsWith('Tcp:'));
  const names = rows[0]?.split(/\s+/) ?? [];
  const values = rows[1]?.split(/\s+/) ?? [];
  const field = (name: string): number => {
    const i = names.indexOf(name);
    const v = i < 0 ? NaN : Number(values[i]);
    if (!Number.isFinite(v)) throw new Error(`no Tcp ${name} in /proc/net/snmp`);
    return v;
  };
  return field('OutSegs') + field('RetransSegs');
}

async function tcpSegmentsSent(host: Host): Promise<number> {
  return tcpSegmentsSentOf(await execInNetns(host.netns, 'cat', ['/proc/net/snmp']));
}

// Frames the kernel counted may still sit in libpcap's ring or the event loop's queue: wait for the
// proxy to catch up this long before calling a shortfall a loss.
const CATCH_UP_MS = 1_000;
const POLL_MS = 20;

/**
 * Compares each host's sent count with the proxy's received count, once traffic is over (the
 * proxy still running). A shortfall that persists for a second is reported as lost.
 * @example
 * const audit = await auditPath({ client: topo.client, server: topo.server }, proxy);
 * if (audit.lost > 0) console.log(formatPathAudit(audit));
 */
export async function auditPath(hosts: { client: Host; server: Host }, proxy: AuditedProxy): Promise<PathAudit> {
  const [clientSent, serverSent] = await Promise.all([tcpSegmentsSent(hosts.client), tcpSegmentsSent(hosts.server)]);
  const deadline = Date.now() + CATCH_UP_MS;
  while (Date.now() < deadline && (proxy.tcpReceived.uplink < clientSent || proxy.tcpReceived.downlink < serverSent)) {
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const uplink = { sent: clientSent, received: proxy.tcpReceived.uplink, failedSends: proxy.failedSends.uplink };
  const downlink = { sent: serverSent, received: proxy.tcpReceived.downlink, failedSends: proxy.failedSends.downlink };
  const lostOf = (d: PathDirectionAudit): number => Math.max(0, d.sent - d.received) + d.failedSends;
  return { uplink, downlink, lost: lostOf(uplink) + lostOf(downlink) };
}

/** "path: client sent 25 TCP segments, the proxy received 25; server sent 190, received 189 (1 lost outside the impairments)". */
export function formatPathAudit(audit: PathAudit): string {
  const side = (who: string, d: PathDirectionAudit): string => {
    const lost = Math.max(0, d.sent - d.received);
    const notes = [...(lost > 0 ? [`${lost} never reached the proxy`] : []), ...(d.failedSends > 0 ? [`${d.failedSends} failed to send`] : [])];
    return `${who} sent ${d.sent} TCP segments, the proxy received ${d.received}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
  };
  return `path: ${side('client', audit.uplink)}; ${side('server', audit.downlink)}`;
}
