/**
 * analysis-flag.ts: the per-frame TCP analysis flag bits and their names / expert ids.
 * Pure constants and helpers; imports only expert.ts types.
 */
import type { ExpertId } from '../expert.js';

/**
 * One bit per `tcp.analysis.*` flag. Fast and spurious retransmissions have their own bit and
 * do NOT set `Retransmission`; the name/id helpers below add it, as tshark's fields do (spec §7).
 */
export const TcpAnalysisFlag = {
  Retransmission: 0x0001,
  LostSegment: 0x0002,
  AckLostSegment: 0x0004,
  KeepAlive: 0x0008,
  DuplicateAck: 0x0010,
  ZeroWindow: 0x0020,
  ZeroWindowProbe: 0x0040,
  ZeroWindowProbeAck: 0x0080,
  KeepAliveAck: 0x0100,
  OutOfOrder: 0x0200,
  FastRetransmission: 0x0400,
  WindowUpdate: 0x0800,
  WindowFull: 0x1000,
  ReusedPorts: 0x2000,
  SpuriousRetransmission: 0x4000,
  /** TCP Fast Open (RFC 7413): a SYN carrying a cookie. */
  TfoSyn: 0x8000,
  /** A SYN-ACK acknowledging more than the SYN, i.e. accepting the SYN's data. */
  TfoAck: 0x10000,
  /** A SYN-ACK acknowledging only the SYN of a SYN that carried data. */
  TfoIgnored: 0x20000,
} as const;
export type TcpAnalysisFlag = (typeof TcpAnalysisFlag)[keyof typeof TcpAnalysisFlag];

/** Each flag bit with its tshark field suffix, e.g. `duplicate_ack` for `tcp.analysis.duplicate_ack`. */
export const TCP_ANALYSIS_FLAG_NAMES: readonly (readonly [TcpAnalysisFlag, string])[] = [
  [TcpAnalysisFlag.Retransmission, 'retransmission'],
  [TcpAnalysisFlag.LostSegment, 'lost_segment'],
  [TcpAnalysisFlag.AckLostSegment, 'ack_lost_segment'],
  [TcpAnalysisFlag.KeepAlive, 'keep_alive'],
  [TcpAnalysisFlag.DuplicateAck, 'duplicate_ack'],
  [TcpAnalysisFlag.ZeroWindow, 'zero_window'],
  [TcpAnalysisFlag.ZeroWindowProbe, 'zero_window_probe'],
  [TcpAnalysisFlag.ZeroWindowProbeAck, 'zero_window_probe_ack'],
  [TcpAnalysisFlag.KeepAliveAck, 'keep_alive_ack'],
  [TcpAnalysisFlag.OutOfOrder, 'out_of_order'],
  [TcpAnalysisFlag.FastRetransmission, 'fast_retransmission'],
  [TcpAnalysisFlag.WindowUpdate, 'window_update'],
  [TcpAnalysisFlag.WindowFull, 'window_full'],
  [TcpAnalysisFlag.ReusedPorts, 'reused_ports'],
  [TcpAnalysisFlag.SpuriousRetransmission, 'spurious_retransmission'],
  [TcpAnalysisFlag.TfoSyn, 'tfo_syn'],
  [TcpAnalysisFlag.TfoAck, 'tfo_ack'],
  [TcpAnalysisFlag.TfoIgnored, 'tfo_ignored'],
];

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
  return listTcpAnalysisFlags(bits).map((name) => `tcp.analysis.${name}` as ExpertId);
}
