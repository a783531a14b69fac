/**
 * packet-timeline.ts: tcpdump-like lines of a run's capture with the proxy's ground truth next to them,
 * for timeline.txt and failure messages. Pure; no I/O.
 */
import type { Analysis, FrameRecord } from '../../analyzer/analysis-result.js';
import type { Direction, ImpairDecision } from '../impair/impairment.js';
import { describeSegment } from '../impair/segment-identity.js';

/** Where a captured frame came from in the proxy: its direction and number in that direction's chain. */
export interface ChainPosition {
  readonly direction: Direction;
  /** ImpairDecision.frame of this frame; undefined for frames outside the chains (ARP/NDP). */
  readonly chainFrame: number | undefined;
}

/** What the timeline needs to know about the run. */
export interface PacketTimelineContext {
  /** Client addresses (IPv4 and IPv6) to tell C>S from S>C. */
  readonly clientAddresses: readonly string[];
  /** Which side the capture was taken on. */
  readonly capturePoint: 'client' | 'server';
  readonly decisions: readonly ImpairDecision[];
  /** Chain position of each captured frame, in capture order (the proxy's `captured[point]`). */
  readonly positions?: readonly ChainPosition[];
}

/** Options of {@link formatPacketTimeline}. */
export interface PacketTimelineOptions {
  /** Show only frames within `context` frames of these (with "…" between gaps); all frames when absent. */
  readonly around?: readonly number[];
  readonly context?: number;
  /** Frames to mark with ">>" (the ones an expectation is about). */
  readonly mark?: readonly number[];
}

const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_PSH = 0x08;
const TCP_ACK = 0x10;

/** tcpdump's flag letters: S, F, R, P, and '.' for ACK. */
function flagLetters(flags: number): string {
  let s = '';
  if (flags & TCP_SYN) s += 'S';
  if (flags & TCP_FIN) s += 'F';
  if (flags & TCP_RST) s += 'R';
  if (flags & TCP_PSH) s += 'P';
  if (flags & TCP_ACK) s += '.';
  return s === '' ? 'none' : s;
}

/** Capture frame numbers (1-based) of each proxy chain frame, from the positions of a capture's frames. */
export function captureFramesByChainFrame(positions: readonly ChainPosition[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [i, p] of positions.entries()) {
    if (p.chainFrame === undefined) continue;
    const key = `${p.direction}:${p.chainFrame}`;
    const list = out.get(key) ?? [];
    list.push(i + 1);
    out.set(key, list);
  }
  return out;
}

/**
 * One line per frame: number, seconds since the first frame, TCP stream and client port, direction,
 * flags, relative `seq:nxtseq(len)`, ack, window, the analyzer's flags and the proxy's decisions. With
 * `positions`, each decision sits on the capture frame of the segment it concerns (at either capture
 * point: a server-side capture sees a downlink segment before the proxy drops it), and segments this
 * capture never saw (dropped before it, or hidden) get a line of their own, with their identity,
 * where they would have been; without positions, decisions are listed at the end.
 */
export function formatPacketTimeline(analysis: Analysis, context: PacketTimelineContext, options: PacketTimelineOptions = {}): string {
  const key = (direction: Direction, frame: number): string => `${direction}:${frame}`;
  const positions = context.positions !== undefined && context.positions.length === analysis.frames.length ? context.positions : undefined;
  const inCapture = positions === undefined ? new Map<string, number[]>() : captureFramesByChainFrame(positions);
  const onFrame = new Map<string, ImpairDecision[]>();
  const unseen: ImpairDecision[] = [];
  for (const d of context.decisions) {
    if (d.action === 'pass' || d.action === 'release' || d.action === 'delay' || d.frame === 0) continue;
    if (positions && d.action !== 'capture-drop' && inCapture.has(key(d.direction, d.frame))) {
      const list = onFrame.get(key(d.direction, d.frame)) ?? [];
      list.push(d);
      onFrame.set(key(d.direction, d.frame), list);
    } else {
      unseen.push(d);
    }
  }
  // Frames the capture lacks are shown before the first captured frame of the same direction with a higher chain number.
  unseen.sort((a, b) => a.frame - b.frame);
  const pending: Record<Direction, ImpairDecision[]> = {
    uplink: unseen.filter((d) => d.direction === 'uplink'),
    downlink: unseen.filter((d) => d.direction === 'downlink'),
  };
  const clients = new Set(context.clientAddresses);
  const first = analysis.frames[0];
  const t0 = first ? Number(first.time_epoch) : 0;
  const show = visibleFrames(analysis.frames.length, options);
  const marks = new Set(options.mark ?? []);
  const lines: string[] = [];
  let gap = false;
  for (const [i, f] of analysis.frames.entries()) {
    const position = positions?.[i];
    const missing: ImpairDecision[] = [];
    if (position?.chainFrame !== undefined) {
      const queue = pending[position.direction];
      while (queue.length > 0 && queue[0]!.frame < position.chainFrame) missing.push(queue.shift()!);
    }
    const notes = position?.chainFrame === undefined ? undefined : onFrame.get(key(position.direction, position.chainFrame));
    if (!show(f.frame) && missing.length === 0) {
      gap = true;
      continue;
    }
    if (gap) lines.push('  …');
    gap = false;
    for (const d of missing) {
      const segment = d.segment === undefined ? `frame ${d.frame}` : describeSegment(d.segment);
      lines.push(`  ${'-'.padStart(5)} ${''.padStart(10)} ${''.padStart(STREAM_COLUMN)} ${d.direction === 'uplink' ? 'C>S' : 'S>C'} ${segment} not in this capture [${describeDecision(d)}]`);
    }
    if (show(f.frame)) lines.push(formatFrame(f, t0, f.src !== null && clients.has(f.src), notes, marks.has(f.frame)));
    else gap = true;
  }
  const rest = [...pending.uplink, ...pending.downlink];
  if (!positions) rest.push(...[...onFrame.values()].flat());
  if (rest.length > 0) {
    lines.push(`  proxy decisions not placed on a frame (frame = nth frame of that direction):`);
    for (const d of rest) lines.push(`    ${d.direction} frame ${d.frame}${d.segment === undefined ? '' : ` (${describeSegment(d.segment)})`}: ${describeDecision(d)}`);
  }
  return lines.join('\n');
}

function visibleFrames(total: number, options: PacketTimelineOptions): (frame: number) => boolean {
  if (options.around === undefined || options.around.length === 0) return () => true;
  const radius = options.context ?? 4;
  const keep = new Uint8Array(total + 2);
  for (const f of options.around) for (let i = Math.max(1, f - radius); i <= Math.min(total, f + radius); i++) keep[i] = 1;
  return (frame) => keep[frame] === 1;
}

function describeDecision(d: ImpairDecision): string {
  const verb = d.action === 'drop' ? 'dropped' : d.action === 'duplicate' ? 'duplicated' : d.action === 'reorder' ? 'reordered' : d.action === 'capture-drop' ? 'hidden from capture' : d.action;
  return `${verb}: ${d.direction} ${d.impairment}${d.afterFrame === undefined ? '' : ` (sent after frame ${d.afterFrame})`}`;
}

/** Width of the "stream :client-port" column. */
const STREAM_COLUMN = 10;

function formatFrame(f: FrameRecord, t0: number, up: boolean, notes: readonly ImpairDecision[] | undefined, marked: boolean): string {
  const time = (Number(f.time_epoch) - t0).toFixed(6);
  const clientPort = up ? f.sport : f.dport;
  const stream = f.stream === null ? '' : `${f.stream}${clientPort === null ? '' : ` :${clientPort}`}`;
  let text: string;
  if (f.tcp_flags === null) {
    text = f.info;
  } else {
    const len = f.tcp_len ?? 0;
    const seq = f.seq ?? 0;
    const range = len > 0 || f.tcp_flags & (TCP_SYN | TCP_FIN) ? ` ${seq}:${f.nxtseq ?? seq + len}(${len})` : '';
    const ack = f.tcp_flags & TCP_ACK ? ` ack ${f.ack ?? 0}` : '';
    const tlsInfo = f.tls && f.tls.records.length > 0 ? ` {${describeTls(f)}}` : '';
    text = `${up ? 'C>S' : 'S>C'} ${flagLetters(f.tcp_flags)}${range}${ack} win ${f.win ?? 0}${tlsInfo}`;
  }
  const flags = f.flags.length > 0 ? ` [${f.flags.join(', ')}]` : '';
  const proxy = notes ? notes.map((d) => ` [${describeDecision(d)}]`).join('') : '';
  return `${marked ? '>>' : '  '}${String(f.frame).padStart(5)} ${time.padStart(10)} ${stream.padStart(STREAM_COLUMN)} ${text}${flags}${proxy}`;
}

const CONTENT_TYPE_NAMES: Record<number, string> = { 20: 'ChangeCipherSpec', 21: 'Alert', 22: 'Handshake', 23: 'AppData' };

function describeTls(f: FrameRecord): string {
  return f.tls!.records.map((r) => (r.type === null ? 'TLS?' : (CONTENT_TYPE_NAMES[r.type] ?? `type ${r.type}`))).join(',');
}
