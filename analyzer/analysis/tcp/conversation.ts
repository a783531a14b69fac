/**
 * conversation.ts: the state of one TCP conversation (two flows) and its public summary shape.
 * Pure data structures for tcp-analyzer.ts; must not import decode/, capture/ or anything with I/O.
 */
import { seqGe } from '../../packet/seq.js';
import { UnackedList } from './unacked-list.js';

/** Window-scale state of a flow (spec §3): unknown until a SYN says otherwise. */
export const WindowScale = {
  /** No SYN seen: the shift is unknown and windows are shown unscaled. */
  Unknown: -1,
  /** The handshake showed that scaling is not in use. */
  None: -2,
} as const;

export { MAX_UNACKED_SEGMENTS } from './unacked-list.js';

/**
 * One direction of a conversation: everything Wireshark 4.0 keeps in `struct tcp_flow_t` for the
 * sequence analysis (spec §4). Times are ns relative to the analyzer's first frame; −Infinity
 * stands for Wireshark's "zero time", so a delta from it never passes a `< threshold` test.
 */
export class Flow {
  /** Sequence number that relative numbers count from (ISN, or first seq − 1). */
  baseSeq = 0;
  /** baseSeq has been set (from this flow's first segment or the peer's first ACK). */
  baseSet = false;
  /** Window-scale shift 0…14, or WindowScale.Unknown / WindowScale.None. */
  winScale: number = WindowScale.Unknown;
  /** Last raw window this flow sent; 0xFFFFFFFF = never seen. */
  window = 0xffffffff;
  /** This flow's last window came from its SYN (unscaled), until its first non-SYN ACK. */
  isFirstAck = false;
  /** Highest sequence end sent by this flow; 0 = nothing seen (also after a wrap to 0, as in Wireshark). */
  nextSeq = 0;
  /** Frame that last advanced nextSeq. */
  nextSeqFrame = 0;
  /** Time that last advanced nextSeq. */
  nextSeqTimeNs = -Infinity;
  /** Highest end of the contiguous data seen; 0 = not set. */
  maxSeqToBeAcked = 0;
  /** Ack field of this flow's last segment (every segment, ACK flag or not). */
  lastAck = 0;
  /** Time of this flow's last segment. */
  lastAckTimeNs = -Infinity;
  /** Unsigned 32-bit duplicate-ACK counter; 0xFFFFFFFF is the ACKed-unseen sentinel (spec §6 A10). */
  dupAckNum = 0;
  /** Frame where this flow's ack value last changed. */
  lastNonDupAck = 0;
  /** Analysis flags of this flow's previous segment. */
  lastSegmentFlags = 0;
  /** Unacked segments, oldest first. */
  readonly unacked = new UnackedList();
  /** Bytes in flight may be shown (cleared by a lost segment, set again by the peer's ACK). */
  validBif = true;
  /** SACK blocks of this flow's last segment. */
  sackBlocks: readonly (readonly [number, number])[] | undefined = undefined;
  /** This flow sent a FIN before the peer did. */
  closingInitiator = false;
}

/** One endpoint of a conversation. */
export interface TcpEndpoint {
  /** Address as Wireshark prints it (formatIp). */
  readonly address: string;
  readonly port: number;
}

/** Per-direction counters of a conversation. */
export interface TcpDirectionStats {
  /** Segments sent in this direction (every frame, pure ACKs included). */
  segments: number;
  /** Payload bytes sent (tcp.len summed, retransmissions included). */
  bytes: number;
  /** Plain retransmissions (tcp.analysis.retransmission without fast/spurious). */
  retransmissions: number;
  fastRetransmissions: number;
  spuriousRetransmissions: number;
  outOfOrder: number;
  lostSegments: number;
  dupAcks: number;
  zeroWindows: number;
}

/** The three-way handshake as seen (spec §10 definition). Frames are 1-based frame numbers. */
export interface TcpHandshake {
  /** Latest pure SYN before the SYN-ACK (a retransmitted SYN replaces the first one). */
  readonly synFrame?: number;
  /** First SYN-ACK from the other side with ack = SYN.seq + 1. */
  readonly synAckFrame?: number;
  /** First non-SYN ACK from the SYN sender with ack = SYN-ACK.seq + 1. */
  readonly ackFrame?: number;
  /** SYN → ACK time at the capture point (Wireshark's iRTT), when all three were seen. */
  readonly rttNs?: number;
  /** All three segments were seen. */
  readonly complete: boolean;
}

/**
 * How the conversation ended, derived from FIN/RST (spec §10 suggestion; Wireshark has no flag):
 * - `refused`: a SYN answered by an RST from the other side, no SYN-ACK seen;
 * - `fin-then-rst`: at least one FIN, then (later in the file) an RST;
 * - `rst-abort`: an RST and no FIN before it;
 * - `fin-close`: both sides sent a FIN, each acknowledged by the peer, no RST;
 * - `half-open`: FIN(s) but no RST and no complete FIN/ACK close (typically one side closed only,
 *   or the last ACK was not captured);
 * - `open`: no FIN and no RST.
 */
export type TcpTeardownKind = 'fin-close' | 'fin-then-rst' | 'rst-abort' | 'refused' | 'half-open' | 'open';

/** Teardown summary: the kind plus the frames it is based on. */
export interface TcpTeardown {
  readonly kind: TcpTeardownKind;
  /** First FIN per direction (index = direction), 0 when that side sent none. */
  readonly finFrames: readonly [number, number];
  /** First RST frame, when any. */
  readonly rstFrame?: number;
  /** Direction that started the close: the active FIN's sender, else the first RST's sender. */
  readonly initiator?: 0 | 1;
}

/** A TCP conversation (one tcp.stream). Its fields reach their final values after finish(). */
export interface TcpConversation {
  /** tcp.stream: 0-based, in order of creation. */
  readonly stream: number;
  /** Endpoints by direction: [0] is the first-seen sender, [1] the other. */
  readonly endpoints: readonly [TcpEndpoint, TcpEndpoint];
  /** Direction index of the client: the SYN sender, else the SYN-ACK receiver, else the first sender. */
  readonly client: 0 | 1;
  /** Server port from the SYN (destination) or SYN-ACK (source); undefined when neither was seen. */
  readonly serverPort: number | undefined;
  readonly firstFrame: number;
  readonly lastFrame: number;
  /** Capture timestamps (ns since the epoch) of the first and last frame. */
  readonly startTimestampNs: bigint;
  readonly endTimestampNs: bigint;
  /** Final tcp.completeness bits (1 SYN, 2 SYN-ACK, 4 ACK, 8 DATA, 16 FIN, 32 RST), one-pass value. */
  readonly completeness: number;
  /** Per direction counters (index = direction). */
  readonly directions: readonly [TcpDirectionStats, TcpDirectionStats];
  readonly handshake: TcpHandshake;
  readonly teardown: TcpTeardown;
}

function newStats(): TcpDirectionStats {
  return {
    segments: 0,
    bytes: 0,
    retransmissions: 0,
    fastRetransmissions: 0,
    spuriousRetransmissions: 0,
    outOfOrder: 0,
    lostSegments: 0,
    dupAcks: 0,
    zeroWindows: 0,
  };
}

/** Internal conversation record; exposed to callers as TcpConversation. */
export class Conversation implements TcpConversation {
  readonly stream: number;
  readonly endpoints: readonly [TcpEndpoint, TcpEndpoint];
  /** Address bytes of direction 0 / 1 senders (private copies) and ports, for exact lookup. */
  readonly addr0: Buffer;
  readonly addr1: Buffer;
  readonly port0: number;
  readonly port1: number;
  /** The two flows, index = direction. */
  readonly flows: readonly [Flow, Flow] = [new Flow(), new Flow()];
  client: 0 | 1 = 0;
  /** The client was decided by a SYN or SYN-ACK (not just by who spoke first). */
  clientKnown = false;
  serverPort: number | undefined = undefined;
  firstFrame: number;
  lastFrame: number;
  startTimestampNs: bigint;
  endTimestampNs: bigint;
  /** tcp.completeness accumulated so far. */
  completeness = 0;
  /** Frame that created the conversation as "new" (spec §9); 0 for port reuse or ICMP creation. */
  newFrame = 0;
  /** Bits that frame would have added had the conversation not been new (two-pass `X`). */
  newFrameExtraBits = 0;
  /** Time of the most recent pure SYN, and whether there was one (Wireshark: ts_mru_syn ≠ 0). */
  mruSynTimeNs = 0;
  hasMruSyn = false;
  /** iRTT in ns; 0 = unknown (Wireshark: ts_first_rtt zero), so a 0 ns iRTT keeps being re-measured. */
  firstRttNs = 0;
  /** A pure SYN of this conversation carried data (TCP Fast Open, RFC 7413). */
  synCarriedData = false;
  readonly directions: readonly [TcpDirectionStats, TcpDirectionStats] = [newStats(), newStats()];
  // Handshake tracking (spec §10 definition).
  hsSynFrame = 0;
  hsSynDir: 0 | 1 = 0;
  hsSynSeq = 0;
  hsSynTimeNs = 0;
  hsSynAckFrame = 0;
  hsSynAckSeq = 0;
  hsAckFrame = 0;
  hsRttNs = 0;
  // Teardown tracking: first FIN per direction, the end (seq + len + 1) of the latest FIN, and
  // whether the peer acknowledged it; first RST and its sender.
  finFrame: [number, number] = [0, 0];
  finEnd: [number, number] = [0, 0];
  finAcked: [boolean, boolean] = [false, false];
  activeFinDir: 0 | 1 | undefined = undefined;
  rstFrame = 0;
  rstDir: 0 | 1 = 0;
  finBeforeRst = false;

  constructor(
    stream: number,
    src: Buffer,
    srcPort: number,
    dst: Buffer,
    dstPort: number,
    endpoints: readonly [TcpEndpoint, TcpEndpoint],
    frame: number,
    timestampNs: bigint,
  ) {
    this.stream = stream;
    this.addr0 = Buffer.from(src);
    this.addr1 = Buffer.from(dst);
    this.port0 = srcPort;
    this.port1 = dstPort;
    this.endpoints = endpoints;
    this.firstFrame = frame;
    this.lastFrame = frame;
    this.startTimestampNs = timestampNs;
    this.endTimestampNs = timestampNs;
  }

  get handshake(): TcpHandshake {
    const complete = this.hsAckFrame !== 0;
    return {
      ...(this.hsSynFrame !== 0 ? { synFrame: this.hsSynFrame } : {}),
      ...(this.hsSynAckFrame !== 0 ? { synAckFrame: this.hsSynAckFrame } : {}),
      ...(complete ? { ackFrame: this.hsAckFrame, rttNs: this.hsRttNs } : {}),
      complete,
    };
  }

  get teardown(): TcpTeardown {
    const anyFin = this.finFrame[0] !== 0 || this.finFrame[1] !== 0;
    let kind: TcpTeardownKind;
    if (this.rstFrame !== 0) {
      const refused = this.hsSynFrame !== 0 && this.hsSynAckFrame === 0 && this.rstDir !== this.hsSynDir;
      if (refused && !anyFin) kind = 'refused';
      else kind = this.finBeforeRst ? 'fin-then-rst' : 'rst-abort';
    } else if (this.finFrame[0] !== 0 && this.finFrame[1] !== 0 && this.finAcked[0] && this.finAcked[1]) {
      kind = 'fin-close';
    } else {
      kind = anyFin ? 'half-open' : 'open';
    }
    const initiator = this.activeFinDir ?? (this.rstFrame !== 0 ? this.rstDir : undefined);
    return {
      kind,
      finFrames: [this.finFrame[0], this.finFrame[1]],
      ...(this.rstFrame !== 0 ? { rstFrame: this.rstFrame } : {}),
      ...(initiator !== undefined ? { initiator } : {}),
    };
  }

  /** Records a FIN sent in direction `dir` ending (after the FIN) at `end`. */
  noteFin(dir: 0 | 1, frame: number, end: number): void {
    if (this.finFrame[dir] === 0) this.finFrame[dir] = frame;
    this.finEnd[dir] = end;
    this.finAcked[dir] = false;
  }

  /** Marks the peer's FIN acknowledged when `ack` (sent in direction `dir`) covers it. */
  noteAck(dir: 0 | 1, ack: number): void {
    const peer = dir === 0 ? 1 : 0;
    if (this.finFrame[peer] !== 0 && !this.finAcked[peer] && seqGe(ack, this.finEnd[peer])) {
      this.finAcked[peer] = true;
    }
  }
}
