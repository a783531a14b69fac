/**
 * frame-record.ts: turns one pipeline step into the per-frame record of the oracle's JSONL schema,
 * with a Wireshark-like Info column. Pure; no I/O.
 */
import type { Finding, FrameRecord, TlsFrameRecord } from '../analysis-result.js';
import { renderInfoTags } from '../analysis/expert.js';
import type { PipelineStep } from '../pipeline.js';
import { CAPTURE_LIMITED_INFO } from '../analysis/tls/tls-analyzer.js';
import { formatIp, isCaptureLimited, TcpFlag } from '../packet/packet.js';
import type { Packet, TcpHeader } from '../packet/packet.js';

/** A FrameRecord whose completeness is filled in once the stream's final value is known. */
export type MutableFrameRecord = { -readonly [K in keyof FrameRecord]: FrameRecord[K] };

const TCP_FLAG_LABELS: readonly (readonly [number, string])[] = [
  [TcpFlag.Fin, 'FIN'],
  [TcpFlag.Syn, 'SYN'],
  [TcpFlag.Rst, 'RST'],
  [TcpFlag.Psh, 'PSH'],
  [TcpFlag.Ack, 'ACK'],
  [TcpFlag.Urg, 'URG'],
  [TcpFlag.Ece, 'ECE'],
  [TcpFlag.Cwr, 'CWR'],
  [TcpFlag.Ae, 'AE'],
];

/** `[SYN, ACK]` as tshark's Info column writes the flags. */
export function formatTcpFlags(flags: number): string {
  const names: string[] = [];
  for (const [bit, label] of TCP_FLAG_LABELS) if ((flags & bit) !== 0) names.push(label);
  return `[${names.join(', ')}]`;
}

/** Nanoseconds since the epoch as tshark prints frame.time_epoch (9 decimals). */
export function formatEpoch(timestampNs: bigint): string {
  if (timestampNs >= 1_000_000_000n) {
    // One toString instead of a division and a remainder: this runs for every frame printed.
    const digits = timestampNs.toString();
    return `${digits.slice(0, -9)}.${digits.slice(-9)}`;
  }
  const negative = timestampNs < 0n;
  const abs = negative ? -timestampNs : timestampNs;
  const sec = abs / 1_000_000_000n;
  const frac = (abs % 1_000_000_000n).toString().padStart(9, '0');
  return `${negative ? '-' : ''}${sec}.${frac}`;
}

/** The inverse of formatEpoch: `"1795486255.807646000"` → ns since the epoch (fewer decimals allowed). */
export function parseEpoch(epoch: string): bigint {
  const [sec = '0', frac = ''] = epoch.split('.');
  return BigInt(sec) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9));
}

// tshark's frame.protocols spelling of our layer names.
const PROTOCOL_NAMES: Readonly<Record<string, string>> = { ipv4: 'ip', gtp: 'gtp', wlan: 'wlan' };

function protocolsOf(packet: Packet, tls: boolean, app: string | undefined): string {
  const parts: string[] = [];
  for (const layer of packet.layers) {
    parts.push(PROTOCOL_NAMES[layer] ?? layer);
    if (layer === 'eth' || layer === 'vlan' || layer === 'sll' || layer === 'sll2') parts.push('ethertype');
  }
  if (tls) parts.push('tls');
  if (app !== undefined) parts.push(app);
  return parts.join(':');
}

function innermostIpIndex(layers: readonly string[]): number {
  for (let i = layers.length - 1; i >= 0; i--) {
    if (layers[i] === 'ipv4' || layers[i] === 'ipv6') return i;
  }
  return -1;
}

function tcpInfo(tcp: TcpHeader, relSeq: number, relAck: number, len: number, win: number): string {
  const ack = (tcp.flags & TcpFlag.Ack) !== 0 ? ` Ack=${relAck}` : '';
  const opts = tcp.options;
  const extras: string[] = [];
  if (opts.mss !== undefined) extras.push(`MSS=${opts.mss}`);
  if (opts.sackPermitted === true) extras.push('SACK_PERM');
  if (opts.timestamp !== undefined) extras.push(`TSval=${opts.timestamp.value} TSecr=${opts.timestamp.echo}`);
  if (opts.windowScale !== undefined) extras.push(`WS=${2 ** Math.min(opts.windowScale, 14)}`);
  if (opts.sackBlocks !== undefined) {
    // SACK edges are in the peer's sequence space: show them relative to the same base as Ack.
    const base = (tcp.flags & TcpFlag.Ack) !== 0 ? (tcp.ack - relAck) >>> 0 : 0;
    for (const [left, right] of opts.sackBlocks) extras.push(`SLE=${(left - base) >>> 0} SRE=${(right - base) >>> 0}`);
  }
  const tail = extras.length > 0 ? ` ${extras.join(' ')}` : '';
  return `${tcp.srcPort} → ${tcp.dstPort} ${formatTcpFlags(tcp.flags)} Seq=${relSeq}${ack} Win=${win} Len=${len}${tail}`;
}

/**
 * True when tshark, dissecting this frame, reads past the bytes the snapshot length kept (its
 * `[Packet size limited during capture]`), outside TLS: a header cut short, a cut IP fragment or ICMP
 * error (checked with tshark on every fixture cut at 54–200 bytes, test/conformance/snaplen-oracle.test.ts).
 * A cut payload that is not TLS is not marked: whether tshark reads past its end depends on which of its
 * many heuristic dissectors look at the first bytes.
 */
function readsPastCapture(step: PipelineStep): boolean {
  const { packet } = step;
  const frame = packet.frame;
  if (frame.data.length >= frame.originalLength) return false;
  if (packet.issues.some((issue) => isCaptureLimited(issue, frame))) return true;
  const icmp = packet.icmp;
  // An ICMP error's quoted datagram is dissected as far as the capture goes, and further.
  const icmpError = icmp !== undefined && (icmp.version === 4 ? ICMP4_ERRORS.has(icmp.type) : icmp.type >= 1 && icmp.type <= 4);
  // A cut IP fragment is shown as data read past its end; a cut first fragment's TCP header is
  // dissected, and only bytes after it are read past (none when the cut falls at its end).
  const fragmentReadPast = packet.ipFragment === true && (packet.tcp === undefined || packet.payload.length > 0);
  return fragmentReadPast || icmpError;
}

/** ICMPv4 messages that quote a datagram: unreachable, source quench, redirect, time exceeded, parameter problem. */
const ICMP4_ERRORS: ReadonlySet<number> = new Set([3, 4, 5, 11, 12]);

/**
 * Builds the per-frame record. `findings` are this frame's findings (for the Info tags);
 * `completeness` is left null for the caller to fill with the stream's final value.
 */
export function buildFrameRecord(step: PipelineStep, findings: readonly Finding[]): MutableFrameRecord {
  const { packet, tcp, tls } = step;
  const frame = packet.frame;
  const quoted = packet.icmp?.quoted;
  const ip = tcp?.inError === true && quoted !== undefined ? quoted.ip : packet.ip;
  const tcpHeader = tcp?.inError === true ? quoted?.tcp : packet.tcp;
  const udp = packet.udp;
  const ipIndex = innermostIpIndex(packet.layers);
  const encap = ipIndex > 0 ? packet.layers.slice(0, ipIndex) : ipIndex === 0 ? [] : [...packet.layers];
  const tags = renderInfoTags(findings);
  // A read past the captured bytes ends tshark's dissection there; TLS appends the same text itself.
  const limited = readsPastCapture(step) ? CAPTURE_LIMITED_INFO : '';
  let info: string;
  if (tcp !== undefined && tcpHeader !== undefined) {
    const base = tcpInfo(tcpHeader, tcp.relSeq, tcp.relAck, tcp.len, tcp.windowScaled);
    const tlsInfo = tls?.info;
    // TLS appends its items after TCP's tags with ", "; HTTP and reassembly text replace after the fence
    // (HTTP/2 appends its first item with ", " there too).
    const separator = tls?.appInfo !== undefined && !tls.appInfoSeparated ? ' ' : ' , ';
    if (tlsInfo !== undefined && tlsInfo !== '') info = tags !== '' ? `${tags}${separator}${tlsInfo}` : tlsInfo;
    else info = tags !== '' ? `${tags} ${base}${limited}` : `${base}${limited}`;
  } else if (udp !== undefined) {
    info = `${udp.srcPort} → ${udp.dstPort} Len=${Math.max(0, udp.length - 8)}${limited}`;
  } else if (packet.ipFragment === true) {
    info = 'Fragmented IP protocol';
  } else {
    info = limited !== '' ? limited : packet.layers.length > 0 ? packet.layers[packet.layers.length - 1]! : 'undecoded';
  }
  // TLS dissected a frame the snapshot cut before any record: in frame.protocols, but no `tls` object (as the oracle).
  const tlsRecord = tls === null || tls.records.length === 0 ? null : (tls.toJSON() as TlsFrameRecord);
  return {
    frame: frame.index,
    time_epoch: formatEpoch(frame.timestampNs),
    frame_len: frame.originalLength,
    cap_len: frame.data.length,
    protocols: protocolsOf(packet, tls !== null, tls?.app?.http2 !== undefined ? 'http2' : tls?.app?.http !== undefined ? 'http' : undefined),
    ip_version: ip === undefined ? null : ip.version,
    src: ip === undefined ? null : formatIp(ip.src),
    dst: ip === undefined ? null : formatIp(ip.dst),
    stream: tcp === undefined ? null : tcp.stream,
    sport: tcpHeader?.srcPort ?? udp?.srcPort ?? null,
    dport: tcpHeader?.dstPort ?? udp?.dstPort ?? null,
    tcp_flags: tcpHeader === undefined || tcp?.bogusHeaderLength === true ? null : tcpHeader.flags,
    // TCP quoted in an ICMP error is not analysed: tshark shows its raw numbers.
    seq: tcp === undefined ? null : tcp.inError ? (tcpHeader?.seq ?? null) : tcp.relSeq,
    ack: tcp === undefined || tcp.bogusHeaderLength ? null : tcp.inError ? (tcpHeader?.ack ?? null) : tcp.relAck,
    seq_raw: tcpHeader === undefined ? null : tcpHeader.seq,
    ack_raw: tcpHeader === undefined ? null : tcpHeader.ack,
    // A data offset below 5 words ends tshark's TCP tree after seq and length; a short segment has no length.
    nxtseq: tcp === undefined || tcp.inError || tcp.inFragment || tcp.shortSegment || tcp.bogusHeaderLength ? null : tcp.nextSeq,
    tcp_len: tcp === undefined || tcp.inError || tcp.inFragment || tcp.shortSegment ? null : tcp.len,
    win: tcp === undefined || tcp.bogusHeaderLength ? null : tcp.inError ? (tcpHeader?.windowRaw ?? null) : tcp.windowScaled,
    win_raw: tcpHeader === undefined ? null : tcpHeader.windowRaw,
    flags: tcp === undefined ? [] : tcp.flagNames(),
    dup_ack_num: tcp?.dupAckNum ?? null,
    dup_ack_frame: tcp?.dupAckFrame ?? null,
    tcp_in_error: tcp?.inError === true,
    completeness: null,
    tls: tlsRecord,
    encap,
    info,
    ...(tls?.decrypted13 === true ? { tls_decrypted_13: true } : {}),
    // Decrypted HTTP: present only on frames where tshark shows the fields.
    ...(tls?.app?.http === undefined ? {} : { http: tls.app.http }),
    ...(tls?.app?.http2 === undefined ? {} : { http2: tls.app.http2 }),
  };
}
