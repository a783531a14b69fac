/**
 * lab-facts.ts: the numbers a networking lab asks about, derived from an Analysis's per-frame records:
 * handshake options (MSS, window scale, SACK), RTT samples with EstimatedRTT (RFC 6298's α = 1/8),
 * advertised windows, throughput, and the per-stream series the report's graphs draw. Pure; no I/O.
 */
import type { Analysis, ConversationReport, FrameRecord } from '../analysis-result.js';
import { TcpFlag } from '../packet/packet.js';
import { parseEpoch } from './frame-record.js';

/** The weight of a new sample in EstimatedRTT = (1 − α)·EstimatedRTT + α·SampleRTT (RFC 6298, Kurose & Ross). */
export const RTT_ALPHA = 0.125;

/** One RTT sample: a data segment and the first ACK that covers it (Karn: never a retransmitted one). */
export interface RttSample {
  readonly segmentFrame: number;
  readonly ackFrame: number;
  /** Relative sequence number of the segment, its length. */
  readonly seq: number;
  readonly len: number;
  /** Time of the segment since the capture's first frame, seconds. */
  readonly timeS: number;
  readonly sampleMs: number;
  /** EstimatedRTT after this sample (the first sample starts it). */
  readonly estimatedMs: number;
}

/** One direction of a conversation. */
export interface DirectionFacts {
  /** 'client' for client→server. */
  readonly from: 'client' | 'server';
  readonly dataSegments: number;
  readonly bytes: number;
  /** Largest payload of one segment. */
  readonly largestSegment: number;
  /** MSS, window scale multiplier (Wireshark's WS=, e.g. 128 for a shift of 7) and SACK permission from this side's SYN (undefined when unseen). */
  readonly mss: number | undefined;
  readonly windowScale: number | undefined;
  readonly sackPermitted: boolean;
  /** Smallest and largest window this side advertised after its SYN (scaled bytes). */
  readonly minWindow: { readonly bytes: number; readonly frame: number } | undefined;
  readonly maxWindow: { readonly bytes: number; readonly frame: number } | undefined;
  /** Pure ACKs this side sent (no payload, no SYN/FIN/RST). */
  readonly pureAcks: number;
  /** RTT samples of this side's data segments, from the ACKs of the other side. */
  readonly rtt: readonly RttSample[];
  /** Bytes per second between this side's first and last data segment (undefined with fewer than two). */
  readonly throughputBps: number | undefined;
}

/** The lab facts of one conversation. */
export interface ConversationFacts {
  readonly conversation: ConversationReport;
  readonly frames: readonly FrameRecord[];
  readonly client: DirectionFacts;
  readonly server: DirectionFacts;
  /**
   * Where the capture sat: 'client' when the SYN → SYN-ACK gap is the larger part of the iRTT (the
   * client's own segments see the whole round trip), 'server' otherwise, undefined without a handshake.
   */
  readonly capturedAt: 'client' | 'server' | undefined;
  /** The direction that carried more payload (the download in the lab). */
  readonly bulk: 'client' | 'server';
  readonly durationS: number;
}

/** Seconds since the capture's first frame. */
export function relativeSeconds(record: FrameRecord, startNs: bigint): number {
  return Number(parseEpoch(record.time_epoch) - startNs) / 1e9;
}

/** The capture's first timestamp (what Wireshark's relative times count from). */
export function captureStartNs(analysis: Analysis): bigint {
  const first = analysis.frames[0];
  return first === undefined ? 0n : parseEpoch(first.time_epoch);
}

/** SACK blocks of an ACK, as relative [left, right) edges parsed from its Info column. */
export function sackBlocks(record: FrameRecord): [number, number][] {
  const out: [number, number][] = [];
  for (const m of record.info.matchAll(/SLE=(\d+) SRE=(\d+)/g)) out.push([Number(m[1]), Number(m[2])]);
  return out;
}

const has = (r: FrameRecord, bit: number): boolean => ((r.tcp_flags ?? 0) & bit) !== 0;

function fromOf(r: FrameRecord, c: ConversationReport): 'client' | 'server' {
  return r.src === c.client.address && r.sport === c.client.port ? 'client' : 'server';
}

function directionFacts(from: 'client' | 'server', frames: readonly FrameRecord[], c: ConversationReport, startNs: bigint): DirectionFacts {
  const mine = frames.filter((r) => fromOf(r, c) === from);
  const theirs = frames.filter((r) => fromOf(r, c) !== from);
  const syn = mine.find((r) => has(r, TcpFlag.Syn));
  const num = (re: RegExp): number | undefined => {
    const m = syn === undefined ? null : re.exec(syn.info);
    return m === null ? undefined : Number(m[1]);
  };
  const data = mine.filter((r) => (r.tcp_len ?? 0) > 0);
  let minWindow: DirectionFacts['minWindow'];
  let maxWindow: DirectionFacts['maxWindow'];
  for (const r of mine) {
    if (has(r, TcpFlag.Syn) || has(r, TcpFlag.Rst) || r.win === null) continue;
    if (minWindow === undefined || r.win < minWindow.bytes) minWindow = { bytes: r.win, frame: r.frame };
    if (maxWindow === undefined || r.win > maxWindow.bytes) maxWindow = { bytes: r.win, frame: r.frame };
  }
  const pureAcks = mine.filter((r) => (r.tcp_len ?? 0) === 0 && !has(r, TcpFlag.Syn | TcpFlag.Fin | TcpFlag.Rst) && has(r, TcpFlag.Ack)).length;
  // RTT samples: each first transmission until the first ACK from the other side at or beyond its end.
  const retransmitted = new Set<number>();
  for (const r of data) if (r.flags.includes('retransmission')) retransmitted.add(r.seq ?? -1);
  const rtt: RttSample[] = [];
  let estimated: number | undefined;
  let ackIndex = 0;
  for (const seg of data) {
    if (seg.flags.includes('retransmission') || retransmitted.has(seg.seq ?? -1) || seg.nxtseq === null) continue;
    const segNs = parseEpoch(seg.time_epoch);
    while (ackIndex < theirs.length && theirs[ackIndex]!.frame < seg.frame) ackIndex++;
    const ack = theirs.slice(ackIndex).find((r) => has(r, TcpFlag.Ack) && (r.ack ?? 0) >= seg.nxtseq!);
    if (ack === undefined) continue;
    const sampleMs = Number(parseEpoch(ack.time_epoch) - segNs) / 1e6;
    estimated = estimated === undefined ? sampleMs : (1 - RTT_ALPHA) * estimated + RTT_ALPHA * sampleMs;
    rtt.push({ segmentFrame: seg.frame, ackFrame: ack.frame, seq: seg.seq ?? 0, len: seg.tcp_len ?? 0, timeS: relativeSeconds(seg, startNs), sampleMs, estimatedMs: estimated });
  }
  const bytes = data.reduce((n, r) => n + (r.flags.includes('retransmission') ? 0 : (r.tcp_len ?? 0)), 0);
  const spanS = data.length < 2 ? 0 : Number(parseEpoch(data[data.length - 1]!.time_epoch) - parseEpoch(data[0]!.time_epoch)) / 1e9;
  return {
    from,
    dataSegments: data.length,
    bytes,
    largestSegment: data.reduce((n, r) => Math.max(n, r.tcp_len ?? 0), 0),
    mss: num(/\bMSS=(\d+)/),
    windowScale: num(/\bWS=(\d+)/),
    sackPermitted: syn !== undefined && /\bSACK_PERM\b/.test(syn.info),
    minWindow,
    maxWindow,
    pureAcks,
    rtt,
    throughputBps: spanS > 0 ? bytes / spanS : undefined,
  };
}

/** The lab facts of every conversation, in stream order. */
export function labFacts(analysis: Analysis): ConversationFacts[] {
  const startNs = captureStartNs(analysis);
  const byStream = new Map<number, FrameRecord[]>();
  for (const r of analysis.frames) {
    if (r.stream === null || r.tcp_in_error) continue;
    let list = byStream.get(r.stream);
    if (list === undefined) byStream.set(r.stream, (list = []));
    list.push(r);
  }
  return analysis.conversations.map((c) => {
    const frames = byStream.get(c.stream) ?? [];
    const client = directionFacts('client', frames, c, startNs);
    const server = directionFacts('server', frames, c, startNs);
    const at = (n: number | undefined): bigint | undefined => {
      const r = n === undefined ? undefined : frames.find((f) => f.frame === n);
      return r === undefined ? undefined : parseEpoch(r.time_epoch);
    };
    const [syn, synAck, ack] = [at(c.handshake.synFrame), at(c.handshake.synAckFrame), at(c.handshake.ackFrame)];
    const capturedAt = syn === undefined || synAck === undefined || ack === undefined ? undefined : synAck - syn >= ack - synAck ? 'client' : 'server';
    return {
      conversation: c,
      frames,
      client,
      server,
      capturedAt,
      bulk: server.bytes >= client.bytes ? 'server' : 'client',
      durationS: Number(c.endNs - c.startNs) / 1e9,
    };
  });
}

/** The conversation a lab talks about first: the one that carried the most payload. */
export function mainConversation(facts: readonly ConversationFacts[]): ConversationFacts | undefined {
  let best: ConversationFacts | undefined;
  for (const f of facts) if (best === undefined || f.client.bytes + f.server.bytes > best.client.bytes + best.server.bytes) best = f;
  return best;
}

/** What tcp.completeness's bits mean, lowest first (Wireshark 4.0). */
export const COMPLETENESS_BITS: readonly (readonly [number, string])[] = [
  [1, 'SYN'],
  [2, 'SYN-ACK'],
  [4, 'ACK'],
  [8, 'DATA'],
  [16, 'FIN'],
  [32, 'RST'],
];

/** `31 (SYN, SYN-ACK, ACK, DATA, FIN)`: a completeness value with the legend of its bits. */
export function formatCompleteness(value: number): string {
  const names = COMPLETENESS_BITS.filter(([bit]) => (value & bit) !== 0).map(([, name]) => name);
  return `${value} (${names.join(', ') || 'nothing seen'})`;
}
