/**
 * match.ts: frame matchers for targeted impairments ("the 20th data segment", "the first FIN").
 * Frames are decoded by the analyzer's decoder, so a matcher sees what the analysis sees.
 * Pure; must not import node I/O modules.
 */
import { decodeFrame } from '../../analyzer/decode/decode-frame.js';
import { LinkType } from '../../analyzer/packet/frame.js';
import { isSegment, type Segment } from '../../analyzer/packet/packet.js';
import { ConfigError } from '../../analyzer/errors.js';
import type { Datagram } from './impairment.js';

/** A test on one frame; may keep state across frames of one run (e.g. a stream's first sequence number). */
export type MatchFn = (d: Datagram) => boolean;

/** A frame matcher recipe: `start()` makes a fresh test for one run, `label` names it in decisions. */
export interface Match {
  readonly label: string;
  start(): MatchFn;
}

const FIN = 0x001;
const SYN = 0x002;
const RST = 0x004;

/** The TCP fields a matcher (and the segment identity) reads. */
export interface TcpFields {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  /** TCP header flag bits (TcpFlag). */
  readonly flags: number;
  /** Wireshark's tcp.len: the IP payload length minus the TCP header. */
  readonly segmentLength: number;
  /** Addresses and ports as one string, unique per direction of a connection. */
  readonly flowKey: string;
  /** Source and destination addresses as hex (4 or 16 bytes). */
  readonly srcAddressHex: string;
  readonly dstAddressHex: string;
}

// Several matchers (allOf) look at the same datagram: decode it once.
const decoded = new WeakMap<Datagram, TcpFields | null>();

/** The TCP segment of a datagram's Ethernet frame; undefined for anything else (ARP, UDP, fragments). */
function tcpOf(d: Datagram): TcpFields | undefined {
  const cached = decoded.get(d);
  if (cached !== undefined) return cached ?? undefined;
  const fields = tcpFieldsOfFrame(d.data, d.frame);
  decoded.set(d, fields ?? null);
  return fields;
}

/** The TCP fields of an Ethernet frame, through the analyzer's decoder; undefined for anything but TCP. */
export function tcpFieldsOfFrame(data: Buffer, index = 1): TcpFields | undefined {
  const p = decodeFrame({ index, timestampNs: 0n, linkType: LinkType.Ethernet, originalLength: data.length, data, interfaceId: 0 });
  return isSegment(p) ? fieldsOf(p) : undefined;
}

function fieldsOf(p: Segment): TcpFields {
  const { tcp, ip } = p;
  const src = ip.src.toString('hex');
  const dst = ip.dst.toString('hex');
  return {
    srcPort: tcp.srcPort,
    dstPort: tcp.dstPort,
    seq: tcp.seq,
    flags: tcp.flags,
    segmentLength: tcp.segmentLength,
    flowKey: `${src}>${dst}:${tcp.srcPort}>${tcp.dstPort}`,
    srcAddressHex: src,
    dstAddressHex: dst,
  };
}

function stateless(label: string, test: (tcp: TcpFields | undefined, d: Datagram) => boolean): Match {
  const fn: MatchFn = (d) => test(tcpOf(d), d);
  return { label, start: () => fn };
}

/** Every frame. */
export const anyFrame: Match = { label: 'any', start: () => () => true };
/** TCP segments carrying payload (retransmissions included). */
export const isDataSegment: Match = stateless('data', (t) => t !== undefined && t.segmentLength > 0);
/** TCP segments with SYN set (SYN and SYN/ACK). */
export const isSyn: Match = stateless('syn', (t) => t !== undefined && (t.flags & SYN) !== 0);
/** TCP segments with FIN set. */
export const isFin: Match = stateless('fin', (t) => t !== undefined && (t.flags & FIN) !== 0);
/** TCP segments with RST set. */
export const isRst: Match = stateless('rst', (t) => t !== undefined && (t.flags & RST) !== 0);
/** Any TCP segment. */
export const isTcp: Match = stateless('tcp', (t) => t !== undefined);

/** TCP segments from (`src`), to (`dst`) or from-or-to (`either`) a port: picks one flow of several. */
export function tcpPort(which: 'src' | 'dst' | 'either', port: number): Match {
  const name = which === 'src' ? 'sport' : which === 'dst' ? 'dport' : 'port';
  return stateless(`${name} ${port}`, (t) => {
    if (t === undefined) return false;
    if (which === 'src') return t.srcPort === port;
    if (which === 'dst') return t.dstPort === port;
    return t.srcPort === port || t.dstPort === port;
  });
}

/**
 * Data segments whose payload covers byte `offset` (0-based) of their stream, counted from the
 * byte after the SYN (or, when the SYN was not seen, from the first segment seen on that flow).
 */
export function coversOffset(offset: number): Match {
  return {
    label: `offset ${offset}`,
    start: () => {
      const firstByte = new Map<string, number>();
      return (d) => {
        const t = tcpOf(d);
        if (t === undefined) return false;
        // RFC 9293 §3.4: the SYN consumes one sequence number; data starts at ISN + 1.
        if ((t.flags & SYN) !== 0) firstByte.set(t.flowKey, (t.seq + 1) >>> 0);
        if (t.segmentLength === 0) return false;
        let base = firstByte.get(t.flowKey);
        if (base === undefined) {
          base = t.seq;
          firstByte.set(t.flowKey, base);
        }
        const start = (t.seq - base) >>> 0;
        return offset >= start && offset < start + t.segmentLength;
      };
    },
  };
}

/**
 * TCP segments of the `n`th connection (1-based) this direction carries, numbered in the order their
 * first segment (the SYN or SYN-ACK, when seen) appears. A SYN with a new sequence number on a known
 * flow starts a new connection (port reuse).
 */
export function inConnection(n: number): Match {
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`inConnection(${n}): expected an integer >= 1`);
  return {
    label: `conn ${n}`,
    start: () => {
      const flows = new Map<string, { index: number; isn: number | undefined }>();
      let count = 0;
      return (d) => {
        const t = tcpOf(d);
        if (t === undefined) return false;
        const syn = (t.flags & SYN) !== 0;
        let flow = flows.get(t.flowKey);
        if (flow === undefined || (syn && flow.isn !== undefined && flow.isn !== t.seq)) {
          flow = { index: ++count, isn: syn ? t.seq : undefined };
          flows.set(t.flowKey, flow);
        } else if (syn) flow.isn = t.seq;
        return flow.index === n;
      };
    },
  };
}

/** Frames every given matcher accepts (label: the labels joined by spaces). */
export function allOf(...matches: readonly Match[]): Match {
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) return anyFrame;
  return {
    label: matches.map((m) => m.label).join(' '),
    start: () => {
      const fns = matches.map((m) => m.start());
      return (d) => {
        // Run every test, not just until the first false: stateful ones (offset) must see each SYN.
        let ok = true;
        for (const fn of fns) ok = fn(d) && ok;
        return ok;
      };
    },
  };
}
