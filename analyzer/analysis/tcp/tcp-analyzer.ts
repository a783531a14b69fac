/**
 * tcp-analyzer.ts: Wireshark 4.0.17 TCP sequence analysis as a pure fold over decoded packets.
 * No I/O, no clock: time comes only from frame.timestampNs. Must not import capture/, harness/ or cap.
 */
import { ConfigError } from '../../errors.js';
import { formatIp, isMalformedIssue, isSegment as importedIsSegment, TcpFlag } from '../../packet/packet.js';
import type { IpHeader, Packet, TcpHeader } from '../../packet/packet.js';
import { seqGt as importedSeqGt, seqLe as importedSeqLe, seqLt as importedSeqLt } from '../../packet/seq.js';
import { Expert, type ExpertId } from '../expert.js';
import { listTcpAnalysisFlags, TCP_ANALYSIS_FLAG_IDS_BY_BIT, TcpAnalysisFlag as F } from './analysis-flag.js';
import { Conversation, MAX_UNACKED_SEGMENTS as IMPORTED_MAX_UNACKED, WindowScale } from './conversation.js';
import type { Flow, TcpConversation, TcpEndpoint } from './conversation.js';
import { Ipv4View, Ipv6View, TcpView } from '../../decode/header-views.js';

/** Thresholds of the analysis; the defaults are Wireshark 4.0's (spec §5, §6 A11, §15). */
export interface TcpAnalyzerOptions {
  /** A resend within this time of the peer's last segment can be a Fast Retransmission. Default 20 ms. */
  readonly fastRetransmitWindowNs?: number;
  /** Out-Of-Order window when no iRTT was measured. Default 3 ms. */
  readonly defaultOutOfOrderWindowNs?: number;
  /** Test Fast Retransmission before Out-Of-Order (tcp.fastrt_supersedes_ooo). Default true. */
  readonly fastRetransmitSupersedesOutOfOrder?: boolean;
}

/** Default thresholds (Wireshark 4.0 preferences). */
export const DEFAULT_TCP_ANALYZER_OPTIONS = {
  fastRetransmitWindowNs: 20_000_000,
  defaultOutOfOrderWindowNs: 3_000_000,
  fastRetransmitSupersedesOutOfOrder: true,
} as const satisfies Required<TcpAnalyzerOptions>;

/** How a FIN takes part in the close (tcp.connection.fin_active / fin_passive). */
export type FinRole = 'active' | 'passive';

/** The analysis of one TCP frame (the per-frame fields tshark shows, spec §3, §6, §9). */
export interface TcpFrameAnalysis {
  /** 1-based frame number. */
  readonly frame: number;
  /** tcp.stream. */
  readonly stream: number;
  /** The conversation; its fields reach final values after finish(). */
  readonly conversation: TcpConversation;
  /** 0 = sent by the conversation's first-seen sender, 1 = the other side. */
  readonly direction: 0 | 1;
  /** The TCP header sits inside an ICMP error: only stream/direction are meaningful, no analysis ran. */
  readonly inError: boolean;
  /**
   * The TCP header heads an IP fragment that could not be reassembled (the snapshot cut it): the
   * segment's length is unknown, so, as in tshark, it is numbered but not analysed.
   */
  readonly inFragment: boolean;
  /**
   * The TCP header is longer than the IP payload (tshark's "Short segment"): numbered, with raw
   * seq/ack and the window shown, but no length and no analysis.
   */
  readonly shortSegment: boolean;
  /**
   * The TCP data offset is below 5 words: tshark analyses the segment (its length is the IP payload
   * less that offset) but stops right after, so the frame shows only stream, seq and length, and
   * adds nothing to completeness, FIN role, iRTT or window scaling.
   */
  readonly bogusHeaderLength: boolean;
  /** TCP header flag bits (TcpFlag). */
  readonly tcpFlags: number;
  readonly srcPort: number;
  readonly dstPort: number;
  /** tcp.seq (relative). */
  readonly relSeq: number;
  /** tcp.ack: relative when the ACK flag is set, else the raw field (as tshark shows it). */
  readonly relAck: number;
  /** tcp.nxtseq (relative): relSeq + len, +1 for SYN or FIN. */
  readonly nextSeq: number;
  /** tcp.len: payload length announced by the IP header. */
  readonly len: number;
  /** tcp.window_size: raw window scaled when the scale is known and the frame is not a SYN. */
  readonly windowScaled: number;
  /** tcp.window_size_scalefactor: −1 unknown, −2 no scaling, else 2^shift; undefined on SYN frames. */
  readonly scaleFactor: number | undefined;
  /** TcpAnalysisFlag bits. */
  readonly flags: number;
  /** tcp.analysis.duplicate_ack_num / _frame, on duplicate ACKs. */
  readonly dupAckNum: number | undefined;
  readonly dupAckFrame: number | undefined;
  /** tcp.analysis.acks_frame / ack_rtt: the oldest unacked segment this ACK completes. */
  readonly acksFrame: number | undefined;
  readonly ackRttNs: number | undefined;
  /** tcp.analysis.initial_rtt of the conversation, when known. */
  readonly initialRttNs: number | undefined;
  /** tcp.analysis.bytes_in_flight. */
  readonly bytesInFlight: number | undefined;
  /** tcp.analysis.rto / rto_frame, on plain retransmissions. */
  readonly rtoNs: number | undefined;
  readonly rtoFrame: number | undefined;
  readonly finRole: FinRole | undefined;
  /** tcp.completeness as a one-pass run (`tshark -r`) shows it: the value before this frame. */
  readonly completenessShown: number;
  /** The tshark field suffixes of the flags, sorted (fast/spurious also list `retransmission`). */
  flagNames(): string[];
  /** tcp.completeness as a two-pass run (`tshark -2`) shows it (spec §9); final after finish(). */
  completenessTwoPass(): number;
}

/** Result of a whole analysis. */
export interface TcpSummary {
  /** Every conversation, in stream order. */
  readonly conversations: readonly TcpConversation[];
  /** Number of frames carrying each expert item (a fast retransmission counts for both its ids). */
  readonly expertCounts: Readonly<Record<ExpertId, number>>;
}

/** A stateful analyzer: push packets in file order, then finish(). */
export interface TcpAnalyzer {
  /** Analyses one packet; undefined for packets that are not TCP (or not analysable TCP). */
  push(p: Packet): TcpFrameAnalysis | undefined;
  /** Ends the analysis and returns every conversation and the expert counts. */
  finish(): TcpSummary;
}

class FrameResult implements TcpFrameAnalysis {
  frame = 0;
  stream = 0;
  conversation: Conversation;
  direction: 0 | 1 = 0;
  inError = false;
  inFragment = false;
  shortSegment = false;
  bogusHeaderLength = false;
  tcpFlags = 0;
  srcPort = 0;
  dstPort = 0;
  relSeq = 0;
  relAck = 0;
  nextSeq = 0;
  len = 0;
  windowScaled = 0;
  scaleFactor: number | undefined = undefined;
  flags = 0;
  dupAckNum: number | undefined = undefined;
  dupAckFrame: number | undefined = undefined;
  acksFrame: number | undefined = undefined;
  ackRttNs: number | undefined = undefined;
  initialRttNs: number | undefined = undefined;
  bytesInFlight: number | undefined = undefined;
  rtoNs: number | undefined = undefined;
  rtoFrame: number | undefined = undefined;
  finRole: FinRole | undefined = undefined;
  completenessShown = 0;

  constructor(conversation: Conversation) {
    this.conversation = conversation;
  }

  flagNames(): string[] {
    return listTcpAnalysisFlags(this.flags);
  }

  completenessTwoPass(): number {
    const c = this.conversation;
    return this.frame === c.newFrame ? c.completeness : c.completeness | c.newFrameExtraBits;
  }
}

// Bound once: under tsx (esbuild) every use of an imported binding goes through a getter, which
// costs measurably on the per-packet path. Same functions, local names.
const seqGt = importedSeqGt;
const seqLe = importedSeqLe;
const seqLt = importedSeqLt;
const isSegment = importedIsSegment;
const MAX_UNACKED_SEGMENTS = IMPORTED_MAX_UNACKED;
const SCALE_UNKNOWN = WindowScale.Unknown;
const SCALE_NONE = WindowScale.None;

const EMPTY = Buffer.alloc(0);
const SYN = TcpFlag.Syn;
const ACK = TcpFlag.Ack;
const FIN = TcpFlag.Fin;
const RST = TcpFlag.Rst;
const SFR = SYN | FIN | RST;
const DUPACK_SENTINEL = 0xffffffff;
const MAX_WINDOW_SHIFT = 14;

/** Completeness bits (spec §9). */
const Complete = { Syn: 1, SynAck: 2, Ack: 4, Data: 8, Fin: 16, Rst: 32 } as const;

/** Bits a frame adds to a conversation that already existed (spec §9 "any later frame"). */
function laterFrameBits(fl: number, seglen: number): number {
  let bits = 0;
  if ((fl & (SYN | ACK)) === (SYN | ACK)) bits |= Complete.SynAck;
  if ((fl & (SYN | ACK)) === ACK) bits |= seglen > 0 ? Complete.Data : Complete.Ack;
  if ((fl & (FIN | ACK)) === (FIN | ACK)) bits |= Complete.Fin;
  if ((fl & RST) !== 0) bits |= Complete.Rst;
  return bits;
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Hash of one endpoint: the `len` address bytes at `buf[off]` and the port. */
function endpointHash(buf: Buffer, off: number, len: number, port: number): number {
  let h = Math.imul(port + 1, 0x9e3779b1);
  for (let i = off; i + 3 < off + len; i += 4) {
    h = mix(h ^ ((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!));
  }
  return mix(h);
}

/** True when the `len` bytes at `buf[off]` equal `addr` (a conversation's private copy). */
function sameAddress(buf: Buffer, off: number, len: number, addr: Buffer): boolean {
  if (len !== addr.length) return false;
  for (let i = 0; i < len; i++) if (buf[off + i] !== addr[i]) return false;
  return true;
}

function endpointsOf(src: Buffer, sport: number, dst: Buffer, dport: number): [TcpEndpoint, TcpEndpoint] {
  return [
    { address: formatIp(src), port: sport },
    { address: formatIp(dst), port: dport },
  ];
}

/** Every expert id, each counted from 0. */
const ALL_EXPERT_IDS = Object.keys(Expert) as ExpertId[];

/** Expert id of each flag bit, indexed by bit position (fast/spurious also count as retransmission). */
const FLAG_BIT_IDS: readonly ExpertId[] = TCP_ANALYSIS_FLAG_IDS_BY_BIT;

function checkThreshold(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigError(`tcp analyzer option ${name}: expected a finite number of ns ≥ 0 (got ${value})`);
  }
}

class Analyzer implements TcpAnalyzer {
  private readonly fastRetransmitWindowNs: number;
  private readonly defaultOooWindowNs: number;
  private readonly fastFirst: boolean;
  /** Current conversation per address/port pair, bucketed by a symmetric hash of the pair. */
  private readonly byKey = new Map<number, Conversation[]>();
  private readonly conversations: Conversation[] = [];
  private readonly counts: Record<ExpertId, number>;
  /** Timestamp of the first pushed frame; times are kept relative to it. */
  private originNs: bigint | undefined = undefined;
  // Outputs of lookup(), kept in fields to avoid a result object per packet.
  private lookupDir: 0 | 1 = 0;
  private lookupIsNew = false;
  // Where the current packet's addresses are (set by locateAddresses): the bytes are compared and
  // hashed in place, because building `ip.src`/`ip.dst` views cost a Buffer allocation each per packet.
  private srcBuf: Buffer = EMPTY;
  private srcOff = 0;
  private dstBuf: Buffer = EMPTY;
  private dstOff = 0;
  private addrLen = 0;

  constructor(options: TcpAnalyzerOptions) {
    checkThreshold('fastRetransmitWindowNs', options.fastRetransmitWindowNs);
    checkThreshold('defaultOutOfOrderWindowNs', options.defaultOutOfOrderWindowNs);
    this.fastRetransmitWindowNs =
      options.fastRetransmitWindowNs ?? DEFAULT_TCP_ANALYZER_OPTIONS.fastRetransmitWindowNs;
    this.defaultOooWindowNs =
      options.defaultOutOfOrderWindowNs ?? DEFAULT_TCP_ANALYZER_OPTIONS.defaultOutOfOrderWindowNs;
    this.fastFirst =
      options.fastRetransmitSupersedesOutOfOrder ?? DEFAULT_TCP_ANALYZER_OPTIONS.fastRetransmitSupersedesOutOfOrder;
    const counts = {} as Record<ExpertId, number>;
    for (const id of ALL_EXPERT_IDS) counts[id] = 0;
    this.counts = counts;
  }

  push(p: Packet): TcpFrameAnalysis | undefined {
    if (this.originNs === undefined) this.originNs = p.frame.timestampNs;
    if (p.issues.length > 0 && p.issues.some((issue) => isMalformedIssue(issue, p.frame))) this.counts['_ws.malformed']++;
    if (!isSegment(p)) {
      const quoted = p.icmp?.quoted;
      if (quoted?.tcp === undefined) return undefined;
      const q = this.pushUnanalysed(p, quoted.ip, quoted.tcp, 'inError');
      this.releaseAddresses();
      return q;
    }
    // An IP fragment that was not reassembled carries no analysable segment (spec §1); only a cut
    // first fragment has a TCP header at all.
    if (p.ipFragment === true) {
      const f = this.pushUnanalysed(p, p.ip, p.tcp, 'inFragment');
      this.releaseAddresses();
      return f;
    }
    const tcp = p.tcp;
    const seglen = tcp.segmentLength;
    // An IP payload shorter than the TCP header gives tshark no segment length to analyse.
    if (seglen < 0) {
      const s = this.pushUnanalysed(p, p.ip, tcp, 'shortSegment');
      this.releaseAddresses();
      return s;
    }
    const r = this.analyze(p, p.ip, tcp, seglen);
    this.releaseAddresses();
    return r;
  }

  finish(): TcpSummary {
    return { conversations: this.conversations, expertCounts: { ...this.counts } };
  }

  /**
   * Points srcBuf/srcOff and dstBuf/dstOff at the packet's addresses: in place in the decoded frame
   * for the decoder's own header views, else the `src`/`dst` buffers of a hand-built header.
   */
  private locateAddresses(ip: IpHeader): void {
    if (ip instanceof Ipv4View) {
      this.srcBuf = this.dstBuf = ip.buf;
      this.srcOff = ip.start + 12;
      this.dstOff = ip.start + 16;
      this.addrLen = 4;
    } else if (ip instanceof Ipv6View) {
      this.srcBuf = this.dstBuf = ip.buf;
      this.srcOff = ip.start + 8;
      this.dstOff = ip.start + 24;
      this.addrLen = 16;
    } else {
      this.srcBuf = ip.src;
      this.dstBuf = ip.dst;
      this.srcOff = this.dstOff = 0;
      this.addrLen = ip.src.length;
    }
  }

  /** Drops the located buffers: the analyzer must not keep a frame's bytes (or its read chunk) alive. */
  private releaseAddresses(): void {
    this.srcBuf = this.dstBuf = EMPTY;
  }

  /**
   * Symmetric hash of the located address/port pair: both directions land in the same bucket.
   * Kept to 30 bits so the Map key is a small integer (Smi) in V8: a full 32-bit key would be a
   * heap-allocated number for half the pairs, and slower to hash.
   */
  private pairKey(sport: number, dport: number): number {
    const len = this.addrLen;
    return (endpointHash(this.srcBuf, this.srcOff, len, sport) + endpointHash(this.dstBuf, this.dstOff, len, dport)) & 0x3fffffff;
  }

  /** 0 when the located packet goes the conversation's direction 0, 1 when reversed, −1 when not this pair. */
  private directionOf(c: Conversation, sport: number, dport: number): number {
    const len = this.addrLen;
    if (sport === c.port0 && dport === c.port1 && sameAddress(this.srcBuf, this.srcOff, len, c.addr0) && sameAddress(this.dstBuf, this.dstOff, len, c.addr1)) return 0;
    if (sport === c.port1 && dport === c.port0 && sameAddress(this.srcBuf, this.srcOff, len, c.addr1) && sameAddress(this.dstBuf, this.dstOff, len, c.addr0)) return 1;
    return -1;
  }

  /**
   * Finds (or creates) the current conversation of the pair whose addresses locateAddresses()
   * found; sets lookupDir / lookupIsNew.
   */
  private lookup(sport: number, dport: number, frame: number, tsNs: bigint): Conversation {
    const key = this.pairKey(sport, dport);
    let bucket = this.byKey.get(key);
    if (bucket !== undefined) {
      for (let i = 0; i < bucket.length; i++) {
        const c = bucket[i]!;
        const d = this.directionOf(c, sport, dport);
        if (d >= 0) {
          this.lookupDir = d as 0 | 1;
          this.lookupIsNew = false;
          return c;
        }
      }
    } else {
      bucket = [];
      this.byKey.set(key, bucket);
    }
    const c = this.createConversation(sport, dport, frame, tsNs);
    bucket.push(c);
    this.lookupDir = 0;
    this.lookupIsNew = true;
    return c;
  }

  /** A new conversation of the located pair; Conversation copies the addresses (views suffice here). */
  private createConversation(sport: number, dport: number, frame: number, tsNs: bigint): Conversation {
    const len = this.addrLen;
    const src = this.srcBuf.subarray(this.srcOff, this.srcOff + len);
    const dst = this.dstBuf.subarray(this.dstOff, this.dstOff + len);
    const c = new Conversation(
      this.conversations.length,
      src,
      sport,
      dst,
      dport,
      endpointsOf(src, sport, dst, dport),
      frame,
      tsNs,
    );
    this.conversations.push(c);
    return c;
  }

  /** Port reuse (spec §2): the new conversation replaces the old one as the pair's current one. */
  private replaceConversation(old: Conversation, sport: number, dport: number, frame: number, tsNs: bigint): Conversation {
    const bucket = this.byKey.get(this.pairKey(sport, dport))!;
    const c = this.createConversation(sport, dport, frame, tsNs);
    bucket[bucket.indexOf(old)] = c;
    return c;
  }

  /**
   * Numbers a TCP header that cannot be analysed (quoted in an ICMP error, heading a lone IP fragment,
   * or longer than its IP payload); it changes no state (spec §1).
   */
  private pushUnanalysed(
    p: Packet, ip: IpHeader, tcp: TcpHeader, why: 'inError' | 'inFragment' | 'shortSegment',
  ): TcpFrameAnalysis {
    this.locateAddresses(ip);
    const conv = this.lookup(tcp.srcPort, tcp.dstPort, p.frame.index, p.frame.timestampNs);
    const r = new FrameResult(conv);
    const dir = this.lookupDir;
    const fwd = conv.flows[dir];
    const rev = conv.flows[dir === 0 ? 1 : 0];
    r.frame = p.frame.index;
    r.stream = conv.stream;
    r.direction = dir;
    r[why] = true;
    r.tcpFlags = tcp.flags;
    r.srcPort = tcp.srcPort;
    r.dstPort = tcp.dstPort;
    r.completenessShown = conv.completeness;
    if (why === 'shortSegment') {
      // tshark makes the numbers relative only for a segment it analyses; the window it still scales.
      r.relSeq = tcp.seq;
      r.relAck = tcp.ack;
      showWindow(r, fwd, tcp.flags, tcp.windowRaw);
      return r;
    }
    r.relSeq = fwd.baseSet ? (tcp.seq - fwd.baseSeq) >>> 0 : tcp.seq;
    r.relAck = (tcp.flags & ACK) !== 0 && rev.baseSet ? (tcp.ack - rev.baseSeq) >>> 0 : tcp.ack;
    r.windowScaled = tcp.windowRaw;
    return r;
  }

  private analyze(p: Packet, ip: IpHeader, tcp: TcpHeader, seglen: number): TcpFrameAnalysis {
    const frame = p.frame.index;
    const tsNs = p.frame.timestampNs;
    const now = Number(tsNs - this.originNs!);
    const seq = tcp.seq;
    const ack = tcp.ack;
    const fl = tcp.flags;
    const win = tcp.windowRaw;
    const synOrFin = (fl & (SYN | FIN)) !== 0 ? 1 : 0;
    const noSfr = (fl & SFR) === 0;

    this.locateAddresses(ip);
    let conv = this.lookup(tcp.srcPort, tcp.dstPort, frame, tsNs);
    let isNew = this.lookupIsNew;
    let dir = this.lookupDir;
    let fwd = conv.flows[dir];
    let rev = conv.flows[dir === 0 ? 1 : 0];
    let flags = 0;

    // ---- Port reuse / SYN retransmission (spec §2), decided before the analysis.
    if ((fl & (SYN | ACK)) === SYN && fwd.baseSet) {
      if (seq !== fwd.baseSeq) {
        // A pure SYN with a new ISN on a known pair: a new connection, hence a new stream.
        conv = this.replaceConversation(conv, tcp.srcPort, tcp.dstPort, frame, tsNs);
        isNew = false;
        dir = 0;
        fwd = conv.flows[0];
        rev = conv.flows[1];
        flags |= F.ReusedPorts;
        conv.completeness = Complete.Syn;
      } else {
        // SYN retransmission: undo whatever pushed nextSeq past the SYN (4.0.17, synth/s09).
        fwd.nextSeq = fwd.maxSeqToBeAcked;
      }
    }
    if ((fl & (SYN | ACK)) === (SYN | ACK) && fwd.baseSet && seq !== fwd.baseSeq) {
      fwd.baseSeq = seq;
      flags |= F.ReusedPorts;
    }
    const r = new FrameResult(conv);
    r.completenessShown = conv.completeness;

    // ---- Relative sequence bases (spec §3).
    if (!fwd.baseSet) {
      fwd.baseSeq = (fl & SYN) !== 0 ? seq : (seq - 1) >>> 0;
      fwd.baseSet = true;
    }
    if (!rev.baseSet && (fl & ACK) !== 0) {
      rev.baseSeq = (ack - 1) >>> 0;
      rev.baseSet = true;
    }
    if ((fl & ACK) !== 0) rev.validBif = true;

    // ---- Forward checks A1–A8b (spec §6). `skipToReset` = Wireshark's "goto finished_fwd".
    let skipToReset = false;

    // A1 Zero Window Probe: one byte of new data sent into a window the peer closed
    // (RFC 9293 §3.8.6.1). Skips the other forward checks.
    if (seglen === 1 && seq === fwd.nextSeq && rev.window === 0) {
      flags |= F.ZeroWindowProbe;
      skipToReset = true;
    }
    if (!skipToReset) {
      // A2 Zero Window: the sender advertises a zero receive window (RFC 9293 §3.8.6).
      if (win === 0 && noSfr) flags |= F.ZeroWindow;

      // A3 Previous segment not captured: the segment starts beyond the highest sequence seen,
      // so bytes before it were never captured (spec §6 A3).
      if (fwd.nextSeq !== 0 && seqGt(seq, fwd.nextSeq) && (fl & RST) === 0) {
        flags |= F.LostSegment;
        fwd.validBif = false;
      }

      // A4 Keep-Alive: 0 or 1 byte at nextSeq − 1, a segment the peer must answer with an ACK
      // (RFC 9293 §3.8.4).
      if ((seglen === 0 || seglen === 1) && seq === ((fwd.nextSeq - 1) >>> 0) && noSfr) {
        flags |= F.KeepAlive;
      }

      // A5 Window Update: a pure ACK that only changes the advertised window (RFC 9293 §3.10.7.4).
      if (seglen === 0 && win !== 0 && win !== fwd.window && seq === fwd.nextSeq && ack === fwd.lastAck && noSfr) {
        flags |= F.WindowUpdate;
      }

      // A6 Window Full: the segment fills the peer's advertised window exactly (spec §6 A6);
      // the peer's SYN window is unscaled (RFC 7323 §2.2), an unknown scale disables the check.
      if (seglen > 0 && rev.winScale !== SCALE_UNKNOWN && noSfr) {
        const shift = rev.isFirstAck || rev.winScale === SCALE_NONE ? 0 : rev.winScale;
        const edge = (rev.lastAck + (rev.window << shift)) >>> 0;
        if (((seq + seglen) >>> 0) === edge) flags |= F.WindowFull;
      }

      // A7 Keep-Alive ACK: the unchanged pure ACK answering the peer's keep-alive (RFC 9293 §3.8.4).
      if (
        seglen === 0 &&
        win !== 0 &&
        win === fwd.window &&
        seq === fwd.nextSeq &&
        ack === fwd.lastAck &&
        (rev.lastSegmentFlags & F.KeepAlive) !== 0 &&
        noSfr
      ) {
        flags |= F.KeepAliveAck;
        skipToReset = true;
      }
    }
    if (!skipToReset) {
      // A8a Zero Window Probe ACK: the zero-window ACK answering the peer's probe, with the ack
      // unchanged (4.0 requires exact equality; spec §6 A8a, quirk Q3).
      if (
        seglen === 0 &&
        win === 0 &&
        fwd.window === 0 &&
        seq === fwd.nextSeq &&
        ack === fwd.lastAck &&
        (rev.lastSegmentFlags & F.ZeroWindowProbe) !== 0 &&
        noSfr
      ) {
        flags |= F.ZeroWindowProbeAck;
        skipToReset = true;
      }
    }
    if (!skipToReset) {
      // A8b Duplicate ACK: a pure ACK repeating the previous ack and window, signalling a hole to
      // the sender (RFC 5681 §2 "duplicate acknowledgment"; 4.0 does not need the ACK bit, Q9).
      if (seglen === 0 && win !== 0 && win === fwd.window && seq === fwd.nextSeq && ack === fwd.lastAck && noSfr) {
        fwd.dupAckNum = fwd.dupAckNum === DUPACK_SENTINEL ? 1 : (fwd.dupAckNum + 1) >>> 0;
        flags |= F.DuplicateAck;
        r.dupAckNum = fwd.dupAckNum;
        r.dupAckFrame = fwd.lastNonDupAck;
      }
    }

    // A9 Dup-ACK reset: a new ack value restarts the count (a window change alone does not).
    if (ack !== fwd.lastAck) {
      fwd.lastNonDupAck = frame;
      fwd.dupAckNum = 0;
    }

    // A10 ACKed unseen segment: the ACK covers sequence space the peer was never seen sending
    // (spec §6 A10): once per hole, else once until the data sender's own ack changes (Q5).
    if (rev.maxSeqToBeAcked !== 0 && seqGt(ack, rev.maxSeqToBeAcked) && (fl & ACK) !== 0) {
      if (seqLt(rev.maxSeqToBeAcked, rev.nextSeq)) {
        rev.maxSeqToBeAcked = rev.nextSeq;
        flags |= F.AckLostSegment;
      } else {
        if (rev.dupAckNum === 0) flags |= F.AckLostSegment;
        rev.dupAckNum = DUPACK_SENTINEL;
      }
    }

    // A11 Retransmission family (spec §6 A11): a segment occupying sequence space that does not
    // advance nextSeq is, in this order, spurious, fast (or out-of-order), else a plain
    // retransmission (RFC 9293 §3.8.1; RFC 5681 §3.2 fast retransmit).
    if (seglen > 0 || synOrFin !== 0) {
      let notAdvanced = fwd.nextSeq !== 0 && seqLt(seq, fwd.nextSeq);
      if ((flags & F.KeepAlive) === 0) {
        let done = false;
        // A segment of 2+ bytes starting one byte early (after a 1-byte probe) is new data (s16).
        if (seglen > 1 && ((fwd.nextSeq - 1) >>> 0) === seq) notAdvanced = false;
        // Spurious Retransmission: every byte was already acknowledged by the peer's latest ack (Q4).
        if (seglen > 0 && rev.lastAck !== 0 && seqLe((seq + seglen) >>> 0, rev.lastAck)) {
          flags |= F.SpuriousRetransmission;
          done = true;
        }
        if (!done && this.fastFirst && this.isFastRetransmission(notAdvanced, seq, now, rev)) {
          flags |= F.FastRetransmission;
          done = true;
        }
        if (!done && this.isOutOfOrder(notAdvanced, seq, seglen + synOrFin, now, fwd, conv)) {
          flags |= F.OutOfOrder;
          done = true;
        }
        if (!done && !this.fastFirst && this.isFastRetransmission(notAdvanced, seq, now, rev)) {
          flags |= F.FastRetransmission;
          done = true;
        }
        // Retransmission: anything else below nextSeq (RFC 9293 §3.8.1).
        if (!done && notAdvanced) {
          flags |= F.Retransmission;
          const u = fwd.unacked;
          const listed = u.count > 0;
          const rtoNs = now - (listed ? u.timeNs[u.oldest]! : fwd.nextSeqTimeNs);
          // tshark treats a zero RTO as "not set" and shows neither field.
          if (rtoNs !== 0) {
            r.rtoNs = rtoNs;
            r.rtoFrame = listed ? u.frame[u.oldest]! : fwd.nextSeqFrame;
          }
        }
      }
    }

    // ---- B1 Bookkeeping (spec §6 B1).
    // SYN/FIN count in the end only when the segment is listed (Wireshark's cap quirk, spec §6 B1.1).
    const listed = (seglen > 0 || synOrFin !== 0) && fwd.unacked.count < MAX_UNACKED_SEGMENTS;
    const end = (seq + seglen + (listed ? synOrFin : 0)) >>> 0;
    if (listed) fwd.unacked.push(frame, seq, end, now);
    const isZwp = (flags & F.ZeroWindowProbe) !== 0;
    if ((seqGt(end, fwd.nextSeq) || fwd.nextSeq === 0) && !isZwp) {
      fwd.nextSeq = end;
      fwd.nextSeqFrame = frame;
      fwd.nextSeqTimeNs = now;
    }
    if ((seq === fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked === 0) && !isZwp) {
      fwd.maxSeqToBeAcked = fwd.nextSeq;
    }
    fwd.window = win;
    fwd.lastAck = ack;
    fwd.lastAckTimeNs = now;
    fwd.lastSegmentFlags = flags;
    // Remove what this ACK acknowledges from the peer's unacked list (spec §6 B1.5).
    const ual = rev.unacked;
    ual.ack(ack);
    if (ual.acked) {
      r.acksFrame = ual.ackedFrame;
      r.ackRttNs = now - ual.ackedTimeNs;
    }
    if (seglen !== 0 && fwd.unacked.count > 0 && fwd.validBif) {
      r.bytesInFlight = bytesInFlight(fwd, rev, synOrFin);
    }
    fwd.sackBlocks = tcp.options.sackBlocks;

    // ---- Per-frame fields.
    r.frame = frame;
    r.stream = conv.stream;
    r.direction = dir;
    r.tcpFlags = fl;
    r.srcPort = tcp.srcPort;
    r.dstPort = tcp.dstPort;
    r.len = seglen;
    r.relSeq = (seq - fwd.baseSeq) >>> 0;
    r.relAck = (fl & ACK) !== 0 ? (ack - rev.baseSeq) >>> 0 : ack;
    r.nextSeq = (r.relSeq + seglen + synOrFin) >>> 0;

    // A data offset below 5 words: tshark gives up right after the analysis above, before the ack,
    // flags, options and analysis tree, so the rest (FIN role, window, completeness, iRTT, scaling,
    // Fast Open) neither happens nor shows.
    if (tcp.headerLength < 20) {
      r.bogusHeaderLength = true;
      r.windowScaled = win;
      hideSequenceAnalysis(r);
      this.account(conv, r, dir, seq, ack, seglen, now, tsNs);
      return r;
    }

    // ---- FIN role (spec §10): the first side to send a FIN initiates the close.
    if ((fl & FIN) !== 0) {
      if (!rev.closingInitiator) {
        fwd.closingInitiator = true;
        r.finRole = 'active';
      } else {
        r.finRole = 'passive';
      }
    }

    // ---- Displayed window (spec §3): scaled with the shift known *before* this frame's options.
    showWindow(r, fwd, fl, win);
    const ws = tcp.options.windowScale;
    if (ws !== undefined) fwd.winScale = ws > MAX_WINDOW_SHIFT ? MAX_WINDOW_SHIFT : ws;

    // ---- Completeness (spec §9).
    const later = laterFrameBits(fl, seglen);
    if (isNew) {
      if ((fl & (SYN | ACK)) === SYN) {
        conv.completeness |= Complete.Syn;
        if (seglen > 0) conv.completeness |= Complete.Data;
      }
      conv.newFrame = frame;
      conv.newFrameExtraBits = later;
    } else {
      conv.completeness |= later;
    }

    // ---- Handshake bookkeeping after the analysis: iRTT (spec §5) and window-scale verification (§3).
    if ((fl & SYN) !== 0) {
      if ((fl & ACK) === 0) {
        conv.mruSynTimeNs = now;
        conv.hasMruSyn = true;
      }
      fwd.isFirstAck = true;
    }
    if ((fl & (SYN | ACK)) === ACK) {
      if (conv.hasMruSyn && conv.firstRttNs === 0) conv.firstRttNs = now - conv.mruSynTimeNs;
      fwd.isFirstAck = false;
    }
    // tshark settles the scales after the options; a header the snapshot cut throws before (window scale unknown).
    const headerCut = (tcp instanceof TcpView ? tcp.capturedHeaderLength : tcp.bytes.length) < tcp.headerLength;
    if ((fl & SYN) !== 0 && !headerCut) {
      if (fwd.winScale === SCALE_UNKNOWN) {
        fwd.winScale = SCALE_NONE;
        rev.winScale = SCALE_NONE;
      } else if ((fl & ACK) !== 0 && rev.winScale === SCALE_NONE) {
        fwd.winScale = SCALE_NONE;
      }
    }

    // TCP Fast Open (RFC 7413 §4.2): a SYN with a cookie; a SYN-ACK whose ack covers more than
    // the SYN accepted the SYN's data, one acking only the SYN after a SYN with data ignored it.
    if ((fl & (SYN | ACK)) === SYN) {
      if (seglen > 0) conv.synCarriedData = true;
      const cookie = tcp.options.fastOpenCookie;
      if (cookie !== undefined && cookie.length > 0) flags |= F.TfoSyn;
    } else if ((fl & (SYN | ACK)) === (SYN | ACK)) {
      if (r.relAck > 1) flags |= F.TfoAck;
      else if (conv.synCarriedData) flags |= F.TfoIgnored;
    }
    // A header the snapshot cut throws in tshark after the analysis above (made from the header's lengths)
    // but before the analysis is shown: the frame has, and counts, no flag but the SYN-ACK's Fast Open
    // verdicts, which tshark adds before the options (checked on synth/s08 cut at 54 bytes).
    if (headerCut) {
      flags &= F.TfoAck | F.TfoIgnored;
      r.dupAckNum = undefined;
      r.dupAckFrame = undefined;
    }
    r.flags = flags;
    if (conv.firstRttNs !== 0) r.initialRttNs = conv.firstRttNs;
    // Options cut short by the snapshot: Wireshark's exception while dissecting them comes before
    // the SEQ/ACK analysis tree, so none of it is shown or counted; the state above still moved on.
    if (p.issues.length > 0 && tcp.bytes.length < tcp.headerLength) hideSequenceAnalysis(r);

    this.account(conv, r, dir, seq, ack, seglen, now, tsNs);
    return r;
  }

  /**
   * Fast Retransmission: a resend of exactly the peer's repeated ack, after ≥ 2 dup ACKs
   * (unsigned: the ACKed-unseen sentinel passes too, Q5), within 20 ms of the peer's last
   * segment of any kind (RFC 5681 §3.2; spec §6 A11.5a, Q6). A negative delta never passes.
   */
  private isFastRetransmission(notAdvanced: boolean, seq: number, now: number, rev: Flow): boolean {
    const sincePeerNs = now - rev.lastAckTimeNs;
    return (
      notAdvanced &&
      rev.dupAckNum >= 2 &&
      rev.lastAck === seq &&
      sincePeerNs >= 0 &&
      sincePeerNs < this.fastRetransmitWindowNs
    );
  }

  /**
   * Out-Of-Order: a hole filled within one iRTT (3 ms without one) of the segment that advanced
   * nextSeq, unless it ends exactly at nextSeq (spec §5, §6 A11.5b, Q1). `span` includes SYN/FIN.
   */
  private isOutOfOrder(notAdvanced: boolean, seq: number, span: number, now: number, fwd: Flow, conv: Conversation): boolean {
    const sinceNextSeqNs = now - fwd.nextSeqTimeNs;
    const thresholdNs = conv.firstRttNs !== 0 ? conv.firstRttNs : this.defaultOooWindowNs;
    return (
      notAdvanced &&
      sinceNextSeqNs >= 0 &&
      sinceNextSeqNs < thresholdNs &&
      fwd.nextSeq !== ((seq + span) >>> 0)
    );
  }

  /** Per-conversation counters, expert counts, handshake and teardown tracking. */
  private account(
    conv: Conversation,
    r: FrameResult,
    dir: 0 | 1,
    seq: number,
    ack: number,
    seglen: number,
    now: number,
    tsNs: bigint,
  ): void {
    const fl = r.tcpFlags;
    const flags = r.flags;
    conv.lastFrame = r.frame;
    conv.endTimestampNs = tsNs;
    const st = conv.directions[dir];
    st.segments++;
    st.bytes += seglen;
    const counts = this.counts;
    if (flags !== 0) {
      if ((flags & F.Retransmission) !== 0) st.retransmissions++;
      if ((flags & F.FastRetransmission) !== 0) {
        st.fastRetransmissions++;
        counts['tcp.analysis.retransmission']++;
      }
      if ((flags & F.SpuriousRetransmission) !== 0) {
        st.spuriousRetransmissions++;
        counts['tcp.analysis.retransmission']++;
      }
      if ((flags & F.OutOfOrder) !== 0) st.outOfOrder++;
      if ((flags & F.LostSegment) !== 0) st.lostSegments++;
      if ((flags & F.DuplicateAck) !== 0) st.dupAcks++;
      if ((flags & F.ZeroWindow) !== 0) st.zeroWindows++;
      for (let bit = 0; bit < FLAG_BIT_IDS.length; bit++) {
        if ((flags & (1 << bit)) !== 0) counts[FLAG_BIT_IDS[bit]!]++;
      }
    }
    // tshark stops before the connection items of a frame with a data offset below 5 words.
    if (r.bogusHeaderLength) return;
    if ((fl & SYN) !== 0) {
      if ((fl & ACK) === 0) {
        counts['tcp.connection.syn']++;
        if (conv.hsSynAckFrame === 0) {
          conv.hsSynFrame = r.frame;
          conv.hsSynDir = dir;
          conv.hsSynSeq = seq;
          conv.hsSynTimeNs = now;
        }
        if (!conv.clientKnown) {
          conv.client = dir;
          conv.clientKnown = true;
          conv.serverPort = r.dstPort;
        }
      } else {
        counts['tcp.connection.synack']++;
        if (
          conv.hsSynFrame !== 0 &&
          conv.hsSynAckFrame === 0 &&
          dir !== conv.hsSynDir &&
          ack === ((conv.hsSynSeq + 1) >>> 0)
        ) {
          conv.hsSynAckFrame = r.frame;
          conv.hsSynAckSeq = seq;
        }
        if (!conv.clientKnown) {
          conv.client = dir === 0 ? 1 : 0;
          conv.clientKnown = true;
          conv.serverPort = r.srcPort;
        }
      }
    } else if (
      (fl & ACK) !== 0 &&
      conv.hsSynAckFrame !== 0 &&
      conv.hsAckFrame === 0 &&
      dir === conv.hsSynDir &&
      ack === ((conv.hsSynAckSeq + 1) >>> 0)
    ) {
      conv.hsAckFrame = r.frame;
      conv.hsRttNs = now - conv.hsSynTimeNs;
    }
    if ((fl & ACK) !== 0) conv.noteAck(dir, ack);
    if ((fl & FIN) !== 0) {
      counts['tcp.connection.fin']++;
      conv.noteFin(dir, r.frame, (seq + seglen + 1) >>> 0);
      if (r.finRole === 'active') {
        counts['tcp.connection.fin_active']++;
        conv.activeFinDir ??= dir;
      } else {
        counts['tcp.connection.fin_passive']++;
      }
    }
    if ((fl & RST) !== 0) {
      counts['tcp.connection.rst']++;
      if (conv.rstFrame === 0) {
        conv.rstFrame = r.frame;
        conv.rstDir = dir;
        conv.finBeforeRst = conv.finFrame[0] !== 0 || conv.finFrame[1] !== 0;
      }
    }
  }
}

/** tcp.window_size and its scale factor (spec §3): a SYN's window is never scaled and has no factor. */
function showWindow(r: FrameResult, fwd: Flow, fl: number, win: number): void {
  if ((fl & SYN) === 0) {
    // A shift (0…MAX_WINDOW_SHIFT) as `1 << shift`: exact, and unlike `2 ** shift` no Math.pow
    // call, which profiled as the costliest line of the analysis.
    r.windowScaled = fwd.winScale >= 0 ? win * (1 << fwd.winScale) : win;
    r.scaleFactor = fwd.winScale >= 0 ? 1 << fwd.winScale : fwd.winScale;
  } else {
    r.windowScaled = win;
  }
}

/** Clears what tshark shows in the SEQ/ACK analysis tree of a frame. */
function hideSequenceAnalysis(r: FrameResult): void {
  // The SYN-ACK's Fast Open verdicts come before the options in tshark, so they stay (synth/s08 at 54 bytes).
  r.flags &= F.TfoAck | F.TfoIgnored;
  r.dupAckNum = undefined;
  r.dupAckFrame = undefined;
  r.acksFrame = undefined;
  r.ackRttNs = undefined;
  r.initialRttNs = undefined;
  r.bytesInFlight = undefined;
  r.rtoNs = undefined;
  r.rtoFrame = undefined;
}

/**
 * Bytes in flight, payload-based method (4.0 default; spec §6 B1.6): highest end minus lowest
 * start of the sender's unacked segments, less the peer's last SACK blocks.
 */
function bytesInFlight(fwd: Flow, rev: Flow, synOrFin: number): number | undefined {
  const ual = fwd.unacked;
  ual.span(fwd.baseSeq);
  const first = ual.first;
  const last = ual.last;
  let inFlight = (last - first) >>> 0;
  const sacks = rev.sackBlocks;
  if (sacks !== undefined) {
    for (const [left, right] of sacks) inFlight = (inFlight - ((right - left) >>> 0)) >>> 0;
  }
  if (inFlight > 0 && inFlight < 2_000_000_000) return inFlight - synOrFin;
  return undefined;
}

/**
 * Creates a TCP analyzer. Push every decoded packet in file order; non-TCP packets are ignored.
 * @example
 * const analyzer = createTcpAnalyzer();
 * for (const frame of frames) analyzer.push(decodeFrame(frame));
 * const { conversations, expertCounts } = analyzer.finish();
 */
export function createTcpAnalyzer(options: TcpAnalyzerOptions = {}): TcpAnalyzer {
  return new Analyzer(options);
}

/** Analyses a whole packet sequence: the per-frame results of TCP frames and the summary. */
export function analyzeTcp(
  packets: Iterable<Packet>,
  options: TcpAnalyzerOptions = {},
): { frames: TcpFrameAnalysis[]; summary: TcpSummary } {
  const analyzer = createTcpAnalyzer(options);
  const frames: TcpFrameAnalysis[] = [];
  for (const p of packets) {
    const a = analyzer.push(p);
    if (a !== undefined) frames.push(a);
  }
  return { frames, summary: analyzer.finish() };
}
