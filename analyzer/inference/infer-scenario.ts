/**
 * infer-scenario.ts: from the analysis of any capture, a plan that re-creates its TCP behaviour with real
 * kernel TCP: the connections and their turns (request, response bytes, think time), TLS, the path's
 * RTT, MSS and rate, and the impairments the flags point to (segments lost and resent, reordered,
 * duplicated, hidden from the capture; zero windows from a slow reader).
 * Pure: reads an Analysis (with frames), imports no harness and no I/O; `wirelab replay --as-scenario`
 * turns the plan into a scenario (harness/replay/as-scenario.ts) and into a readable file (scenario-source.ts).
 */
import type { Analysis, ConversationReport, FrameRecord, Teardown } from '../analysis-result.js';

/** Which way a segment travels: uplink = client → server (the proxy's names). */
export type Direction = 'uplink' | 'downlink';

/** Where one event sits: the direction, the connection (1 = first seen; absent = any) and the stream byte offset. */
export interface EventPlace {
  readonly direction: Direction;
  /** 1-based connection number, in order of appearance; undefined when no other connection has data at `offset`. */
  readonly conn: number | undefined;
  /** 0-based stream byte offset of the segment's first byte. */
  readonly offset: number;
  /** The original capture's frames that show it. */
  readonly frames: readonly number[];
  /** Why, in a few words, for the scenario file's comments. */
  readonly why: string;
}

/** One impairment the flags point to. */
export type InferredEvent =
  /** The first `count` sends of the segment were lost (its resends show it). */
  | (EventPlace & { readonly kind: 'drop'; readonly count: number })
  /** The segment arrived `after` data segments late (Out-Of-Order right behind a gap). */
  | (EventPlace & { readonly kind: 'reorder'; readonly after: number })
  /** The segment was delivered but is missing from the capture (ACKed, never seen, never resent). */
  | (EventPlace & { readonly kind: 'capture-drop' })
  /** A byte-identical copy arrived right behind the segment. */
  | (EventPlace & { readonly kind: 'duplicate' })
  /** The client's first `count` SYNs were lost (its SYN retransmissions show it); `offset` is unused (−1). */
  | (EventPlace & { readonly kind: 'drop-syn'; readonly count: number });

/** A client action of the re-run, in the scenario DSL's terms (plain data: harness/ maps it to `client.*`). */
export type InferredAction =
  | { readonly kind: 'connect'; readonly connection: string }
  | { readonly kind: 'get'; readonly connection: string; readonly path: string; readonly stallMs?: number }
  | { readonly kind: 'page'; readonly connection: string; readonly connections: number; readonly spareClose: CloseMode }
  | { readonly kind: 'close'; readonly connection: string; readonly mode: CloseMode };

export type CloseMode = 'fin' | 'rst' | 'fin-then-rst' | 'idle';

/** One timeline step: absolute ms from the start of traffic, or after the previous step (`relative`). */
export interface InferredStep {
  readonly atMs: number;
  readonly relative: boolean;
  readonly action: InferredAction;
  /** What in the original it stands for, for the file's comments. */
  readonly comment: string;
}

/** One original connection the plan re-creates. */
export interface InferredConnection {
  /** The original's tcp.stream. */
  readonly stream: number;
  /** 1-based order of appearance (the re-run numbers its connections the same way). */
  readonly conn: number;
  /** The DSL connection name. */
  readonly name: string;
  readonly teardown: Teardown;
  /** Response bodies asked for, one per turn. */
  readonly turns: readonly { readonly path: string; readonly serverBytes: number; readonly thinkMs: number; readonly stallMs?: number }[];
  /** A spare of a browser-like group: opened with the others, carried no request. */
  readonly spare: boolean;
}

/** The whole plan. */
export interface InferredScenario {
  /** kebab-case scenario name, e.g. "replay-trace". */
  readonly name: string;
  readonly description: string;
  /** The capture it came from, as given. */
  readonly source: string;
  /** Median handshake RTT of the connections, in ms (0 when no handshake was seen). */
  readonly rttMs: number;
  /** IPv4 MSS when the segments show it (largest data segment + 12 bytes of timestamps option). */
  readonly mss: number | undefined;
  /** The bottleneck rate the arrivals are spaced by, when they are evenly spaced. */
  readonly rateKbps: number | undefined;
  /** Where the original was captured, judged from which resends were seen. */
  readonly capture: 'client' | 'server';
  readonly sysctls: Readonly<Record<string, string>>;
  readonly tls: { readonly version: 'TLS 1.2' | 'TLS 1.3'; readonly cipherSuite: string | undefined; readonly ciphers: string | undefined } | undefined;
  readonly events: readonly InferredEvent[];
  readonly connections: readonly InferredConnection[];
  readonly steps: readonly InferredStep[];
  /** Media sizes for a page load re-created from the original's page requests. */
  readonly media: { readonly imageBytes: number; readonly audioBytes: number; readonly videoBytes: number } | undefined;
  /** Flag counts of the original over the connections re-created: the re-run's expectations (±1). */
  readonly flagCounts: Readonly<Record<string, number>>;
  /** A browser-like group of parallel connections, with its idle spares. */
  readonly parallel: { readonly connections: number; readonly idle: number } | undefined;
  /** What the plan could not re-create, one line each. */
  readonly notes: readonly string[];
}

/** The TCP analysis flags the plan reproduces and the comparison scores (window_update and window_full follow the kernel's buffer tuning, not the path). */
export const COMPARED_FLAGS: readonly string[] = [
  'retransmission', 'fast_retransmission', 'spurious_retransmission', 'out_of_order', 'lost_segment', 'ack_lost_segment',
  'duplicate_ack', 'zero_window', 'zero_window_probe', 'zero_window_probe_ack', 'keep_alive', 'reused_ports',
];

/**
 * Flags that follow the receiver's ACK timing to the microsecond (whether two segments are ACKed
 * together or apart), not the path: one of them may be absent in a faithful re-run.
 */
export const ACK_TIMING_FLAGS: ReadonlySet<string> = new Set(['duplicate_ack', 'keep_alive', 'zero_window_probe_ack']);

/**
 * How far a re-run's count of `flag` may be from the original's `n`: 1, or for the ACK-timing flags 5% of
 * `n` when that is more (lab-report's own runs give 51 to 53 duplicate ACKs).
 */
export function flagTolerance(flag: string, n: number): number {
  return ACK_TIMING_FLAGS.has(flag) ? Math.max(1, Math.round(n * 0.05)) : 1;
}

/** Whether a re-run's count of `flag` matches the original's: within the tolerance, and present when the original has it (unless it follows ACK timing). */
export function flagCountsAgree(flag: string, original: number, rerun: number): boolean {
  if (Math.abs(original - rerun) > flagTolerance(flag, original)) return false;
  return ACK_TIMING_FLAGS.has(flag) || (original > 0) === (rerun > 0);
}

/** OpenSSL names of the TLS 1.2 suites the lab server (RSA certificate) can choose. */
const OPENSSL_TLS12: Readonly<Record<string, string>> = {
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
};

/** Largest body the lab server's /bytes/N serves (harness/https-server.ts). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Bytes of an HTTP/1.1 response head from the lab server, about. */
const RESPONSE_HEAD_BYTES = 150;
/** A TLS record of 16384 bytes of data costs 29 more on the wire (AES-GCM: header, explicit nonce, tag). */
const TLS_RECORD_OVERHEAD = 29 / 16384;
/** Bytes of a TCP timestamps option, which Linux puts in every segment. */
const TIMESTAMPS_OPTION = 12;
/** The scenario's MSS range (MTU 1280 to 9000). */
const MIN_MSS = 1240;
const MAX_MSS = 8960;
/** Longest think time written into a re-run, so an idle original does not make an idle re-run. */
const MAX_THINK_MS = 5000;

interface Seg {
  readonly f: FrameRecord;
  readonly direction: Direction;
  readonly ms: number;
  readonly start: number;
  readonly end: number;
  readonly flags: ReadonlySet<string>;
}

interface Conn {
  readonly report: ConversationReport;
  readonly conn: number;
  readonly frames: readonly FrameRecord[];
  readonly segs: readonly Seg[];
}

/** Options of {@link inferScenario}. */
export interface InferOptions {
  /** The scenario's name (default: "replay-" and the capture's file name). */
  readonly name?: string;
}

/**
 * Plans a scenario that re-creates `analysis` (it must carry per-frame records: `analyzeCapture` without
 * `frames: false`). Never throws on odd captures: what it cannot re-create goes to `notes`.
 */
export function inferScenario(analysis: Analysis, options: InferOptions = {}): InferredScenario {
  const notes: string[] = [];
  const byStream = new Map<number, FrameRecord[]>();
  for (const f of analysis.frames) {
    if (f.stream === null || f.tcp_in_error) continue;
    let list = byStream.get(f.stream);
    if (list === undefined) byStream.set(f.stream, (list = []));
    list.push(f);
  }
  const usable = analysis.conversations
    .filter((c) => c.teardown !== 'refused' && byStream.has(c.stream))
    .sort((a, b) => a.firstFrame - b.firstFrame);
  // Time 0 is the first connection's first frame: what came before (ARP, neighbour discovery) is not traffic.
  const base = usable.length === 0 ? 0 : epochMs(byStream.get(usable[0]!.stream)![0]!.time_epoch);
  const refused = analysis.conversations.filter((c) => c.teardown === 'refused').length;
  if (refused > 0) notes.push(`${refused} refused connection attempt(s) are not re-created (the lab server always listens)`);
  const conns: Conn[] = usable.map((report, i) => {
    const frames = byStream.get(report.stream)!;
    const segs: Seg[] = [];
    for (const f of frames) {
      const len = f.tcp_len ?? 0;
      if (len <= 0 || f.seq === null) continue;
      const direction: Direction = f.src === report.client.address && f.sport === report.client.port ? 'uplink' : 'downlink';
      segs.push({ f, direction, ms: epochMs(f.time_epoch) - base, start: f.seq - 1, end: f.seq - 1 + len, flags: new Set(f.flags) });
    }
    return { report, conn: i + 1, frames, segs };
  });
  if (conns.length === 0) notes.push('the capture has no TCP connection to re-create');
  for (const c of conns) if (c.report.handshake.synFrame === undefined) notes.push(`stream ${c.report.stream} began before the capture: re-created from its handshake on`);

  const rttMs = inferRtt(conns);
  if (conns.length > 0 && conns.every((c) => c.report.handshake.rttNs === undefined)) notes.push('no complete handshake: the RTT is unknown and set to 0');
  const mss = inferMss(conns, notes);
  const capture = inferCapturePoint(conns, rttMs);
  const events = inferEvents(conns, capture, rttMs, notes);
  const rateKbps = inferRate(conns, capture);
  const tls = inferTls(conns, notes);
  const plan = planTimeline(analysis, conns, base, notes);
  const sysctls: Record<string, string> = {};
  inferTcpSysctls(conns, sysctls);
  if (plan.zeroWindow || fixedReceiveBuffer(conns)) sysctls['net.ipv4.tcp_moderate_rcvbuf'] = '0';

  const replayed = new Set(plan.connections.map((c) => c.stream));
  const flagCounts: Record<string, number> = {};
  for (const f of analysis.frames) {
    if (f.stream === null || !replayed.has(f.stream)) continue;
    for (const flag of f.flags) if (COMPARED_FLAGS.includes(flag)) flagCounts[flag] = (flagCounts[flag] ?? 0) + 1;
  }
  const name = options.name ?? scenarioName(analysis.source);
  return {
    name,
    description: `re-creates ${baseName(analysis.source)}: ${conns.length} connection(s), ${describeEvents(events)}`,
    source: analysis.source,
    rttMs,
    mss,
    rateKbps,
    capture,
    sysctls,
    tls,
    events,
    connections: plan.connections,
    steps: plan.steps,
    media: plan.media,
    flagCounts,
    parallel: plan.parallel,
    notes,
  };
}

/** ms since the epoch from tshark's "1700000000.123456789" without losing the sub-ms digits. */
function epochMs(text: string): number {
  const [s, frac = ''] = text.split('.');
  return Number(s) * 1000 + Number(`0.${frac.padEnd(9, '0')}`) * 1000;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function inferRtt(conns: readonly Conn[]): number {
  const rtts = conns.map((c) => c.report.handshake.rttNs).filter((n): n is number => n !== undefined).map((n) => n / 1e6);
  // Tenths of a ms: a loopback capture's handshake takes well under one.
  return Math.round(median(rtts) * 10) / 10;
}

/** What the SYN and SYN-ACK offered, read from their Info column ("MSS=1460 SACK_PERM TSval=… WS=128"). */
interface SynOptions {
  readonly mss: number | undefined;
  readonly sack: boolean;
  readonly timestamps: boolean;
}

/** The options both ends of each handshake agreed on (undefined without a SYN and SYN-ACK). */
function negotiated(c: Conn): SynOptions | undefined {
  const syn = c.frames.find((f) => f.frame === c.report.handshake.synFrame);
  const synAck = c.frames.find((f) => f.frame === c.report.handshake.synAckFrame);
  if (syn === undefined || synAck === undefined) return undefined;
  const mssOf = (info: string) => {
    const m = /\bMSS=(\d+)/.exec(info);
    return m === null ? undefined : Number(m[1]);
  };
  const a = mssOf(syn.info);
  const b = mssOf(synAck.info);
  return {
    mss: a === undefined ? b : b === undefined ? a : Math.min(a, b),
    sack: /\bSACK_PERM\b/.test(syn.info) && /\bSACK_PERM\b/.test(synAck.info),
    timestamps: /\bTSval=/.test(syn.info) && /\bTSval=/.test(synAck.info),
  };
}

/** Kernel switches the handshakes show: SACK and timestamps off when no connection agreed on them. */
function inferTcpSysctls(conns: readonly Conn[], sysctls: Record<string, string>): void {
  const seen = conns.map(negotiated).filter((o): o is SynOptions => o !== undefined);
  if (seen.length === 0) return;
  if (seen.every((o) => !o.sack)) sysctls['net.ipv4.tcp_sack'] = '0';
  if (seen.every((o) => !o.timestamps)) sysctls['net.ipv4.tcp_timestamps'] = '0';
}

/**
 * The client's receive buffer did not grow: a large download under a window that never passed Linux's
 * default 128 KiB buffer. (Autotuning grows the window to megabytes on such a transfer.)
 */
function fixedReceiveBuffer(conns: readonly Conn[]): boolean {
  return conns.some((c) => {
    const fromClient = c.frames.filter((f) => f.src === c.report.client.address && f.sport === c.report.client.port && f.win !== null);
    const maxWin = Math.max(0, ...fromClient.map((f) => f.win!));
    return maxWin > 0 && maxWin <= 131072 && c.report.bytes[1] > 4 * maxWin;
  });
}

function inferMss(conns: readonly Conn[], notes: string[]): number | undefined {
  let largest = 0;
  for (const c of conns) for (const s of c.segs) largest = Math.max(largest, s.end - s.start);
  const offered = conns.map(negotiated).find((o) => o?.mss !== undefined);
  // The handshake says it; else the largest segment (with Linux's 12-byte timestamps option) does, when full-sized.
  let mss: number;
  if (offered?.mss !== undefined && largest <= offered.mss) mss = offered.mss;
  else if (largest < 1000) return undefined; // small transfers never fill a segment
  else mss = largest + (offered?.timestamps === false ? 0 : TIMESTAMPS_OPTION);
  if (mss > MAX_MSS) {
    notes.push(
      largest > MAX_MSS
        ? `segments of ${largest} bytes are larger than any MTU (the capture was taken with segmentation offload): the MSS stays at the default`
        : `the handshake's MSS ${mss} is beyond the largest MTU wirelab's topology supports (9000; loopback captures offer 65483): the MSS stays at the default`,
    );
    return undefined;
  }
  if (mss < MIN_MSS) {
    notes.push(`the MSS ${mss} is below the ${MIN_MSS} wirelab's topology supports (MTU 1280): the re-run uses ${MIN_MSS}`);
    return MIN_MSS;
  }
  return mss === 1460 ? undefined : mss;
}

/**
 * A capture point sees one direction's frames before the path (the sender's side) and the other's after
 * it. Resends of segments seen before put the loss after the capture point; resends of segments never
 * seen put it before. Client side: downlink losses are unseen, uplink losses seen.
 */
function inferCapturePoint(conns: readonly Conn[], rttMs: number): 'client' | 'server' {
  let clientVotes = 0;
  let serverVotes = 0;
  for (const c of conns) {
    for (const d of ['uplink', 'downlink'] as const) {
      const { seenResends, unseenResends } = classifyResends(c.segs.filter((s) => s.direction === d), rttMs);
      if (d === 'downlink') {
        clientVotes += unseenResends;
        serverVotes += seenResends;
      } else {
        clientVotes += seenResends;
        serverVotes += unseenResends;
      }
    }
  }
  return serverVotes > clientVotes ? 'server' : 'client';
}

function classifyResends(segs: readonly Seg[], rttMs: number): { seenResends: number; unseenResends: number } {
  const seen = new Ranges();
  let seenResends = 0;
  let unseenResends = 0;
  let last: Seg | undefined;
  for (const s of segs) {
    if (s.flags.has('retransmission') || s.flags.has('out_of_order')) {
      if (seen.covers(s.start, s.end)) {
        if (!isCopy(s, last, rttMs) && !s.flags.has('spurious_retransmission')) seenResends++;
      } else unseenResends++;
    }
    seen.add(s.start, s.end);
    last = s;
  }
  return { seenResends, unseenResends };
}

/** A byte-identical copy right behind its original: a duplicate, not a resend (a resend needs at least an RTT). */
function isCopy(s: Seg, previous: Seg | undefined, rttMs: number): boolean {
  return previous !== undefined && previous.start === s.start && previous.end === s.end && s.ms - previous.ms < Math.max(1, rttMs / 4);
}

/** Stream byte ranges seen so far, merged. */
class Ranges {
  private readonly list: [number, number][] = [];
  add(start: number, end: number): void {
    this.list.push([start, end]);
    this.list.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of this.list) {
      const top = merged[merged.length - 1];
      if (top !== undefined && r[0] <= top[1]) top[1] = Math.max(top[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    this.list.length = 0;
    this.list.push(...merged);
  }
  covers(start: number, end: number): boolean {
    return this.list.some(([a, b]) => a <= start && end <= b);
  }
  /** The holes between the ranges. */
  gaps(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 1; i < this.list.length; i++) out.push([this.list[i - 1]![1], this.list[i]![0]]);
    return out;
  }
}

/** Which of a capture point's directions it sees before the path (as the sender sent them). */
function seenBeforePath(capture: 'client' | 'server', direction: Direction): boolean {
  return capture === 'client' ? direction === 'uplink' : direction === 'downlink';
}

function inferEvents(conns: readonly Conn[], capture: 'client' | 'server', rttMs: number, notes: string[]): InferredEvent[] {
  const events: InferredEvent[] = [];
  let spurious = 0;
  for (const c of conns) {
    for (const direction of ['uplink', 'downlink'] as const) {
      const segs = c.segs.filter((s) => s.direction === direction);
      const before = seenBeforePath(capture, direction);
      const seen = new Ranges();
      const resends = new Map<number, { count: number; frames: number[] }>();
      let last: Seg | undefined;
      let highest = 0;
      for (const [i, s] of segs.entries()) {
        const place = (why: string, frames: number[]) => ({ direction, conn: connScope(conns, c, direction, s.start), offset: s.start, frames, why });
        const resent = s.flags.has('retransmission') || s.flags.has('out_of_order');
        if (seen.covers(s.start, s.end)) {
          if (!before && isCopy(s, last, rttMs)) events.push({ kind: 'duplicate', ...place('a copy right behind the original', [last!.f.frame, s.f.frame]) });
          else if (s.flags.has('spurious_retransmission')) spurious++;
          else if (resent && before) {
            // Seen as sent, resent later: each earlier send was lost after the capture point.
            const r = resends.get(s.start) ?? { count: 0, frames: [] };
            r.count++;
            r.frames.push(s.f.frame);
            resends.set(s.start, r);
          } else if (resent) spurious++;
        } else if (s.start < highest) {
          // Never seen, and behind data already seen: it was late (reordered) or its first send was lost.
          const opened = segs.findIndex((o) => o.start >= s.end && o.f.frame < s.f.frame);
          const between = opened < 0 ? Infinity : segs.slice(opened, i).filter((o) => o.start >= s.end).length;
          if (!before && s.flags.has('out_of_order') && !s.flags.has('retransmission') && between <= 3) {
            events.push({ kind: 'reorder', after: Math.max(1, between), ...place(`arrived ${between} segment(s) late (Out-Of-Order)`, [s.f.frame]) });
          } else {
            events.push({ kind: 'drop', count: 1, ...place('lost before the capture point, resent', [s.f.frame]) });
          }
        }
        seen.add(s.start, s.end);
        highest = Math.max(highest, s.end);
        last = s;
      }
      for (const [offset, r] of resends) {
        events.push({ kind: 'drop', count: r.count, direction, conn: connScope(conns, c, direction, offset), offset, frames: r.frames, why: `resent ${r.count} time(s) after the capture point saw it` });
      }
      // Holes that never filled: ACKed, so delivered, but missing from the capture.
      for (const [start, end] of seen.gaps()) {
        const mss = Math.max(1, ...segs.map((s) => s.end - s.start));
        const pieces = Math.ceil((end - start) / mss);
        if (pieces > 8) {
          notes.push(`stream ${c.report.stream}: ${end - start} bytes at offset ${start} were never captured (more than 8 segments): not re-created`);
          continue;
        }
        const frames = segs.filter((s) => s.start === end).map((s) => s.f.frame).slice(0, 1);
        for (let k = 0; k < pieces; k++) {
          const offset = start + k * mss;
          events.push({ kind: 'capture-drop', direction, conn: connScope(conns, c, direction, offset), offset, frames, why: 'delivered (ACKed) but never captured' });
        }
      }
    }
    // Resent SYNs seen on the client's side: the earlier ones were lost on the way to the server.
    const syns = c.frames.filter((f) => f.tcp_flags !== null && (f.tcp_flags & 0x12) === 0x02 && f.src === c.report.client.address && f.sport === c.report.client.port);
    const resentSyns = syns.filter((f) => f.flags.includes('retransmission'));
    if (resentSyns.length > 0 && seenBeforePath(capture, 'uplink')) {
      events.push({ kind: 'drop-syn', count: resentSyns.length, direction: 'uplink', conn: conns.length > 1 ? c.conn : undefined, offset: -1, frames: syns.map((f) => f.frame), why: `the SYN was sent ${syns.length} times` });
    } else if (resentSyns.length > 0) {
      notes.push(`stream ${c.report.stream}: a resent SYN seen on the server's side: how many were lost before it is not visible`);
    }
    const zeroBy = c.frames.filter((f) => f.flags.includes('zero_window'));
    const serverZero = zeroBy.filter((f) => !(f.src === c.report.client.address && f.sport === c.report.client.port));
    if (serverZero.length > 0) notes.push(`stream ${c.report.stream}: the server advertised a zero window (frames ${serverZero.slice(0, 3).map((f) => f.frame).join(', ')}): the lab server always reads, so this is not re-created`);
  }
  if (spurious > 0) notes.push(`${spurious} spurious resend(s) (the receiver had the data) come from ACK timing and are not re-created`);
  events.sort((a, b) => (a.conn ?? 0) - (b.conn ?? 0) || a.offset - b.offset);
  return events;
}

/** The connection to pin an event to: only when another connection also carries data at that offset in that direction. */
function connScope(conns: readonly Conn[], c: Conn, direction: Direction, offset: number): number | undefined {
  const ambiguous = conns.some((o) => o !== c && o.segs.some((s) => s.direction === direction && s.end > offset));
  return ambiguous ? c.conn : undefined;
}

/**
 * A bottleneck spaces the arrivals of back-to-back segments evenly (segment bytes × 8 / rate); an open
 * path delivers each window in a burst. Judged where the data arrives after the path.
 */
function inferRate(conns: readonly Conn[], capture: 'client' | 'server'): number | undefined {
  const samples: number[] = [];
  for (const c of conns) {
    for (const direction of ['uplink', 'downlink'] as const) {
      if (seenBeforePath(capture, direction)) continue;
      const segs = c.segs.filter((s) => s.direction === direction && !s.flags.has('retransmission'));
      for (let i = 1; i < segs.length; i++) {
        const gap = segs[i]!.ms - segs[i - 1]!.ms;
        if (gap > 0) samples.push((segs[i]!.f.frame_len * 8) / gap); // kbit/s of whole frames, as the rate impairment counts
      }
    }
  }
  if (samples.length < 50) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const p25 = sorted[Math.floor(sorted.length * 0.25)]!;
  const p50 = sorted[Math.floor(sorted.length * 0.5)]!;
  const p75 = sorted[Math.floor(sorted.length * 0.75)]!;
  // Even spacing: the middle half of the rates within 25% of the median, and slow enough to matter.
  if (p25 < p50 * 0.75 || p75 > p50 * 1.25 || p50 > 1_000_000) return undefined;
  return Math.round(p50 / 100) * 100;
}

/**
 * The TLS version of a connection: the Server Hello's, or, when the snapshot length cut it, judged from
 * the ChangeCipherSpec order (TLS 1.3's compatibility CCS comes from the server first; TLS 1.2's from the client).
 */
function tlsVersionOf(c: Conn): string | undefined {
  const tls = c.report.tls;
  if (tls === undefined) return undefined;
  if (tls.version !== undefined) return tls.version;
  const [client, server] = tls.changeCipherSpecFrames;
  if (client === undefined || server === undefined) return undefined;
  return server < client ? 'TLS 1.3' : 'TLS 1.2';
}

function inferTls(conns: readonly Conn[], notes: string[]): InferredScenario['tls'] {
  const sessions = conns.filter((c) => tlsVersionOf(c) !== undefined);
  if (sessions.length === 0) {
    if (conns.some((c) => c.report.tls !== undefined)) notes.push("the TLS version is not visible (the snapshot length cut the handshake): the re-run uses the lab server's default");
    else if (conns.length > 0) notes.push('the original carries no TLS handshake; the re-run speaks HTTPS (the lab server), so its byte counts include TLS');
    return undefined;
  }
  const first = sessions[0]!.report.tls!;
  const seenVersion = tlsVersionOf(sessions[0]!);
  if (first.version === undefined) notes.push(`the snapshot length hid the Server Hello: ${seenVersion} judged from the ChangeCipherSpec order`);
  const version = seenVersion === 'TLS 1.3' ? 'TLS 1.3' : seenVersion === 'TLS 1.2' ? 'TLS 1.2' : undefined;
  if (version === undefined) {
    notes.push(`the original negotiated ${first.version}; the re-run uses TLS 1.2`);
    return { version: 'TLS 1.2', cipherSuite: undefined, ciphers: undefined };
  }
  const suite = first.cipherSuite;
  if (version === 'TLS 1.3') return { version, cipherSuite: suite, ciphers: undefined };
  const ciphers = suite === undefined ? undefined : OPENSSL_TLS12[suite];
  if (suite !== undefined && ciphers === undefined) notes.push(`the original's suite ${suite} needs a certificate or key exchange the lab server lacks; the re-run lets the server choose`);
  return { version, cipherSuite: ciphers === undefined ? undefined : suite, ciphers };
}

interface Turn {
  startMs: number;
  clientBytes: number;
  serverBytes: number;
  lastServerMs: number;
  firstServerMs: number;
  path: string | undefined;
  /** serverBytes counts the response body (decrypted), not the bytes on the wire. */
  body: boolean;
}

/**
 * The application's turns of one connection: each a client request and the server bytes until the next
 * one. With the key log the decrypted requests say it exactly; without, client bursts are the turns, less
 * the TLS handshake's (two in TLS 1.2, one in 1.3) and the closing alerts.
 */
function turnsOf(c: Conn, base: number): Turn[] {
  const tls = c.report.tls;
  const requests = tls?.requests ?? [];
  if (requests.length > 0) {
    const timeOf = new Map(c.frames.map((f) => [f.frame, epochMs(f.time_epoch) - base]));
    return requests.map((r, i) => {
      const startMs = timeOf.get(r.frame) ?? 0;
      const nextFrame = requests[i + 1]?.frame ?? Infinity;
      const response = c.segs.filter((s) => s.direction === 'downlink' && s.f.frame > r.frame && s.f.frame < nextFrame && !s.flags.has('retransmission'));
      // The closing alerts (close_notify, a few dozen bytes) are not part of the last response.
      while (response.length > 1 && response[response.length - 1]!.end - response[response.length - 1]!.start < 64) response.pop();
      const firstServerMs = response[0]?.ms ?? startMs;
      if (r.responseFrame === undefined) {
        // Not decrypted to the end (a record lost with the capture): the bytes on the wire say its size.
        const wire = response.reduce((n, s) => n + s.end - s.start, 0);
        return { startMs, clientBytes: 0, serverBytes: wire, firstServerMs, lastServerMs: response[response.length - 1]?.ms ?? startMs, path: r.uri, body: false };
      }
      return { startMs, clientBytes: 0, serverBytes: r.bytes, firstServerMs, lastServerMs: timeOf.get(r.responseFrame) ?? startMs, path: r.uri, body: true };
    });
  }
  const turns: Turn[] = [];
  let current: Turn | undefined;
  for (const s of c.segs) {
    if (s.flags.has('retransmission')) continue;
    if (s.direction === 'uplink') {
      if (current === undefined || current.serverBytes > 0) {
        current = { startMs: s.ms, clientBytes: 0, serverBytes: 0, lastServerMs: s.ms, firstServerMs: s.ms, path: undefined, body: false };
        turns.push(current);
      }
      current.clientBytes += s.end - s.start;
    } else if (current !== undefined) {
      if (current.serverBytes === 0) current.firstServerMs = s.ms;
      current.serverBytes += s.end - s.start;
      current.lastServerMs = s.ms;
    }
  }
  if (tls === undefined) return turns;
  // An unknown version (the snapshot cut the Server Hello) counts as TLS 1.3, the lab server's default.
  const handshakeTurns = tlsVersionOf(c) === 'TLS 1.2' ? 2 : 1;
  const app = turns.slice(handshakeTurns);
  // close_notify alerts: a last exchange of a few dozen bytes each way.
  while (app.length > 0 && app[app.length - 1]!.clientBytes < 64 && app[app.length - 1]!.serverBytes < 64) app.pop();
  return app;
}

/** The request path for a response: the original's own when the lab server has it, else /bytes/N of the same size. */
function pathFor(turn: Turn, tls: boolean): string {
  if (turn.path !== undefined && /^\/(bytes\/\d+[km]?|media\/[a-z]+\.[a-z0-9]+|)$/.test(turn.path)) return turn.path;
  const body = turn.body ? turn.serverBytes : tls ? turn.serverBytes / (1 + TLS_RECORD_OVERHEAD) - RESPONSE_HEAD_BYTES : turn.serverBytes - RESPONSE_HEAD_BYTES;
  return `/bytes/${Math.min(MAX_BODY_BYTES, Math.max(1, Math.round(body)))}`;
}

function closeModeOf(teardown: Teardown): CloseMode {
  switch (teardown) {
    case 'fin-then-rst':
      return 'fin-then-rst';
    case 'rst-abort':
      return 'rst';
    case 'open':
      return 'idle';
    default:
      return 'fin';
  }
}

/** The first FIN or RST of a connection came from the server. */
function serverClosedFirst(c: Conn): boolean {
  const first = c.frames.find((f) => f.tcp_flags !== null && (f.tcp_flags & 0x05) !== 0);
  return first !== undefined && !(first.src === c.report.client.address && first.sport === c.report.client.port);
}

/** The end of the client's zero-window stall: the window update after the last zero window, relative to the response's start. */
function stallOf(c: Conn, turn: Turn, base: number): number | undefined {
  const isClient = (f: FrameRecord) => f.src === c.report.client.address && f.sport === c.report.client.port;
  const zero = c.frames.filter((f) => isClient(f) && f.flags.includes('zero_window'));
  if (zero.length === 0) return undefined;
  const lastZero = zero[zero.length - 1]!;
  const update = c.frames.find((f) => isClient(f) && f.frame > lastZero.frame && f.flags.includes('window_update')) ?? lastZero;
  const ms = epochMs(update.time_epoch) - base;
  if (ms < turn.firstServerMs || ms > turn.lastServerMs + 1) return undefined;
  return Math.max(1, Math.round(ms - turn.firstServerMs));
}

function planTimeline(analysis: Analysis, conns: readonly Conn[], base: number, notes: string[]): {
  steps: InferredStep[];
  connections: InferredConnection[];
  media: InferredScenario['media'];
  parallel: InferredScenario['parallel'];
  zeroWindow: boolean;
} {
  const steps: InferredStep[] = [];
  const connections: InferredConnection[] = [];
  let media: InferredScenario['media'];
  let parallel: InferredScenario['parallel'];
  let zeroWindow = false;
  const group = analysis.parallelConnections.find((g) => g.streams.length >= 2 && g.idleStreams.length === g.streams.length - 1);
  const inGroup = new Set(group?.streams ?? []);
  if (analysis.parallelConnections.some((g) => g !== group)) notes.push('connections that carried data at the same time are re-created one after another (the client DSL plays its steps in order)');
  let clock = 0; // the original's time where the previous step ended, in ms from the first frame
  const single = conns.length === 1;
  const startOf = (c: Conn) => epochMs(c.frames[0]!.time_epoch) - base;
  let pageDone = false;
  for (const c of conns) {
    const name = single ? 'main' : `c${c.conn}`;
    const turns = turnsOf(c, base);
    const tls = c.report.tls !== undefined;
    if (inGroup.has(c.report.stream)) {
      const spare = group!.idleStreams.includes(c.report.stream);
      connections.push({ stream: c.report.stream, conn: c.conn, name: spare ? `${name}-spare` : 'main', teardown: c.report.teardown, turns: [], spare });
      if (pageDone) continue;
      pageDone = true;
      const main = conns.find((o) => inGroup.has(o.report.stream) && !group!.idleStreams.includes(o.report.stream)) ?? c;
      const spareConn = conns.find((o) => group!.idleStreams.includes(o.report.stream));
      const mainTurns = turnsOf(main, base);
      parallel = { connections: group!.streams.length, idle: group!.idleStreams.length };
      const labPage = mainTurns.length === 4 && mainTurns.map((t) => t.path).join(' ') === '/ /media/image.jpg /media/audio.mp3 /media/video.mp4';
      if (labPage) {
        // wirelab's own lab page: the re-run serves the very same media.
      } else if (mainTurns.length >= 4) {
        const body = (t: Turn) => (t.body ? t.serverBytes : Math.max(1, Math.round((tls ? t.serverBytes / (1 + TLS_RECORD_OVERHEAD) : t.serverBytes) - RESPONSE_HEAD_BYTES)));
        media = { imageBytes: body(mainTurns[1]!), audioBytes: body(mainTurns[2]!), videoBytes: body(mainTurns[3]!) };
        if (mainTurns.length > 4) notes.push(`the page load's connection made ${mainTurns.length} requests; the re-run's page makes 4 (page, image, audio, video)`);
      } else notes.push(`the page load's connection made ${mainTurns.length} request(s); the re-run's page makes 4 (page, image, audio, video) with the default media sizes`);
      const spareClose = spareConn === undefined ? 'fin-then-rst' : closeModeOf(spareConn.report.teardown);
      steps.push({ atMs: Math.max(0, round(startOf(c))), relative: false, action: { kind: 'page', connection: 'main', connections: parallel.connections, spareClose }, comment: `streams ${group!.streams.join(', ')} opened at once, ${group!.idleStreams.length} left idle` });
      const last = mainTurns[mainTurns.length - 1];
      clock = last?.lastServerMs ?? startOf(c);
      const closeAt = closeTime(main, base);
      steps.push({ atMs: round(Math.max(0, closeAt - clock)), relative: true, action: { kind: 'close', connection: 'main', mode: closeModeOf(main.report.teardown) }, comment: `stream ${main.report.stream} ${main.report.teardown}` });
      clock = closeAt;
      continue;
    }
    const planned: InferredConnection['turns'][number][] = [];
    const where = `stream ${c.report.stream}: ${c.report.client.address}:${c.report.client.port} → ${c.report.server.address}:${c.report.server.port}`;
    const handshakeEnd = handshakeEndMs(c, base);
    // A request sent as soon as the handshake allows opens the connection itself (one step, as a client does).
    const openWithRequest = turns.length > 0 && turns[0]!.startMs - handshakeEnd < 5;
    if (!openWithRequest) steps.push({ atMs: Math.max(0, round(startOf(c))), relative: false, action: { kind: 'connect', connection: name }, comment: where });
    clock = Math.max(clock, handshakeEnd);
    for (const [k, t] of turns.entries()) {
      const path = pathFor(t, tls);
      const thinkMs = Math.min(MAX_THINK_MS, Math.max(0, round(t.startMs - clock)));
      const opening = openWithRequest && k === 0;
      const stallMs = stallOf(c, t, base);
      if (stallMs !== undefined) zeroWindow = true;
      if (t.clientBytes > 2000) notes.push(`stream ${c.report.stream}: the client sent ${t.clientBytes} bytes in one turn; the re-run sends a GET request (uploads are not re-created)`);
      planned.push({ path, serverBytes: t.serverBytes, thinkMs, ...(stallMs === undefined ? {} : { stallMs }) });
      const comment = `${opening ? `${where}; ` : ''}${t.serverBytes} bytes from the server${t.path === undefined ? '' : ` for ${t.path}`}`;
      steps.push({ atMs: opening ? Math.max(0, round(startOf(c))) : thinkMs, relative: !opening, action: { kind: 'get', connection: name, path, ...(stallMs === undefined ? {} : { stallMs }) }, comment });
      clock = t.lastServerMs;
    }
    if (serverClosedFirst(c) && c.report.teardown !== 'open') notes.push(`stream ${c.report.stream}: the server closed first; in the re-run the client closes (${closeModeOf(c.report.teardown)})`);
    const closeAt = closeTime(c, base);
    steps.push({ atMs: round(Math.min(MAX_THINK_MS, Math.max(0, closeAt - clock))), relative: true, action: { kind: 'close', connection: name, mode: closeModeOf(c.report.teardown) }, comment: `stream ${c.report.stream} ${c.report.teardown}` });
    clock = closeAt;
    connections.push({ stream: c.report.stream, conn: c.conn, name, teardown: c.report.teardown, turns: planned, spare: false });
  }
  return { steps, connections, media, parallel, zeroWindow };
}

/** When the handshake ended: the last TLS handshake frame, else the ACK of the SYN-ACK, else the first frame. */
function handshakeEndMs(c: Conn, base: number): number {
  const tls = c.report.tls;
  const last = Math.max(c.report.handshake.ackFrame ?? 0, ...(tls?.changeCipherSpecFrames ?? []), ...(tls?.encryptedHandshakeFrames ?? []));
  const frame = c.frames.find((f) => f.frame === last) ?? c.frames[0]!;
  return epochMs(frame.time_epoch) - base;
}

/** When the connection's teardown began (its first FIN or RST), or its last frame. */
function closeTime(c: Conn, base: number): number {
  const first = c.frames.find((f) => f.tcp_flags !== null && (f.tcp_flags & 0x05) !== 0) ?? c.frames[c.frames.length - 1]!;
  return epochMs(first.time_epoch) - base;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function baseName(source: string): string {
  return source.split(/[\\/]/).pop() ?? source;
}

/** "replay-" and the file name in kebab-case: "runs/x/Capture 1.pcapng" → "replay-capture-1". */
function scenarioName(source: string): string {
  // A run directory's capture is named by its directory: runs/lab-report/capture.pcapng → replay-lab-report.
  const parts = source.split(/[\\/]/);
  const file = parts.length > 1 && /^capture\.pcapng$/i.test(parts[parts.length - 1]!) ? parts[parts.length - 2]! : baseName(source);
  const stem = file.replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `replay-${stem || 'capture'}`;
}

function describeEvents(events: readonly InferredEvent[]): string {
  if (events.length === 0) return 'no impairment';
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}
