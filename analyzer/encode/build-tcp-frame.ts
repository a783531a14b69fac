/**
 * build-tcp-frame.ts: one call that builds a complete frame carrying a TCP segment.
 * Pure; test/simulation code. No I/O.
 */
import { IpProtocol } from '../packet/packet.js';
import { parseIp } from './bytes.js';
import type { IpAddress } from './bytes.js';
import { ethernetEncap } from './encapsulation.js';
import type { Encapsulation } from './encapsulation.js';
import { encodeIpv4, encodeIpv6 } from './ip-encoders.js';
import { encodeTcp } from './transport-encoders.js';
import type { TcpOptionsInput } from './transport-encoders.js';

/** Everything needed for one TCP segment in a frame. */
export interface TcpFrameSpec {
  /** IPv4 or IPv6 (both the same family). */
  readonly src: IpAddress;
  readonly dst: IpAddress;
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack?: number;
  /** TcpFlag bits. */
  readonly flags: number;
  readonly window?: number;
  readonly payload?: Buffer;
  readonly options?: TcpOptionsInput;
  /** IPv4 identification. */
  readonly ipId?: number;
  readonly ttl?: number;
  /** IPv4 DF bit; default true (set it false for datagrams you will fragment). */
  readonly dontFragment?: boolean;
  /** Wrapping; default plain Ethernet. */
  readonly encap?: Encapsulation;
  /** Server→client direction for the encapsulation (swaps outer addresses, 802.11 DS bits). */
  readonly reverse?: boolean;
}

/** Builds the IP datagram (IPv4 or IPv6 by address family) carrying the TCP segment. */
export function buildTcpDatagram(s: TcpFrameSpec): Buffer {
  const src = parseIp(s.src);
  const dst = parseIp(s.dst);
  const tcp = encodeTcp(s.payload ?? Buffer.alloc(0), {
    src, dst, sport: s.sport, dport: s.dport, seq: s.seq, ack: s.ack ?? 0, flags: s.flags, window: s.window ?? 65535,
    ...(s.options !== undefined ? { options: s.options } : {}),
  });
  return src.length === 4
    ? encodeIpv4(tcp, { src, dst, protocol: IpProtocol.Tcp, identification: s.ipId ?? 0, ttl: s.ttl ?? 64, dontFragment: s.dontFragment ?? true })
    : encodeIpv6(tcp, { src, dst, protocol: IpProtocol.Tcp, hopLimit: s.ttl ?? 64 });
}

/**
 * Builds a frame carrying one TCP segment, with correct IP and TCP checksums.
 *
 * @example
 * const data = buildTcpFrame({ src: '198.18.0.1', dst: '198.18.0.2', sport: 40000, dport: 443,
 *   seq: 1, ack: 0, flags: TcpFlag.Syn, options: { mss: 1460 } });
 */
export function buildTcpFrame(s: TcpFrameSpec): Buffer {
  return (s.encap ?? ethernetEncap()).wrap(buildTcpDatagram(s), s.reverse === true);
}
