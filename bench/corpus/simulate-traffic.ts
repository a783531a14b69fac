/**
 * simulate-traffic.ts: a seeded discrete-event simulation of many HTTPS-over-TCP connections, seen at a
 * tap next to the server, yielding real frames built with analyzer/encode/. Bench code; no I/O, no cap.
 */
import { ConfigError } from '../../analyzer/errors.js';
import { buildTcpFrame } from '../../analyzer/encode/build-tcp-frame.js';
import { ethernetEncap } from '../../analyzer/encode/encapsulation.js';
import type { Encapsulation } from '../../analyzer/encode/encapsulation.js';
import { encryptRecord } from '../../analyzer/analysis/tls/decrypt/record-decryptor.js';
import { TcpFlag } from '../../analyzer/packet/packet.js';
import type { TemplateKeys, TlsTemplate } from './tls-templates.js';

/** Knobs of the traffic model; every one has a default that gives "busy HTTPS front end" traffic. */
export interface TrafficOptions {
  /**
   * Target frame count. Connections stop opening once the frames expected from those already open reach
   * it, so the corpus ends close to it (usually 5–10% above it) with every connection closed.
   */
  readonly packets: number;
  /** PRNG seed: the same seed and options give the same bytes. */
  readonly seed: number;
  /** Probability that a data segment or pure ACK is lost on the path (default 0.01). */
  readonly lossRate?: number;
  /** Probability that a data segment is held back behind the next ones (default 0.004). */
  readonly reorderRate?: number;
  /** Mean time between connection openings (default 2 ms, which keeps ~100–200 connections open). */
  readonly meanInterarrivalMs?: number;
  /** Responses are log-uniform between 1 KiB and this (default 1.5 MB). */
  readonly maxResponseBytes?: number;
  /** Share of IPv6 connections (default 0.1). */
  readonly ipv6Share?: number;
  /** Wraps each connection's IP datagrams in a frame; default plain Ethernet (chosen per connection). */
  readonly encapsulationOf?: (connection: number) => Encapsulation;
}

/** One captured frame of the corpus. */
export interface CorpusPacket {
  readonly timestampNs: bigint;
  readonly data: Buffer;
}

const MSS_BYTES = 1448; // 1500-byte MTU minus IPv4, TCP and the 12-byte timestamp option
const MAX_RECORD_PLAINTEXT_BYTES = 16_384;
const WINDOW_SCALE = 7;
const WINDOW_RAW = 2048; // 256 KiB once scaled: larger than any flight here, so no window-full flags
const DELAYED_ACK_NS = 40_000_000;
const MIN_RTO_NS = 200_000_000;
const TAP_TO_SERVER_NS = 30_000; // the tap sits next to the server
const START_EPOCH_NS = 1_700_000_000_000_000_000n;
const RANDOM_POOL_BYTES = 1 << 20;

/** sfc32: small, fast and fully determined by the seed (Math.random is neither). */
class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = seed >>> 0;
    for (let i = 0; i < 16; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  }

  int(lo: number, hiExclusive: number): number {
    return lo + Math.floor(this.next() * (hiExclusive - lo));
  }

  logUniform(lo: number, hi: number): number {
    return lo * Math.pow(hi / lo, this.next());
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}

interface SimEvent {
  readonly t: number;
  readonly id: number;
  readonly run: () => void;
}

/** Binary min-heap on (t, id): id breaks ties in scheduling order, which keeps runs deterministic. */
class EventQueue {
  private readonly heap: SimEvent[] = [];
  private nextId = 0;

  get size(): number {
    return this.heap.length;
  }

  push(t: number, run: () => void): void {
    const h = this.heap;
    h.push({ t, id: this.nextId++, run });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }
}

function before(x: SimEvent, y: SimEvent): boolean {
  return x.t < y.t || (x.t === y.t && x.id < y.id);
}

/** What one side does once it has received `afterBytes` of the peer's stream. */
interface ScriptStep {
  readonly afterBytes: number;
  readonly data: readonly Buffer[];
  readonly thinkNs: number;
  readonly close?: 'fin' | 'rst';
}

/** A segment in flight: the frame bytes plus what the receiving simulation needs, so it never parses. */
interface Wire {
  readonly frame: Buffer;
  readonly seqOff: number;
  readonly len: number;
  readonly ackOff: number;
  readonly flags: number;
  readonly tsValue: number;
}

/** One side of a connection: a sender of its byte stream and a receiver of the peer's. */
class Endpoint {
  // Sender.
  readonly chunks: Buffer[] = [];
  readonly chunkStarts: number[] = [];
  /** Stream offsets where an application write (one script step) ended: segments ending there carry PSH. */
  readonly writeEnds: number[] = [];
  /** Bytes queued by the application so far. */
  sndLen = 0;
  /** Next new byte to send, highest byte sent, oldest unacknowledged byte (offsets from ISN + 1). */
  sndNxt = 0;
  sndMax = 0;
  sndUna = 0;
  cwnd = 10;
  ssthresh = 1e9;
  dupAcks = 0;
  /** sndMax when fast recovery began; -1 outside recovery (RFC 6582 NewReno). */
  recover = -1;
  nextSendNs = 0;
  sendScheduled = false;
  rtoToken = 0;
  rtoArmed = false;
  rtoNs = MIN_RTO_NS;
  finQueued = false;
  finSent = false;
  ipId: number;
  // Receiver.
  rcvNxt = 0;
  /** Out-of-order [start, end) ranges above rcvNxt, sorted. */
  ooo: [number, number][] = [];
  peerFinOff = -1;
  finReceived = false;
  unackedSegments = 0;
  delAckToken = 0;
  tsRecent = 0;
  scriptPos = 0;
  /** A script step is waiting for its think time; the next one waits for it (steps stay in order). */
  stepPending = false;
  closed = false;

  constructor(
    readonly ip: Buffer,
    readonly port: number,
    readonly isn: number,
    readonly tsBase: number,
    readonly script: ScriptStep[],
    rng: SeededRandom,
  ) {
    this.ipId = rng.int(0, 65536);
  }

  append(data: Buffer): void {
    this.chunks.push(data);
    this.chunkStarts.push(this.sndLen);
    this.sndLen += data.length;
  }

  /** Bytes [off, off + len) of the stream, copied only when they span records. */
  slice(off: number, len: number): Buffer {
    let lo = 0;
    let hi = this.chunkStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunkStarts[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    let i = lo;
    const start = off - this.chunkStarts[i]!;
    const first = this.chunks[i]!;
    if (start + len <= first.length) return first.subarray(start, start + len);
    const parts: Buffer[] = [first.subarray(start)];
    let got = first.length - start;
    while (got < len) {
      const next = this.chunks[++i]!;
      const take = Math.min(next.length, len - got);
      parts.push(next.subarray(0, take));
      got += take;
    }
    return Buffer.concat(parts, len);
  }

  /** True when `off` ends an application write (a TLS flight, a request, a response): PSH. */
  endsWrite(off: number): boolean {
    return this.writeEnds.includes(off);
  }
}

/** A TCP connection between a client and the server, driven by the shared event queue. */
class Connection {
  readonly ends: [Endpoint, Endpoint];
  done = false;

  constructor(
    private readonly sim: Simulation,
    readonly encap: Encapsulation,
    client: Endpoint,
    server: Endpoint,
    readonly rttNs: number,
  ) {
    this.ends = [client, server];
  }

  /** One-way delay from `from`'s side to the tap; the tap sits next to the server (1). */
  private toTapNs(from: 0 | 1): number {
    return from === 1 ? TAP_TO_SERVER_NS : this.rttNs / 2 - TAP_TO_SERVER_NS;
  }

  private fromTapNs(from: 0 | 1): number {
    return from === 1 ? this.rttNs / 2 - TAP_TO_SERVER_NS : TAP_TO_SERVER_NS;
  }

  /** Builds the frame `from` sends now and puts it on the path (loss, reordering, the tap, the peer). */
  send(from: 0 | 1, seqOff: number, len: number, flags: number, payload: Buffer | undefined): void {
    const sim = this.sim;
    const me = this.ends[from];
    const peer = this.ends[from === 0 ? 1 : 0];
    const now = sim.now;
    const finSeen = me.finQueued || peer.finQueued || me.finSent || peer.finSent;
    const ackOff = me.rcvNxt + (me.finReceived ? 1 : 0);
    const tsValue = (me.tsBase + Math.floor(now / 1_000_000)) >>> 0;
    const syn = (flags & TcpFlag.Syn) !== 0;
    const frame = buildTcpFrame({
      src: me.ip, dst: peer.ip, sport: me.port, dport: peer.port,
      seq: (me.isn + (syn ? 0 : 1) + seqOff) >>> 0,
      ack: (flags & TcpFlag.Ack) !== 0 ? (peer.isn + 1 + ackOff) >>> 0 : 0,
      flags, window: syn ? (from === 0 ? 64240 : 65160) : WINDOW_RAW,
      ...(payload !== undefined ? { payload } : {}),
      options: syn
        ? { mss: 1460, windowScale: WINDOW_SCALE, timestamp: { value: tsValue, echo: me.tsRecent } }
        : { timestamp: { value: tsValue, echo: me.tsRecent } },
      ipId: (me.ipId = (me.ipId + 1) & 0xffff), encap: this.encap, reverse: from === 1,
    });
    const wire: Wire = { frame, seqOff, len, ackOff, flags, tsValue };
    const control = (flags & (TcpFlag.Syn | TcpFlag.Fin | TcpFlag.Rst)) !== 0 || finSeen;
    const r = sim.rng.next();
    // Control segments are never lost: the model does not retransmit SYNs and FINs.
    const lossRate = control ? 0 : sim.lossRate;
    const lostBeforeTap = r < lossRate * 0.3;
    const lostAfterTap = !lostBeforeTap && r < lossRate;
    let toTap = this.toTapNs(from);
    let fromTap = this.fromTapNs(from);
    if (len > 0 && !control && sim.rng.next() < sim.reorderRate) {
      // Held back by about two segment gaps, before or after the tap (only the former shows as out-of-order).
      const holdNs = 2 * this.pacingGapNs(me) + 50_000;
      if (sim.rng.next() < 0.5) toTap += holdNs;
      else fromTap += holdNs;
    }
    const tapAt = now + toTap;
    if (!lostBeforeTap) sim.capture(tapAt, frame);
    if (lostBeforeTap || lostAfterTap) return;
    sim.at(tapAt + fromTap, () => this.receive(from === 0 ? 1 : 0, wire));
  }

  pacingGapNs(e: Endpoint): number {
    // Linux paces at twice cwnd per srtt in slow start; 12 µs is one full frame at 1 Gb/s.
    return Math.max(12_000, this.rttNs / (2 * Math.max(1, e.cwnd)));
  }

  open(): void {
    this.send(0, 0, 0, TcpFlag.Syn, undefined);
  }

  private receive(at: 0 | 1, w: Wire): void {
    const me = this.ends[at];
    const sim = this.sim;
    if (me.closed || this.done) return;
    me.tsRecent = w.tsValue;
    if ((w.flags & TcpFlag.Rst) !== 0) {
      me.closed = true;
      this.done = true;
      return;
    }
    if ((w.flags & TcpFlag.Syn) !== 0) {
      if (at === 1) {
        sim.at(sim.now + 20_000, () => this.send(1, 0, 0, TcpFlag.Syn | TcpFlag.Ack, undefined));
      } else {
        this.send(0, 0, 0, TcpFlag.Ack, undefined);
        this.runScript(0);
      }
      return;
    }
    if ((w.flags & TcpFlag.Ack) !== 0) this.onAck(at, w);
    if (w.len > 0 || (w.flags & TcpFlag.Fin) !== 0) this.onData(at, w);
  }

  private onAck(at: 0 | 1, w: Wire): void {
    const me = this.ends[at];
    const ackOff = w.ackOff;
    const top = me.sndLen + (me.finSent ? 1 : 0);
    if (ackOff > me.sndUna && ackOff <= top) {
      me.sndUna = ackOff;
      me.dupAcks = 0;
      if (me.recover >= 0) {
        if (ackOff >= me.recover) {
          me.recover = -1;
          me.cwnd = me.ssthresh;
        } else {
          this.retransmit(at); // NewReno partial ACK: the next hole goes at once
        }
      } else {
        me.cwnd += me.cwnd < me.ssthresh ? 1 : 1 / me.cwnd;
        me.cwnd = Math.min(me.cwnd, 120);
      }
      me.rtoNs = Math.max(MIN_RTO_NS, 2 * this.rttNs);
      this.armRto(at, me.sndUna < me.sndMax, true);
      if (me.finSent && me.sndUna === top && me.finReceived) this.finish();
      this.trySend(at);
    } else if (ackOff === me.sndUna && w.len === 0 && me.sndMax > me.sndUna && (w.flags & TcpFlag.Fin) === 0) {
      me.dupAcks++;
      if (me.dupAcks === 3 && me.recover < 0) {
        me.ssthresh = Math.max(2, me.cwnd / 2);
        me.cwnd = me.ssthresh + 3;
        me.recover = me.sndMax;
        this.sim.at(this.sim.now + 15_000, () => this.retransmit(at));
      } else if (me.dupAcks > 3) {
        me.cwnd += 1;
        this.trySend(at);
      }
    }
  }

  private onData(at: 0 | 1, w: Wire): void {
    const me = this.ends[at];
    const start = w.seqOff;
    const end = start + w.len;
    // Duplicates, out-of-order data and FINs are ACKed at once (RFC 5681 §4.2, RFC 9293 §3.10.7.4).
    let immediate = (w.flags & TcpFlag.Fin) !== 0;
    if ((w.flags & TcpFlag.Fin) !== 0) me.peerFinOff = end;
    if (w.len > 0) {
      if (end <= me.rcvNxt) {
        immediate = true;
      } else if (start <= me.rcvNxt) {
        const filledHole = me.ooo.length > 0;
        me.rcvNxt = end;
        while (me.ooo.length > 0 && me.ooo[0]![0] <= me.rcvNxt) {
          me.rcvNxt = Math.max(me.rcvNxt, me.ooo.shift()![1]);
        }
        immediate = filledHole;
        this.runScript(at);
      } else {
        insertRange(me.ooo, start, end);
        immediate = true;
      }
    }
    if (!me.finReceived && me.peerFinOff >= 0 && me.rcvNxt === me.peerFinOff) {
      me.finReceived = true;
      this.onPeerFin(at);
      return;
    }
    if (immediate) {
      this.sendAck(at);
    } else if (++me.unackedSegments >= 2) {
      this.sendAck(at);
    } else {
      const token = ++me.delAckToken;
      this.sim.at(this.sim.now + DELAYED_ACK_NS, () => {
        if (me.delAckToken === token && me.unackedSegments > 0 && !me.closed) this.sendAck(at);
      });
    }
  }

  private onPeerFin(at: 0 | 1): void {
    const me = this.ends[at];
    if (me.finSent) {
      this.sendAck(at); // we closed first: this ACK ends the connection
      this.finish();
      return;
    }
    // Passive close: about half the time the ACK rides on our own FIN (three-way close).
    if (this.sim.rng.next() < 0.5) this.sendAck(at);
    this.sim.at(this.sim.now + 200_000, () => this.queueFin(at));
  }

  private sendAck(at: 0 | 1): void {
    const me = this.ends[at];
    me.unackedSegments = 0;
    me.delAckToken++;
    this.send(at, me.sndNxt + (me.finSent ? 1 : 0), 0, TcpFlag.Ack, undefined);
  }

  /** Starts the next script step once its trigger (bytes received from the peer) has been reached. */
  private runScript(at: 0 | 1): void {
    const me = this.ends[at];
    if (me.stepPending || me.scriptPos >= me.script.length || me.rcvNxt < me.script[me.scriptPos]!.afterBytes) return;
    const step = me.script[me.scriptPos++]!;
    me.stepPending = true;
    this.sim.at(this.sim.now + step.thinkNs, () => {
      me.stepPending = false;
      if (me.closed || this.done) return;
      for (const d of step.data) me.append(d);
      if (step.data.length > 0) me.writeEnds.push(me.sndLen);
      if (step.close === 'rst') {
        this.send(at, me.sndNxt, 0, TcpFlag.Rst | TcpFlag.Ack, undefined);
        me.closed = true;
        this.done = true;
        return;
      }
      if (step.close === 'fin') me.finQueued = true;
      this.trySend(at);
      this.runScript(at);
    });
  }

  private queueFin(at: 0 | 1): void {
    const me = this.ends[at];
    if (me.closed || this.done) return;
    me.finQueued = true;
    this.trySend(at);
  }

  private trySend(at: 0 | 1): void {
    const me = this.ends[at];
    const sim = this.sim;
    if (me.closed || this.done) return;
    while (me.sndNxt < me.sndLen && me.sndNxt - me.sndUna < Math.floor(me.cwnd) * MSS_BYTES) {
      if (sim.now < me.nextSendNs) {
        if (!me.sendScheduled) {
          me.sendScheduled = true;
          sim.at(me.nextSendNs, () => {
            me.sendScheduled = false;
            this.trySend(at);
          });
        }
        return;
      }
      const len = Math.min(MSS_BYTES, me.sndLen - me.sndNxt);
      const off = me.sndNxt;
      me.sndNxt += len;
      me.sndMax = Math.max(me.sndMax, me.sndNxt);
      // Whole ns: the queue rounds event times, and a rounded-down wake-up would find itself early forever.
      me.nextSendNs = Math.ceil(sim.now + this.pacingGapNs(me) * (len / MSS_BYTES));
      me.unackedSegments = 0;
      me.delAckToken++;
      this.send(at, off, len, TcpFlag.Ack | (me.endsWrite(off + len) ? TcpFlag.Psh : 0), me.slice(off, len));
      this.armRto(at, true, false);
    }
    if (me.finQueued && !me.finSent && me.sndNxt === me.sndLen) {
      me.finSent = true;
      me.unackedSegments = 0;
      me.delAckToken++;
      this.send(at, me.sndLen, 0, TcpFlag.Fin | TcpFlag.Ack, undefined);
    }
  }

  private retransmit(at: 0 | 1): void {
    const me = this.ends[at];
    if (me.closed || this.done || me.sndUna >= me.sndMax) return;
    const len = Math.min(MSS_BYTES, me.sndMax - me.sndUna);
    me.unackedSegments = 0;
    me.delAckToken++;
    this.send(at, me.sndUna, len, TcpFlag.Ack | (me.endsWrite(me.sndUna + len) ? TcpFlag.Psh : 0), me.slice(me.sndUna, len));
    this.armRto(at, true, true);
  }

  /**
   * RFC 6298 §5: starts the retransmission timer when it is not running (`restart` also when it is,
   * after new data was ACKed or a retransmission), or stops it when nothing is outstanding.
   */
  private armRto(at: 0 | 1, on: boolean, restart: boolean): void {
    const me = this.ends[at];
    if (on && me.rtoArmed && !restart) return;
    const token = ++me.rtoToken;
    me.rtoArmed = on;
    if (!on) return;
    this.sim.at(this.sim.now + me.rtoNs, () => {
      if (me.rtoToken !== token) return;
      me.rtoArmed = false;
      if (me.closed || this.done || me.sndUna >= me.sndMax) return;
      me.ssthresh = Math.max(2, me.cwnd / 2);
      me.cwnd = 2;
      me.recover = -1;
      me.dupAcks = 0;
      me.rtoNs *= 2;
      this.retransmit(at);
    });
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
  }
}

function insertRange(ranges: [number, number][], start: number, end: number): void {
  let i = 0;
  while (i < ranges.length && ranges[i]![0] < start) i++;
  ranges.splice(i, 0, [start, end]);
  // Merge neighbours that touch or overlap.
  for (let j = Math.max(0, i - 1); j + 1 < ranges.length; ) {
    const a = ranges[j]!;
    const b = ranges[j + 1]!;
    if (b[0] <= a[1]) {
      a[1] = Math.max(a[1], b[1]);
      ranges.splice(j + 1, 1);
    } else {
      j++;
    }
  }
}

/** The whole corpus: connection arrivals, the shared clock and the frames the tap captured. */
/** A TLS record: the 5-byte header (type, version, length) and `body`. */
function tlsRecord(type: number, version: number, body: Buffer): Buffer {
  const h = Buffer.allocUnsafe(5);
  h[0] = type;
  h.writeUInt16BE(version, 1);
  h.writeUInt16BE(body.length, 3);
  return Buffer.concat([h, body]);
}

/** Seals one connection's records with its template's keys, each direction in sending order. */
class RecordSealer {
  private readonly seq: [number, number];

  constructor(private readonly keys: TemplateKeys) {
    this.seq = [keys.firstSeq[0], keys.firstSeq[1]];
  }

  /** A whole record (header and protected body) of `type` carrying `plaintext`, sent by `direction`. */
  seal(direction: 0 | 1, type: number, plaintext: Buffer): Buffer {
    const { type: outer, body } = encryptRecord(this.keys.params, this.keys.directions[direction], this.seq[direction]++, type, 0x0303, plaintext);
    return tlsRecord(outer, 0x0303, body);
  }
}

class Simulation {
  readonly rng: SeededRandom;
  readonly queue = new EventQueue();
  readonly lossRate: number;
  readonly reorderRate: number;
  now = 0;
  captured = 0;
  /** Frames expected from the connections opened so far (data segments, ACKs, handshake, close). */
  expected = 0;
  connections = 0;
  /** Frames captured but not yet handed out, in capture-time order. */
  readonly out: CorpusPacket[] = [];
  private readonly pool: Buffer;
  private readonly meanInterarrivalNs: number;
  private readonly maxResponseBytes: number;
  private readonly ipv6Share: number;
  private readonly plainEthernet = ethernetEncap();

  constructor(
    private readonly options: TrafficOptions,
    private readonly templates: readonly TlsTemplate[],
  ) {
    this.rng = new SeededRandom(options.seed);
    this.lossRate = options.lossRate ?? 0.01;
    this.reorderRate = options.reorderRate ?? 0.004;
    this.meanInterarrivalNs = (options.meanInterarrivalMs ?? 2) * 1e6;
    this.maxResponseBytes = options.maxResponseBytes ?? 1_500_000;
    this.ipv6Share = options.ipv6Share ?? 0.1;
    this.pool = Buffer.allocUnsafe(RANDOM_POOL_BYTES);
    for (let i = 0; i < RANDOM_POOL_BYTES; i += 4) this.pool.writeUInt32LE((this.rng.next() * 4_294_967_296) >>> 0, i);
  }

  at(t: number, run: () => void): void {
    this.queue.push(Math.round(t), run);
  }

  /** The tap sees `frame` at time t; frames are emitted when the clock reaches t, so in time order. */
  capture(t: number, frame: Buffer): void {
    this.at(t, () => {
      this.captured++;
      this.out.push({ timestampNs: START_EPOCH_NS + BigInt(Math.round(t)), data: frame });
    });
  }

  /** Runs events until a frame is captured or nothing is left; false when the simulation is over. */
  step(): boolean {
    const e = this.queue.pop();
    if (e === undefined) return false;
    this.now = e.t;
    e.run();
    return true;
  }

  startArrivals(): void {
    this.at(0, () => this.arrive());
  }

  private arrive(): void {
    if (this.expected >= this.options.packets) return;
    this.startConnection();
    this.at(this.now + this.rng.exponential(this.meanInterarrivalNs), () => this.arrive());
  }

  /** A ciphertext-looking body: a view into the seeded random pool (no copy). */
  private ciphertext(len: number): Buffer {
    const off = this.rng.int(0, RANDOM_POOL_BYTES - len);
    return this.pool.subarray(off, off + len);
  }

  /** Application-data records carrying `bytes` of plaintext, at most 16 KiB each (RFC 8446 §5.1). */
  private appData(bytes: number, overhead: number): Buffer[] {
    const records: Buffer[] = [];
    for (let left = bytes; left > 0; left -= MAX_RECORD_PLAINTEXT_BYTES) {
      const plain = Math.min(left, MAX_RECORD_PLAINTEXT_BYTES);
      const h = Buffer.allocUnsafe(5);
      h[0] = 23;
      h.writeUInt16BE(0x0303, 1);
      h.writeUInt16BE(plain + overhead, 3);
      records.push(h, this.ciphertext(plain + overhead));
    }
    return records;
  }

  /** A keyed connection's request: an HTTP/1.1 GET padded to `bytes` of plaintext, sealed. */
  private sealedRequest(sealer: RecordSealer, bytes: number, n: number): Buffer {
    const head = `GET /object/${n} HTTP/1.1\r\nHost: bench.wirelab.test\r\nUser-Agent: wirelab-bench\r\nX-Pad: `;
    const pad = Math.max(0, bytes - head.length - 4);
    return sealer.seal(0, 23, Buffer.from(`${head}${'a'.repeat(pad)}\r\n\r\n`, 'latin1'));
  }

  /** A keyed connection's response: a 200 with a Content-Length body of `bytes`, in sealed records of at most 16 KiB. */
  private sealedResponse(sealer: RecordSealer, bytes: number): Buffer[] {
    const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${bytes}\r\n\r\n`, 'latin1');
    const records: Buffer[] = [];
    let headLeft: Buffer | undefined = head;
    for (let left = bytes; left > 0 || headLeft !== undefined; ) {
      const fromHead = headLeft?.length ?? 0;
      const body = Math.min(left, MAX_RECORD_PLAINTEXT_BYTES - fromHead);
      const plain = headLeft === undefined ? this.ciphertext(body) : Buffer.concat([headLeft, this.ciphertext(body)]);
      headLeft = undefined;
      left -= body;
      records.push(sealer.seal(1, 23, plain));
    }
    return records;
  }

  private startConnection(): void {
    const rng = this.rng;
    const n = this.connections++;
    const template = this.templates[rng.int(0, this.templates.length)]!;
    const v6 = rng.next() < this.ipv6Share;
    const clientIp = v6 ? Buffer.alloc(16) : Buffer.from([198, 18, ((n + 1) >> 8) & 0xff, (n + 1) & 0xff]);
    const serverIp = v6 ? Buffer.alloc(16) : Buffer.from([198, 19, 0, 1 + (n % 8)]);
    if (v6) {
      clientIp[0] = 0xfd;
      clientIp.writeUInt32BE(n + 1, 12);
      serverIp[0] = 0xfd;
      serverIp[1] = 0x01;
      serverIp[15] = 1 + (n % 8);
    }
    // Each connection has its own client address, so a 4-tuple is never reused (no reused_ports).
    const clientPort = rng.int(32768, 61000);
    const rttNs = rng.logUniform(2e6, 120e6);
    const clientSteps: ScriptStep[] = [];
    const serverSteps: ScriptStep[] = [];
    const received: [number, number] = [0, 0]; // bytes each side has been scripted to send
    const think = (): number => rng.logUniform(20_000, 2_000_000);
    const flights = template.flights;
    for (let i = 0; i < flights.length; i++) {
      const f = flights[i]!;
      const steps = f.direction === 0 ? clientSteps : serverSteps;
      steps.push({ afterBytes: received[f.direction === 0 ? 1 : 0], data: [f.bytes], thinkNs: i === 0 ? 100_000 : think() });
      received[f.direction] += f.bytes.length;
    }
    // A keyed template's records are sealed with its session's keys, over real HTTP/1.1 plaintext.
    const sealer = template.keys === undefined ? undefined : new RecordSealer(template.keys);
    const requests = rng.int(1, 4);
    for (let q = 0; q < requests; q++) {
      const requestBytes = rng.int(300, 900);
      const request = sealer === undefined ? tlsRecord(23, 0x0303, this.ciphertext(requestBytes + template.recordOverheadBytes)) : this.sealedRequest(sealer, requestBytes, n);
      clientSteps.push({ afterBytes: received[1], data: [request], thinkNs: q === 0 ? think() : rng.logUniform(1e6, 50e6) });
      received[0] += request.length;
      const responseBytes = Math.round(rng.logUniform(1024, this.maxResponseBytes));
      const response = sealer === undefined ? this.appData(responseBytes, template.recordOverheadBytes) : this.sealedResponse(sealer, responseBytes);
      serverSteps.push({ afterBytes: received[0], data: response, thinkNs: think() });
      for (const r of response) received[1] += r.length;
    }
    const teardown = rng.next();
    // close_notify from whoever closes first (the server only when it closes first).
    const sealedAlert = (direction: 0 | 1): Buffer => sealer!.seal(direction, 21, Buffer.of(1, 0));
    const alert = sealer === undefined ? tlsRecord(21, 0x0303, this.ciphertext(2 + template.recordOverheadBytes)) : undefined;
    if (teardown < 0.1) {
      // Browser abort: RST once the last response arrived.
      clientSteps.push({ afterBytes: received[1], data: [], thinkNs: think(), close: 'rst' });
    } else if (teardown < 0.2) {
      // Server closes first (close_notify, then FIN right behind the last response).
      serverSteps.push({ afterBytes: received[0], data: [alert ?? sealedAlert(1)], thinkNs: 5e6, close: 'fin' });
    } else {
      clientSteps.push({ afterBytes: received[1], data: [alert ?? sealedAlert(0)], thinkNs: rng.logUniform(1e6, 100e6), close: 'fin' });
    }
    // About one ACK per two data segments, plus SYN, SYN-ACK, ACK and the close.
    this.expected += Math.ceil((received[0] / MSS_BYTES + received[1] / MSS_BYTES) * 1.5) + 2 * (requests + flights.length) + 6;
    const client = new Endpoint(clientIp, clientPort, rng.int(0, 2 ** 32), rng.int(0, 2 ** 31), clientSteps, rng);
    const server = new Endpoint(serverIp, 443, rng.int(0, 2 ** 32), rng.int(0, 2 ** 31), serverSteps, rng);
    const encap = this.options.encapsulationOf?.(n);
    const connection = new Connection(this, encap ?? this.plainEthernet, client, server, rttNs);
    connection.open();
  }
}

/**
 * Simulates the traffic and yields captured frames in time order, until about `options.packets`
 * frames (a little more: connections open when the target is reached still finish).
 * @throws ConfigError for non-positive packet counts or rates outside [0, 1).
 * @example
 * for (const p of simulateTraffic({ packets: 10_000, seed: 1 }, await loadTlsTemplates())) writer.write(p);
 */
export function* simulateTraffic(
  options: TrafficOptions,
  templates: readonly TlsTemplate[],
): Generator<CorpusPacket> {
  if (!Number.isInteger(options.packets) || options.packets < 1) {
    throw new ConfigError(`simulateTraffic: packets must be a positive integer (got ${options.packets})`);
  }
  for (const [name, v] of [['lossRate', options.lossRate], ['reorderRate', options.reorderRate]] as const) {
    if (v !== undefined && !(v >= 0 && v < 1)) throw new ConfigError(`simulateTraffic: ${name} must be in [0, 1) (got ${v})`);
  }
  if (templates.length === 0) throw new ConfigError('simulateTraffic: at least one TLS template is needed');
  const sim = new Simulation(options, templates);
  sim.startArrivals();
  let next = 0;
  while (sim.step()) {
    while (next < sim.out.length) yield sim.out[next++]!;
    if (next > 4096) {
      sim.out.splice(0, next);
      next = 0;
    }
  }
  while (next < sim.out.length) yield sim.out[next++]!;
}
