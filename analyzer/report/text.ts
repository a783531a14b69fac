/**
 * text.ts: human-readable reports: a tshark-like packet list, the conversation table and an
 * expert summary like `tshark -z expert`. Pure string building; no I/O.
 */
import type { Analysis, ConversationReport, FrameRecord, HttpRequestSummary } from '../analysis-result.js';
import { parseEpoch } from './frame-record.js';
import { formatCompleteness } from './lab-facts.js';

// Tunnel and shim layers as Wireshark's Protocol column spells them.
const TUNNEL_NAMES: Readonly<Record<string, string>> = {
  gre: 'GRE',
  gtp: 'GTP',
  vxlan: 'VXLAN',
  geneve: 'Geneve',
  erspan: 'ERSPAN',
  pppoe: 'PPPoE',
  mpls: 'MPLS',
};

const TLS_VERSION_COLUMN: Readonly<Record<number, string>> = {
  0x0300: 'SSLv3',
  0x0301: 'TLSv1',
  0x0302: 'TLSv1.1',
  0x0303: 'TLSv1.2',
  0x0304: 'TLSv1.3',
};

/** The Protocol column: the top protocol, with the tunnel in front as Wireshark shows `GTP <TCP>`. */
export function protocolColumn(record: FrameRecord): string {
  let top: string;
  if (record.http2 !== undefined) {
    top = 'HTTP2';
  } else if (record.http !== undefined) {
    top = 'HTTP';
  } else if (record.tls !== null) {
    const version = record.tls.version ?? record.tls.records[0]?.version ?? 0x0303;
    const tls13 = record.tls_decrypted_13 === true || record.tls.records.some((r) => r.opaque);
    top = tls13 ? 'TLSv1.3' : (TLS_VERSION_COLUMN[version] ?? 'TLS');
  } else if (record.stream !== null) {
    top = 'TCP';
  } else {
    const parts = record.protocols.split(':');
    top = (parts[parts.length - 1] ?? 'data').toUpperCase();
  }
  const tunnel = record.encap.find((l) => TUNNEL_NAMES[l] !== undefined);
  if (tunnel !== undefined) return `${TUNNEL_NAMES[tunnel]} <${top}>`;
  return record.encap.includes('ipv4') || record.encap.includes('ipv6') ? `IP <${top}>` : top;
}

const EPOCH = /^(\d{1,15})\.(\d{9})$/;
/** Seconds within which a difference in ns stays below 2^53, so Number arithmetic is exact. */
const EXACT_SECONDS = 9e6;
let cachedStartNs: bigint | undefined;
let startSeconds = 0;
let startFraction = 0;

/**
 * `Number(parseEpoch(epoch) - startNs) / 1e9` without BigInt for the usual case (a 9-decimal epoch
 * within 100 days of the start): the difference in ns is then an exact integer Number, the same value.
 */
function secondsSince(epoch: string, startNs: bigint): number {
  const m = startNs >= 0n ? EPOCH.exec(epoch) : null;
  if (m !== null) {
    if (startNs !== cachedStartNs) {
      cachedStartNs = startNs;
      startSeconds = Number(startNs / 1_000_000_000n);
      startFraction = Number(startNs % 1_000_000_000n);
    }
    const seconds = Number(m[1]) - startSeconds;
    if (Math.abs(seconds) < EXACT_SECONDS) return (seconds * 1e9 + (Number(m[2]) - startFraction)) / 1e9;
  }
  return Number(parseEpoch(epoch) - startNs) / 1e9;
}

/** One packet-list line: number, relative time, addresses, protocol, length, Info. */
export function formatPacketLine(record: FrameRecord, startNs: bigint): string {
  const rel = secondsSince(record.time_epoch, startNs);
  const src = record.src ?? '';
  const dst = record.dst ?? '';
  const where = src === '' && dst === '' ? '' : `${src} → ${dst}`;
  return `${String(record.frame).padStart(6)} ${rel.toFixed(6).padStart(11)} ${where.padEnd(34)} ${protocolColumn(record).padEnd(8)} ${String(record.frame_len).padStart(5)} ${record.info}`;
}

function ms(ns: number | undefined): string {
  return ns === undefined ? '–' : `${(ns / 1e6).toFixed(3)} ms`;
}

/** One conversation as a short block of lines. */
export function formatConversation(c: ConversationReport): string {
  const lines: string[] = [];
  lines.push(
    `stream ${c.stream}: ${c.client.address}:${c.client.port} → ${c.server.address}:${c.server.port}  frames ${c.firstFrame}–${c.lastFrame}  completeness ${formatCompleteness(c.completeness)}`,
  );
  const h = c.handshake;
  const hs = h.complete
    ? `SYN #${h.synFrame}, SYN-ACK #${h.synAckFrame}, ACK #${h.ackFrame}, iRTT ${ms(h.rttNs)}`
    : `incomplete (SYN ${h.synFrame ?? '–'}, SYN-ACK ${h.synAckFrame ?? '–'}, ACK ${h.ackFrame ?? '–'})`;
  lines.push(`    handshake: ${hs}`);
  lines.push(
    `    client→server ${c.bytes[0]} B in ${c.segments[0]} segments, ${c.retransmissions[0]} retransmitted; server→client ${c.bytes[1]} B in ${c.segments[1]} segments, ${c.retransmissions[1]} retransmitted`,
  );
  const frames = c.teardownFrames.length > 0 ? ` (frames ${c.teardownFrames.join(', ')})` : '';
  lines.push(`    teardown: ${c.teardown}${frames}`);
  if (c.tls !== undefined) {
    const t = c.tls;
    const parts = [`${t.version ?? 'version unknown'}`, t.cipherSuite ?? 'cipher unknown'];
    if (t.sni !== undefined) parts.push(`SNI ${t.sni}`);
    if (t.alpn.length > 0) parts.push(`ALPN ${t.alpn.join(',')}`);
    if (t.helloRetryRequest) parts.push('HelloRetryRequest');
    if (t.resumed) parts.push('resumed session (abbreviated handshake: no Certificate, the earlier session\'s secret reused)');
    if (t.clientHelloFrame !== undefined) parts.push(`Client Hello #${t.clientHelloFrame}`);
    if (t.serverHelloFrame !== undefined) parts.push(`Server Hello #${t.serverHelloFrame}`);
    if (t.changeCipherSpecFrames.length > 0) parts.push(`Change Cipher Spec #${t.changeCipherSpecFrames.join(', #')}`);
    // The alert's names, as Wireshark's Info shows them: "Alert (Level: Fatal, Description: Unknown CA)".
    for (const a of t.alerts) parts.push(`alert #${a.frame} ${a.level === null ? 'encrypted' : `level ${a.level} desc ${a.desc}: ${a.text}`}`);
    lines.push(`    tls: ${parts.join('; ')}`);
    for (const note of t.decryptionNotes) lines.push(`    decryption: ${note}`);
    for (const r of t.requests) lines.push(`    ${formatRequest(r)}`);
    if (t.decrypted && t.requests.length === 0) lines.push('    requests: none');
  }
  return lines.join('\n');
}

/** One request line: `stream 1: GET /media/audio.mp3 → 200, 98304 B` (HTTP/2) or `GET / → 200, 328 B`. */
export function formatRequest(r: HttpRequestSummary): string {
  const prefix = r.h2Stream === undefined ? '' : `stream ${r.h2Stream}: `;
  const range = r.range === undefined ? '' : ` (Range ${r.range})`;
  const answer = r.status === undefined ? 'no response' : `${r.status}, ${r.bytes} B${r.responseFrame === undefined ? ' (incomplete)' : ''}`;
  return `${prefix}${r.method} ${r.uri}${range} → ${answer}  #${r.frame}`;
}

const SEVERITY_TITLE: Readonly<Record<string, string>> = {
  error: 'Errors',
  warn: 'Warnings',
  note: 'Notes',
  chat: 'Chats',
};

/** The expert summary: per severity, each distinct summary text with its count (like `tshark -z expert`). */
export function formatExpertSummary(analysis: Pick<Analysis, 'expertSummary'>): string {
  const out: string[] = [];
  let severity = '';
  for (const row of analysis.expertSummary) {
    if (row.severity !== severity) {
      severity = row.severity;
      const total = analysis.expertSummary.filter((r) => r.severity === severity).reduce((n, r) => n + r.count, 0);
      out.push(`${SEVERITY_TITLE[severity]} (${total})`);
    }
    out.push(`  ${String(row.count).padStart(7)}  ${row.group.padEnd(9)} TCP  ${row.summary}`);
  }
  return out.length === 0 ? 'No expert items.' : out.join('\n');
}

/** The whole text report (packet list only when `packets` is given). */
export function formatTextReport(
  analysis: Pick<Analysis, 'conversations' | 'parallelConnections' | 'parallelWindowMs' | 'expertSummary'>,
  options: { readonly streams?: ReadonlySet<number> } = {},
): string {
  const out: string[] = [];
  const conversations =
    options.streams === undefined
      ? analysis.conversations
      : analysis.conversations.filter((c) => options.streams!.has(c.stream));
  out.push(`Conversations (${conversations.length})`);
  for (const c of conversations) out.push(formatConversation(c));
  const parallelHeading = `Parallel connections (opened within ${analysis.parallelWindowMs} ms of each other, open at the same time)`;
  if (analysis.parallelConnections.length === 0) {
    out.push('', `${parallelHeading}: none`);
  } else {
    out.push('', parallelHeading);
    for (const p of analysis.parallelConnections) {
      const idle = p.idleStreams.length > 0 ? `; idle and closed early: ${p.idleStreams.join(', ')}` : '';
      out.push(`  ${p.client} → ${p.server}: streams ${p.streams.join(', ')}${idle}`);
      // With keys: what each connection of the group carried, and which carried nothing.
      for (const stream of p.streams) {
        const t = analysis.conversations.find((c) => c.stream === stream)?.tls;
        if (t === undefined || !t.decrypted) continue;
        const carried = t.requests.map((r) => `${r.method} ${r.uri}`).join(', ');
        out.push(`    stream ${stream}: ${carried === '' ? 'no request' : carried}`);
      }
    }
  }
  out.push('', 'Expert summary', formatExpertSummary(analysis));
  return out.join('\n');
}
