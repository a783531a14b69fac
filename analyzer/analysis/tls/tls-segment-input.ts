/**
 * tls-segment-input.ts: maps a decoded TCP segment and its TCP analysis onto what the TLS analyzer needs.
 * Pure; must not import capture/, harness/ or cap.
 */
import { TcpView } from '../../decode/header-views.js';
import { TcpFlag } from '../../packet/packet.js';
import type { Packet } from '../../packet/packet.js';
import { seqAdd } from '../../packet/seq.js';
import { TcpAnalysisFlag } from '../tcp/analysis-flag.js';
import type { TcpFrameAnalysis } from '../tcp/tcp-analyzer.js';
import type { TlsSegmentInput } from './tls-analyzer.js';

// Spec §3.3: with tcp.no_subdissector_on_error these never reach a subdissector. tshark 4.0.17 marks a
// spurious retransmission as a retransmission too, but a fast retransmission only as fast: it is dissected
// like any segment (checked with tshark on crafted captures, test/fixtures/captures/tls-bench/).
const NOT_HANDED_TO_TLS = TcpAnalysisFlag.Retransmission | TcpAnalysisFlag.SpuriousRetransmission | TcpAnalysisFlag.OutOfOrder;
// A segment the snapshot cut skips reassembly, where a spurious retransmission is dropped: only the check
// before the subdissector remains, and there a spurious one counts as new data (checked with tshark on
// tls-bench/crafted_retransmission_rules cut at 60–200 bytes).
const CUT_NOT_HANDED_TO_TLS = TcpAnalysisFlag.Retransmission | TcpAnalysisFlag.OutOfOrder;

/**
 * The TLS analyzer's input for one analysed TCP packet, or undefined when the packet carries no TCP
 * payload TLS could see (no TCP, TCP quoted in an ICMP error, empty payload).
 * @example
 * const tcp = tcpAnalyzer.push(packet);
 * const input = tcp && toTlsSegmentInput(packet, tcp);
 * if (input) tlsAnalyzer.push(input);
 */
export function toTlsSegmentInput(packet: Packet, tcp: TcpFrameAnalysis): TlsSegmentInput | undefined {
  const header = packet.tcp;
  if (header === undefined || tcp.inError || tcp.inFragment) return undefined;
  // Pure ACKs (about half the segments) carry nothing: the decoder's view says so without a payload view.
  if (header instanceof TcpView ? header.payloadLength === 0 : header.payload.length === 0) return undefined;
  // RFC 9293 §3.4: a SYN consumes one sequence number before its data.
  const seq = (header.flags & TcpFlag.Syn) !== 0 ? seqAdd(header.seq, 1) : header.seq;
  const payload = header.payload;
  const skipped =
    payload.length < header.segmentLength
      ? (tcp.flags & CUT_NOT_HANDED_TO_TLS) !== 0 && (tcp.flags & TcpAnalysisFlag.SpuriousRetransmission) === 0
      : (tcp.flags & NOT_HANDED_TO_TLS) !== 0;
  return {
    frame: tcp.frame,
    stream: tcp.stream,
    direction: tcp.direction,
    srcPort: header.srcPort,
    dstPort: header.dstPort,
    serverPort: tcp.conversation.serverPort,
    seq,
    payload,
    segmentLength: header.segmentLength,
    retransmissionOrOutOfOrder: skipped,
    // desegment_tcp skips a retransmission outright but still stores an out-of-order segment's bytes.
    outOfOrder: (tcp.flags & NOT_HANDED_TO_TLS) === TcpAnalysisFlag.OutOfOrder,
  };
}
