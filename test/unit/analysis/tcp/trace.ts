/**
 * trace.ts: a tiny script language for TCP unit tests. Each line becomes real Ethernet/IPv4/TCP
 * bytes (analyzer/encode) decoded by decodeFrame, so the tests exercise the real decoder.
 */
import { analyzeTcp } from '../../../../analyzer/analysis/tcp/tcp-analyzer.js';
import type { TcpAnalyzerOptions, TcpFrameAnalysis, TcpSummary } from '../../../../analyzer/analysis/tcp/tcp-analyzer.js';
import { decodeFrame } from '../../../../analyzer/decode/decode-frame.js';
import { buildTcpFrame } from '../../../../analyzer/encode/build-tcp-frame.js';
import type { TcpOptionsInput } from '../../../../analyzer/encode/transport-encoders.js';
import { LinkType } from '../../../../analyzer/packet/frame.js';
import type { Packet } from '../../../../analyzer/packet/packet.js';

/** Client and server of every test connection, and their initial sequence numbers. */
export const CLIENT = { ip: '198.18.0.1', port: 40000, isn: 1000 } as const;
export const SERVER = { ip: '198.18.0.2', port: 443, isn: 5000 } as const;

/** One segment: who sends it, when (µs after 0), flags, and raw seq/ack. */
export interface Step {
  readonly from: 'c' | 's';
  readonly atUs: number;
  readonly flags: number;
  readonly seq: number;
  readonly ack?: number;
  readonly len?: number;
  readonly win?: number;
  readonly options?: TcpOptionsInput;
  /** Client port override (port-reuse tests use one port for two connections). */
  readonly clientPort?: number;
  /** A corrupted TCP data offset (in 32-bit words), written into the finished frame. */
  readonly dataOffsetWords?: number;
}

/** Where the TCP data offset sits in an Ethernet + option-less IPv4 frame. */
const DATA_OFFSET_AT = 14 + 20 + 12;

const BASE_TIME_NS = 1_700_000_000_000_000_000n;

/** Builds and decodes the packets of a script; frame numbers are 1-based in script order. */
export function packetsOf(steps: readonly Step[]): Packet[] {
  return steps.map((s, i) => {
    const fromClient = s.from === 'c';
    const cport = s.clientPort ?? CLIENT.port;
    const data = buildTcpFrame({
      src: fromClient ? CLIENT.ip : SERVER.ip,
      dst: fromClient ? SERVER.ip : CLIENT.ip,
      sport: fromClient ? cport : SERVER.port,
      dport: fromClient ? SERVER.port : cport,
      seq: s.seq >>> 0,
      ack: (s.ack ?? 0) >>> 0,
      flags: s.flags,
      window: s.win ?? 1000,
      payload: Buffer.alloc(s.len ?? 0, 0x61),
      ...(s.options !== undefined ? { options: s.options } : {}),
    });
    if (s.dataOffsetWords !== undefined) data[DATA_OFFSET_AT] = (s.dataOffsetWords << 4) | (data[DATA_OFFSET_AT]! & 0x0f);
    return decodeFrame({
      index: i + 1,
      timestampNs: BASE_TIME_NS + BigInt(Math.round(s.atUs * 1000)),
      linkType: LinkType.Ethernet,
      originalLength: data.length,
      data,
      interfaceId: 0,
    });
  });
}

/** Runs a script through analyzeTcp. */
export function run(steps: readonly Step[], options: TcpAnalyzerOptions = {}): { frames: TcpFrameAnalysis[]; summary: TcpSummary } {
  return analyzeTcp(packetsOf(steps), options);
}

/** The flag names of every frame, e.g. `[[], ['duplicate_ack'], …]`. */
export function flagsOf(steps: readonly Step[], options: TcpAnalyzerOptions = {}): string[][] {
  return run(steps, options).frames.map((a) => a.flagNames());
}

/** A standard handshake (client WS 7, server WS 7) at t = 0, 1000, 2000 µs: iRTT 2 ms. */
export function handshake(F: { Syn: number; Ack: number }, ws = 7): Step[] {
  return [
    { from: 'c', atUs: 0, flags: F.Syn, seq: CLIENT.isn, win: 64240, options: { windowScale: ws } },
    { from: 's', atUs: 1000, flags: F.Syn | F.Ack, seq: SERVER.isn, ack: CLIENT.isn + 1, win: 65160, options: { windowScale: ws } },
    { from: 'c', atUs: 2000, flags: F.Ack, seq: CLIENT.isn + 1, ack: SERVER.isn + 1, win: 1000 },
  ];
}
