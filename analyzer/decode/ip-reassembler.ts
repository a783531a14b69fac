/**
 * ip-reassembler.ts: stateful IPv4/IPv6 fragment reassembly over decoded Packets, as tshark does by default.
 * Imports only packet/ and decode/; no I/O, no clock (time comes from frame.timestampNs).
 */
import type { DecodeIssue, Ipv4Header, Ipv6Header, Packet } from '../packet/packet.js';
import { formatIp } from '../packet/packet.js';
import { decodeReassembledDatagram } from './decode-frame.js';

/** Bounds of the reassembler's memory. */
export interface IpReassemblerOptions {
  /** Total fragment bytes held; the oldest datagrams are evicted beyond it. Default 4 MiB. */
  readonly maxBytes?: number;
  /** Datagrams held at once; the oldest is evicted beyond it. Default 1024. */
  readonly maxPending?: number;
  /** Drop a datagram whose first fragment is older than this. Default: never (tshark has no timeout). */
  readonly timeoutNs?: bigint;
  /** Fragments held for one datagram; it is dropped beyond it. Default 1024. */
  readonly maxFragmentsPerDatagram?: number;
}

/** A datagram that never completed, reported by flush(). */
export interface IncompleteDatagram {
  readonly version: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly identification: number;
  /** Frame indexes of the fragments received, in arrival order. */
  readonly frames: readonly number[];
  readonly receivedBytes: number;
  /** Datagram length, known once the last fragment (MF = 0) arrived. */
  readonly expectedBytes?: number;
}

/** Reassembles IP fragments; feed it every decoded packet in frame order. */
export interface IpReassembler {
  /**
   * Returns `p` unchanged unless it is an IP fragment. A fragment is stored (its bytes copied); the
   * frame that completes a datagram gets a new Packet whose ip/tcp/udp come from the reassembled
   * datagram, with `reassembledFrom`. Overlaps and evictions add `bad-fragment` issues.
   */
  push(p: Packet): Packet;
  /** Datagrams still incomplete; clears them. */
  flush(): IncompleteDatagram[];
  /** Fragment bytes currently held. */
  readonly pendingBytes: number;
  /** Datagrams currently held. */
  readonly pendingDatagrams: number;
}

interface Fragment {
  readonly offset: number;
  readonly data: Buffer;
  readonly frame: number;
}

interface PendingDatagram {
  readonly version: 4 | 6;
  readonly src: Buffer;
  readonly dst: Buffer;
  readonly identification: number;
  readonly firstTimestampNs: bigint;
  readonly fragments: Fragment[];
  bytes: number;
  /** Datagram payload length once the last fragment arrived, else -1. */
  totalLength: number;
  /** Copy of the first fragment's IP header (IPv4 with options; IPv6 fixed 40 bytes). */
  header: Buffer | undefined;
}

/** Largest reassembled payload: the IPv4 total length and IPv6 payload length are 16 bits. */
const MAX_DATAGRAM_BYTES = 65535;

class Reassembler implements IpReassembler {
  private readonly maxBytes: number;
  private readonly maxPending: number;
  private readonly timeoutNs: bigint | undefined;
  private readonly maxFragments: number;
  private readonly pending = new Map<string, PendingDatagram>();
  private bytes = 0;

  constructor(options: IpReassemblerOptions) {
    this.maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    this.maxPending = options.maxPending ?? 1024;
    this.timeoutNs = options.timeoutNs;
    this.maxFragments = options.maxFragmentsPerDatagram ?? 1024;
  }

  get pendingBytes(): number {
    return this.bytes;
  }

  get pendingDatagrams(): number {
    return this.pending.size;
  }

  push(p: Packet): Packet {
    if (p.ipFragment !== true || p.ip === undefined) return p;
    const ip = p.ip;
    const issues: DecodeIssue[] = [];
    const at = ipOffset(p);
    const frame = p.frame.index;
    this.expire(p.frame.timestampNs, issues, at, frame);

    let offset: number;
    let more: boolean;
    let identification: number;
    let key: string;
    if (ip.version === 4) {
      offset = ip.fragmentOffset;
      more = ip.moreFragments;
      identification = ip.identification;
      key = `4/${ip.src.toString('hex')}/${ip.dst.toString('hex')}/${ip.protocol}/${identification}`;
    } else {
      const f = ip.fragment!;
      offset = f.offset;
      more = f.moreFragments;
      identification = f.identification;
      key = `6/${ip.src.toString('hex')}/${ip.dst.toString('hex')}/${identification}`;
    }
    // tshark reassembles only fragments whose bytes were all captured: one the snapshot cut stays a
    // lone fragment (a cut first fragment was dissected as far as it goes by the decoder).
    if (ip.payload.length < ip.payloadLength) return withIssues(p, issues);
    const data = Buffer.from(ip.payload); // the frame's bytes are not ours to keep
    const end = offset + data.length;
    if (end > MAX_DATAGRAM_BYTES) {
      issues.push(issue(at, frame, `ip fragment ends at byte ${end}, beyond the ${MAX_DATAGRAM_BYTES}-byte datagram limit; dropped`));
      return withIssues(p, issues);
    }
    if (more && data.length % 8 !== 0) {
      issues.push(issue(at, frame, `ip fragment with more-fragments set has ${data.length} bytes, not a multiple of 8`));
    }

    let d = this.pending.get(key);
    if (d === undefined) {
      d = {
        version: ip.version, src: Buffer.from(ip.src), dst: Buffer.from(ip.dst), identification,
        firstTimestampNs: p.frame.timestampNs, fragments: [], bytes: 0, totalLength: -1, header: undefined,
      };
      this.pending.set(key, d);
    }
    checkOverlaps(d, offset, data, issues, at, frame);
    if (!more) {
      if (d.totalLength >= 0 && d.totalLength !== end) {
        issues.push(issue(at, frame, `last ip fragment ends at ${end} but an earlier one ended at ${d.totalLength}; keeping the first`));
      } else d.totalLength = end;
    }
    if (offset === 0 && d.header === undefined) d.header = copyHeader(ip);
    d.fragments.push({ offset, data, frame });
    d.bytes += data.length;
    this.bytes += data.length;

    if (d.fragments.length > this.maxFragments) {
      this.drop(key, d);
      issues.push(issue(at, frame, `ip datagram id ${identification} has more than ${this.maxFragments} fragments; dropped`));
      return withIssues(p, issues);
    }

    const datagram = tryAssemble(d);
    if (datagram !== undefined) {
      this.drop(key, d);
      const frames = [...new Set(d.fragments.map((f) => f.frame))].sort((a, b) => a - b);
      const q = decodeReassembledDatagram(p, datagram);
      return { ...q, reassembledFrom: frames, issues: issues.length > 0 ? [...q.issues, ...issues] : q.issues };
    }
    this.evict(key, issues, at, frame);
    return withIssues(p, issues);
  }

  flush(): IncompleteDatagram[] {
    const out: IncompleteDatagram[] = [];
    for (const d of this.pending.values()) out.push(describe(d));
    this.pending.clear();
    this.bytes = 0;
    return out;
  }

  private drop(key: string, d: PendingDatagram): void {
    this.pending.delete(key);
    this.bytes -= d.bytes;
  }

  /** Enforces maxBytes and maxPending by dropping the oldest datagrams (possibly the current one). */
  private evict(currentKey: string, issues: DecodeIssue[], at: number, frame: number): void {
    for (const [key, d] of this.pending) {
      if (this.bytes <= this.maxBytes && this.pending.size <= this.maxPending) break;
      this.drop(key, d);
      const which = key === currentKey ? 'this datagram' : `datagram id ${d.identification}`;
      issues.push(issue(at, frame, `ip reassembly limit (${this.maxBytes} bytes, ${this.maxPending} datagrams) reached; dropped ${which} (frames ${d.fragments.map((f) => f.frame).join(',')})`));
    }
  }

  private expire(nowNs: bigint, issues: DecodeIssue[], at: number, frame: number): void {
    if (this.timeoutNs === undefined) return;
    for (const [key, d] of this.pending) {
      if (nowNs - d.firstTimestampNs <= this.timeoutNs) break;
      this.drop(key, d);
      issues.push(issue(at, frame, `ip datagram id ${d.identification} timed out incomplete (frames ${d.fragments.map((f) => f.frame).join(',')})`));
    }
  }
}

function issue(offset: number, frame: number, message: string): DecodeIssue {
  return { code: 'bad-fragment', layer: 'ip', offset, message: `frame ${frame}: ${message}` };
}

function withIssues(p: Packet, issues: DecodeIssue[]): Packet {
  return issues.length === 0 ? p : { ...p, issues: [...p.issues, ...issues] };
}

/** Offset of the fragment's IP header in frame.data, for issue positions. */
function ipOffset(p: Packet): number {
  const at = p.ip!.bytes.byteOffset - p.frame.data.byteOffset;
  return at >= 0 && at < p.frame.data.length ? at : 0;
}

function copyHeader(ip: Ipv4Header | Ipv6Header): Buffer {
  if (ip.version === 4) return Buffer.from(ip.bytes);
  const h = Buffer.from(ip.bytes.subarray(0, 40));
  // The fragment header is dropped: its next header (ip.protocol) follows the fixed header directly.
  h[6] = ip.protocol;
  return h;
}

/**
 * Records overlaps with fragments already held. Wireshark's reassembly keeps, for each byte, the
 * fragment with the lowest offset (the earliest one among equal offsets) and marks differing
 * overlapping data as a conflict; we apply the same order in tryAssemble and report both cases here.
 */
function checkOverlaps(d: PendingDatagram, offset: number, data: Buffer, issues: DecodeIssue[], at: number, frame: number): void {
  const end = offset + data.length;
  for (const f of d.fragments) {
    const fEnd = f.offset + f.data.length;
    const lo = Math.max(offset, f.offset);
    const hi = Math.min(end, fEnd);
    if (lo >= hi) continue;
    const same = data.compare(f.data, lo - f.offset, hi - f.offset, lo - offset, hi - offset) === 0;
    issues.push(issue(at, frame, same
      ? `ip fragment bytes ${offset}-${end} overlap frame ${f.frame}'s bytes ${f.offset}-${fEnd} with identical data`
      : `ip fragment bytes ${offset}-${end} overlap frame ${f.frame}'s bytes ${f.offset}-${fEnd} with different data (overlap conflict)`));
    return; // one issue per fragment is enough
  }
}

/** The reassembled datagram (IP header + payload) when every byte is present, else undefined. */
function tryAssemble(d: PendingDatagram): Buffer | undefined {
  if (d.totalLength < 0 || d.header === undefined) return undefined;
  // Stable sort: among equal offsets the first to arrive stays first and wins.
  const sorted = d.fragments.slice().sort((a, b) => a.offset - b.offset);
  let covered = 0;
  for (const f of sorted) {
    if (f.offset > covered) return undefined;
    covered = Math.max(covered, f.offset + f.data.length);
  }
  if (covered < d.totalLength) return undefined;
  const header = d.header;
  const out = Buffer.alloc(header.length + d.totalLength);
  header.copy(out, 0);
  let filled = 0;
  for (const f of sorted) {
    const fEnd = Math.min(f.offset + f.data.length, d.totalLength);
    if (fEnd <= filled) continue;
    f.data.copy(out, header.length + filled, filled - f.offset, fEnd - f.offset);
    filled = fEnd;
  }
  if (d.version === 4) {
    out.writeUInt16BE(header.length + d.totalLength, 2);
    out.writeUInt16BE(out.readUInt16BE(6) & 0x4000, 6); // keep DF, clear MF and the offset
  } else {
    out.writeUInt16BE(d.totalLength, 4);
  }
  return out;
}

function describe(d: PendingDatagram): IncompleteDatagram {
  const base = {
    version: d.version, src: formatIp(d.src), dst: formatIp(d.dst), identification: d.identification,
    frames: d.fragments.map((f) => f.frame), receivedBytes: d.bytes,
  };
  return d.totalLength >= 0 ? { ...base, expectedBytes: d.totalLength } : base;
}

/**
 * Creates an IP reassembler with bounded memory. Keys: (src, dst, protocol, id) for IPv4 and
 * (src, dst, id) for IPv6. IPv6 extension headers before the fragment header (the unfragmentable
 * part) are not kept in the reassembled datagram.
 *
 * @example
 * const reasm = createIpReassembler();
 * for (const frame of frames) {
 *   const p = reasm.push(decodeFrame(frame));
 *   if (isSegment(p)) analyzer.push(p);
 * }
 */
export function createIpReassembler(options: IpReassemblerOptions = {}): IpReassembler {
  return new Reassembler(options);
}
