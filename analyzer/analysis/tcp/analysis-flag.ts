/**
 * analysis-flag.ts: names for the per-frame TCP analysis flag bits, and the lists derived from the
 * expert table (expert.ts is the one table: each `tcp.analysis.*` row carries its `flagBit`).
 * Pure constants and helpers; imports only expert.ts.
 */
import { Expert, normalizeFlagId, shortFlagName, type ExpertId } from '../expert.js';

/**
 * One bit per `tcp.analysis.*` flag, as named constants for the analysis code. Fast and spurious
 * retransmissions have their own bit and do NOT set `Retransmission`; the name/id helpers below
 * add it, as tshark's fields do (spec §7).
 */
export const TcpAnalysisFlag = {
  Retransmission: Expert['tcp.analysis.retransmission'].flagBit,
  LostSegment: Expert['tcp.analysis.lost_segment'].flagBit,
  AckLostSegment: Expert['tcp.analysis.ack_lost_segment'].flagBit,
  KeepAlive: Expert['tcp.analysis.keep_alive'].flagBit,
  DuplicateAck: Expert['tcp.analysis.duplicate_ack'].flagBit,
  ZeroWindow: Expert['tcp.analysis.zero_window'].flagBit,
  ZeroWindowProbe: Expert['tcp.analysis.zero_window_probe'].flagBit,
  ZeroWindowProbeAck: Expert['tcp.analysis.zero_window_probe_ack'].flagBit,
  KeepAliveAck: Expert['tcp.analysis.keep_alive_ack'].flagBit,
  OutOfOrder: Expert['tcp.analysis.out_of_order'].flagBit,
  FastRetransmission: Expert['tcp.analysis.fast_retransmission'].flagBit,
  WindowUpdate: Expert['tcp.analysis.window_update'].flagBit,
  WindowFull: Expert['tcp.analysis.window_full'].flagBit,
  ReusedPorts: Expert['tcp.analysis.reused_ports'].flagBit,
  SpuriousRetransmission: Expert['tcp.analysis.spurious_retransmission'].flagBit,
  /** TCP Fast Open (RFC 7413): a SYN carrying a cookie. */
  TfoSyn: Expert['tcp.analysis.tfo_syn'].flagBit,
  /** A SYN-ACK acknowledging more than the SYN, i.e. accepting the SYN's data. */
  TfoAck: Expert['tcp.analysis.tfo_ack'].flagBit,
  /** A SYN-ACK acknowledging only the SYN of a SYN that carried data. */
  TfoIgnored: Expert['tcp.analysis.tfo_ignored'].flagBit,
} as const;
export type TcpAnalysisFlag = (typeof TcpAnalysisFlag)[keyof typeof TcpAnalysisFlag];

/** Every expert id that is a flag bit, with its bit, in bit order. */
const FLAG_ROWS: readonly (readonly [ExpertId, number])[] = (Object.keys(Expert) as ExpertId[])
  .flatMap((id): (readonly [ExpertId, number])[] => {
    const bit = (Expert[id] as { readonly flagBit?: number }).flagBit;
    return bit === undefined ? [] : [[id, bit]];
  })
  .sort((a, b) => a[1] - b[1]);

/** Expert id of each flag bit, indexed by bit position (bit i is 1 << i). */
export const TCP_ANALYSIS_FLAG_IDS_BY_BIT: readonly ExpertId[] = FLAG_ROWS.map(([id], i) => {
  if (FLAG_ROWS[i]![1] !== 1 << i) throw new Error(`expert table: flag bits must be 1 << 0 … 1 << n (${id})`);
  return id;
});

/** Each flag bit with its tshark field suffix, e.g. `duplicate_ack` for `tcp.analysis.duplicate_ack`. */
export const TCP_ANALYSIS_FLAG_NAMES: readonly (readonly [number, string])[] =
  FLAG_ROWS.map(([id, bit]) => [bit, shortFlagName(id)] as const);

const RETRANSMISSION_FAMILY =
  TcpAnalysisFlag.Retransmission | TcpAnalysisFlag.FastRetransmission | TcpAnalysisFlag.SpuriousRetransmission;

/**
 * The tshark field suffixes present on a frame with these flag bits, sorted (the oracle's
 * `flags` list). Fast and spurious retransmissions also list `retransmission`.
 */
export function listTcpAnalysisFlags(bits: number): string[] {
  if (bits === 0) return [];
  const names: string[] = [];
  for (const [bit, name] of TCP_ANALYSIS_FLAG_NAMES) {
    if ((bits & bit) !== 0) names.push(name);
  }
  if ((bits & RETRANSMISSION_FAMILY) !== 0 && (bits & TcpAnalysisFlag.Retransmission) === 0) {
    names.push('retransmission');
  }
  return names.sort();
}

/** The expert ids (`tcp.analysis.<name>`) of these flag bits, in the order of `listTcpAnalysisFlags`. */
export function tcpAnalysisFlagIds(bits: number): ExpertId[] {
  return listTcpAnalysisFlags(bits).map((name) => normalizeFlagId(name) as ExpertId);
}
