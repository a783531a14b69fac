/**
 * frame-guard.ts: the network rule at the proxy (only the run's own addresses cross it) and the
 * ARP/NDP bypass test. Pure; must not import node I/O modules or cap.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ConfigError } from '../../analyzer/errors.js';

/** What the proxy does with a frame before any impairment. */
export const FrameClass = {
  /** Goes through the direction's impairment chain. */
  Impair: 0,
  /** Address resolution (ARP, NDP) and MLD: forwarded at once, unimpaired and uncounted. */
  Bypass: 1,
  /** Outside the run's subnets (or not IP/ARP): never forwarded. */
  Reject: 2,
} as const;
export type FrameClass = (typeof FrameClass)[keyof typeof FrameClass];

/** The run's address plan, as the guard checks it. */
export interface GuardSubnets {
  /** e.g. "198.18.3.4/30" */
  readonly ipv4: string;
  /** e.g. "fd00:776c:0:304::/64" */
  readonly ipv6: string;
}

/** Builds the classifier for one run's subnets. */
export function createFrameGuard(subnets: GuardSubnets): (frame: Buffer) => FrameClass {
  const [v4Net, v4Len] = parseCidr(subnets.ipv4, 4);
  const [v6Net, v6Len] = parseCidr(subnets.ipv6, 6);
  const v4Mask = v4Len === 0 ? 0 : (0xffffffff << (32 - v4Len)) >>> 0;
  const v4Base = v4Net.readUInt32BE(0) & v4Mask;
  const inV4 = (frame: Buffer, at: number): boolean => (frame.readUInt32BE(at) & v4Mask) >>> 0 === v4Base >>> 0;
  const inV6 = (frame: Buffer, at: number): boolean => prefixEquals(frame, at, v6Net, v6Len);
  const isLinkLocal = (frame: Buffer, at: number): boolean => frame[at] === 0xfe && (frame[at + 1]! & 0xc0) === 0x80;
  const isUnspecified = (frame: Buffer, at: number): boolean => frame.subarray(at, at + 16).every((b) => b === 0);
  const isLinkScopeMulticast = (frame: Buffer, at: number): boolean => frame[at] === 0xff && frame[at + 1] === 0x02;

  return (frame) => {
    if (frame.length < 14) return FrameClass.Reject;
    const etherType = frame.readUInt16BE(12);
    if (etherType === 0x0806) {
      // ARP for IPv4 over Ethernet: sender IP at 28, target IP at 38.
      return frame.length >= 42 && inV4(frame, 28) && inV4(frame, 38) ? FrameClass.Bypass : FrameClass.Reject;
    }
    if (etherType === 0x0800) {
      return frame.length >= 34 && inV4(frame, 26) && inV4(frame, 30) ? FrameClass.Impair : FrameClass.Reject;
    }
    if (etherType === 0x86dd) {
      if (frame.length < 54) return FrameClass.Reject;
      const srcOk = inV6(frame, 22) || isLinkLocal(frame, 22) || isUnspecified(frame, 22);
      const dstOk = inV6(frame, 38) || isLinkLocal(frame, 38) || isLinkScopeMulticast(frame, 38);
      if (!srcOk || !dstOk) return FrameClass.Reject;
      // ICMPv6 MLD (130-132, 143) and NDP (133-137) keep the link working; they are never impaired.
      // MLD reports come behind a Hop-by-Hop header (RFC 2711 router alert).
      let next = frame[20]!;
      let at = 54;
      if (next === 0 && frame.length >= 56) {
        next = frame[54]!;
        at += (frame[55]! + 1) * 8;
      }
      if (next === 58 && frame.length > at) {
        const type = frame[at]!;
        if ((type >= 130 && type <= 137) || type === 143) return FrameClass.Bypass;
      }
      // Only the run's global addresses carry traffic worth impairing.
      return inV6(frame, 22) && inV6(frame, 38) ? FrameClass.Impair : FrameClass.Reject;
    }
    return FrameClass.Reject;
  };
}

function parseCidr(cidr: string, version: 4 | 6): [Buffer, number] {
  const slash = cidr.indexOf('/');
  const address = cidr.slice(0, slash);
  const length = Number(cidr.slice(slash + 1));
  const ok = slash > 0 && (version === 4 ? isIPv4(address) : isIPv6(address)) && Number.isInteger(length) && length >= 0 && length <= (version === 4 ? 32 : 128);
  if (!ok) throw new ConfigError(`proxy subnet "${cidr}" is not an IPv${version} prefix like ${version === 4 ? '198.18.0.0/30' : 'fd00::/64'}`);
  return [version === 4 ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address), length];
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const headWords = head === '' ? [] : head.split(':');
  const tailWords = tail === undefined || tail === '' ? [] : tail.split(':');
  const words = [...headWords, ...new Array<string>(8 - headWords.length - tailWords.length).fill('0'), ...tailWords];
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(parseInt(w, 16), i * 2));
  return out;
}

function prefixEquals(frame: Buffer, at: number, net: Buffer, length: number): boolean {
  const whole = length >> 3;
  for (let i = 0; i < whole; i++) if (frame[at + i] !== net[i]) return false;
  const rest = length & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (frame[at + whole]! & mask) === (net[whole]! & mask);
}
