/**
 * rewrite.ts: turns a captured frame into the Ethernet frame `wirelab replay` sends, with every IP
 * address mapped into the run's own ranges (the network rule: nothing is addressed outside the
 * namespaces wirelab made) and the checksums the mapping changed patched (RFC 1624), so the receiving
 * side's analysis sees the same TCP as the original. Pure: no I/O.
 *
 * MACs become two fixed, locally administered addresses: the destination is no host's own, so the
 * receiving kernel treats every frame as PACKET_OTHERHOST and never answers; only the capture sees it.
 */
import { ConfigError } from '../../analyzer/errors.js';
import { LinkType, type Frame } from '../../analyzer/packet/frame.js';

/** Source MAC of every replayed frame (the receiver's capture filter matches it). */
export const REPLAY_SOURCE_MAC = '02:77:6c:ff:ff:01';
/** Destination MAC of every replayed frame: no interface has it. */
export const REPLAY_DESTINATION_MAC = '02:77:6c:ff:ff:02';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_ARP = 0x0806;
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100]);
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_ICMP = 1;
const IPPROTO_ICMPV6 = 58;
// ICMP errors quote the offending packet's IP header: its addresses are mapped too, or the quoted
// TCP segment would point at a conversation the replay does not have.
const ICMP_ERRORS = new Set([3, 4, 5, 11, 12]);
const ICMPV6_ERRORS = new Set([1, 2, 3, 4]);

/** The ones'-complement sum of buf[start, end) folded to 16 bits, plus `initial`. */
function onesSum(buf: Buffer, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i + 1 < end; i += 2) sum += buf.readUInt16BE(i);
  if ((end - start) % 2 === 1) sum += buf[end - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** Where the mapped addresses live: IPv4 in one /16, IPv6 in one /64. */
export interface AddressRanges {
  /** First two octets, e.g. [198, 19]. */
  readonly ipv4Prefix: readonly [number, number];
  /** Four 16-bit groups, e.g. [0xfd00, 0x776c, 0xffff, 3]. */
  readonly ipv6Prefix: readonly [number, number, number, number];
  /** Source MAC of the sent frames (default REPLAY_SOURCE_MAC); a run on a shared interface picks its own so its receiver sees only its frames. */
  readonly sourceMac?: string;
}

/** Original address (hex of its bytes) → the address it became, in order of first appearance. */
export interface AddressMap {
  readonly ipv4: ReadonlyMap<string, string>;
  readonly ipv6: ReadonlyMap<string, string>;
}

/** The rewriter: `rewrite` returns the frame to send; `addresses` lists every mapping so far. */
export interface WireRewriter {
  rewrite(frame: Frame): Buffer;
  readonly addresses: AddressMap;
}

const MAX_IPV4 = 65_534;

function macBytes(mac: string): Buffer {
  return Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
}

/** Ones'-complement checksum update for 16-bit words replaced (RFC 1624 eqn. 3). */
function patchChecksum(buf: Buffer, at: number, oldBytes: Buffer, newBytes: Buffer, udp: boolean): void {
  if (at + 2 > buf.length) return;
  const old = buf.readUInt16BE(at);
  if (udp && old === 0) return; // UDP over IPv4 without a checksum stays without one
  let sum = ~old & 0xffff;
  for (let i = 0; i + 1 < oldBytes.length; i += 2) {
    sum += ~oldBytes.readUInt16BE(i) & 0xffff;
    sum += newBytes.readUInt16BE(i);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  let result = ~sum & 0xffff;
  if (udp && result === 0) result = 0xffff;
  buf.writeUInt16BE(result, at);
}

/**
 * Creates a rewriter that maps addresses in order of first appearance: the k-th IPv4 address to
 * prefix.(k>>8).(k&255), the k-th IPv6 address to prefix::k.
 * @throws ConfigError from `rewrite` for link types other than Ethernet, Linux cooked (v1, v2),
 * raw IP and BSD loopback, and past 65,534 distinct IPv4 addresses.
 */
export function createWireRewriter(ranges: AddressRanges): WireRewriter {
  const ipv4 = new Map<string, string>();
  const ipv6 = new Map<string, string>();
  const ipv4Bytes = new Map<string, Buffer>();
  const ipv6Bytes = new Map<string, Buffer>();
  const src = macBytes(ranges.sourceMac ?? REPLAY_SOURCE_MAC);
  const dst = macBytes(REPLAY_DESTINATION_MAC);

  function mapIpv4(orig: Buffer): Buffer {
    const key = orig.toString('hex');
    let mapped = ipv4Bytes.get(key);
    if (mapped === undefined) {
      const k = ipv4Bytes.size + 1;
      if (k > MAX_IPV4) throw new ConfigError(`the capture has more than ${MAX_IPV4} distinct IPv4 addresses; wirelab replay maps at most that many into its own range`);
      mapped = Buffer.from([ranges.ipv4Prefix[0], ranges.ipv4Prefix[1], k >> 8, k & 255]);
      ipv4Bytes.set(key, mapped);
      ipv4.set(key, [...mapped].join('.'));
    }
    return mapped;
  }
  function mapIpv6(orig: Buffer): Buffer {
    const key = orig.toString('hex');
    let mapped = ipv6Bytes.get(key);
    if (mapped === undefined) {
      const k = ipv6Bytes.size + 1;
      mapped = Buffer.alloc(16);
      ranges.ipv6Prefix.forEach((g, i) => mapped!.writeUInt16BE(g, i * 2));
      mapped.writeUInt32BE(k, 12);
      ipv6Bytes.set(key, mapped);
      const groups = Array.from({ length: 8 }, (_v, i) => mapped!.readUInt16BE(i * 2).toString(16));
      ipv6.set(key, groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::'));
    }
    return mapped;
  }

  /** Replaces `len` address bytes at `at`, patching the checksums that cover them. */
  function replace(buf: Buffer, at: number, len: number, map: (b: Buffer) => Buffer, checksums: readonly { at: number; udp: boolean }[]): void {
    if (at + len > buf.length) return; // cut by the snapshot: nothing to map, nothing sent to it
    const old = Buffer.from(buf.subarray(at, at + len));
    const mapped = map(old);
    for (const c of checksums) patchChecksum(buf, c.at, old, mapped, c.udp);
    mapped.copy(buf, at);
  }

  function rewriteIpv4(buf: Buffer, ip: number): void {
    if (ip + 20 > buf.length || buf[ip]! >> 4 !== 4) return;
    const ihl = (buf[ip]! & 15) * 4;
    const proto = buf[ip + 9]!;
    const fragmentOffset = buf.readUInt16BE(ip + 6) & 0x1fff;
    const l4 = ip + ihl;
    const checksums = [{ at: ip + 10, udp: false }];
    // The L4 checksum covers the pseudo-header's addresses; only the first fragment carries it.
    if (fragmentOffset === 0 && proto === IPPROTO_TCP) checksums.push({ at: l4 + 16, udp: false });
    if (fragmentOffset === 0 && proto === IPPROTO_UDP) checksums.push({ at: l4 + 6, udp: true });
    replace(buf, ip + 12, 4, mapIpv4, checksums);
    replace(buf, ip + 16, 4, mapIpv4, checksums);
    if (fragmentOffset === 0 && proto === IPPROTO_ICMP && l4 + 8 < buf.length && ICMP_ERRORS.has(buf[l4]!)) {
      rewriteQuoted(buf, l4 + 8);
      const end = ip + buf.readUInt16BE(ip + 2);
      // The ICMP checksum covers the quote: recompute it when the whole message was captured.
      if (end <= buf.length) {
        buf.writeUInt16BE(0, l4 + 2);
        buf.writeUInt16BE(~onesSum(buf, l4, end) & 0xffff, l4 + 2);
      }
    }
  }

  /** The IP header (and TCP/UDP checksum, when quoted) inside an ICMP error. */
  function rewriteQuoted(buf: Buffer, inner: number): void {
    if (inner + 20 > buf.length) return;
    const version = buf[inner]! >> 4;
    if (version === 4) {
      const l4 = inner + (buf[inner]! & 15) * 4;
      const proto = buf[inner + 9]!;
      const checksums = [{ at: inner + 10, udp: false }];
      if (proto === IPPROTO_TCP) checksums.push({ at: l4 + 16, udp: false });
      if (proto === IPPROTO_UDP) checksums.push({ at: l4 + 6, udp: true });
      replace(buf, inner + 12, 4, mapIpv4, checksums);
      replace(buf, inner + 16, 4, mapIpv4, checksums);
    } else if (version === 6 && inner + 40 <= buf.length) {
      const next = buf[inner + 6]!;
      const l4 = inner + 40;
      const checksums = next === IPPROTO_TCP ? [{ at: l4 + 16, udp: false }] : next === IPPROTO_UDP ? [{ at: l4 + 6, udp: false }] : [];
      replace(buf, inner + 8, 16, mapIpv6, checksums);
      replace(buf, inner + 24, 16, mapIpv6, checksums);
    }
  }

  function rewriteIpv6(buf: Buffer, ip: number): void {
    if (ip + 40 > buf.length || buf[ip]! >> 4 !== 6) return;
    const next = buf[ip + 6]!;
    const l4 = ip + 40;
    // Extension headers are left as they are; TCP and UDP right after the fixed header get their checksum patched.
    const checksums = next === IPPROTO_TCP ? [{ at: l4 + 16, udp: false }] : next === IPPROTO_UDP ? [{ at: l4 + 6, udp: false }] : [];
    replace(buf, ip + 8, 16, mapIpv6, checksums);
    replace(buf, ip + 24, 16, mapIpv6, checksums);
    if (next === IPPROTO_ICMPV6 && l4 + 8 < buf.length && ICMPV6_ERRORS.has(buf[l4]!)) {
      rewriteQuoted(buf, l4 + 8);
      const end = l4 + buf.readUInt16BE(ip + 4);
      if (end <= buf.length) {
        // ICMPv6's checksum has a pseudo-header: addresses, upper-layer length, next header.
        buf.writeUInt16BE(0, l4 + 2);
        const pseudo = onesSum(buf, ip + 8, ip + 40, (end - l4) + IPPROTO_ICMPV6);
        buf.writeUInt16BE(~onesSum(buf, l4, end, pseudo) & 0xffff, l4 + 2);
      }
    }
  }

  function rewriteArp(buf: Buffer, arp: number): void {
    // Ethernet/IPv4 ARP: sender and target protocol addresses.
    if (arp + 28 > buf.length || buf.readUInt16BE(arp + 2) !== ETHERTYPE_IPV4 || buf[arp + 5] !== 4) return;
    replace(buf, arp + 14, 4, mapIpv4, []);
    replace(buf, arp + 24, 4, mapIpv4, []);
  }

  /** An Ethernet frame around `payload` (which starts with an IP header of `version`, or is `etherType`'s). */
  function ethernet(payload: Buffer, etherType: number): Buffer {
    const out = Buffer.alloc(14 + payload.length);
    out.writeUInt16BE(etherType, 12);
    payload.copy(out, 14);
    return out;
  }

  function toEthernet(frame: Frame): Buffer {
    const d = frame.data;
    const ipType = (b: Buffer, at: number): number => (at < b.length && b[at]! >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
    switch (frame.linkType) {
      case LinkType.Ethernet:
        return Buffer.from(d);
      case LinkType.Raw:
      case LinkType.RawDlt12:
      case LinkType.RawDlt14:
      case LinkType.Ipv4:
      case LinkType.Ipv6:
        return ethernet(d, ipType(d, 0));
      case LinkType.Null:
      case LinkType.Loop:
        return ethernet(d.subarray(4), ipType(d, 4));
      case LinkType.LinuxSll:
        if (d.length < 16) throw new ConfigError(`frame ${frame.index}: a Linux cooked header needs 16 bytes (has ${d.length})`);
        return ethernet(d.subarray(16), d.readUInt16BE(14));
      case LinkType.LinuxSll2:
        if (d.length < 20) throw new ConfigError(`frame ${frame.index}: a Linux cooked v2 header needs 20 bytes (has ${d.length})`);
        return ethernet(d.subarray(20), d.readUInt16BE(0));
      default:
        throw new ConfigError(`frame ${frame.index}: link type ${frame.linkType} cannot be replayed onto Ethernet (wirelab replay sends Ethernet, Linux cooked, raw IP and loopback captures)`);
    }
  }

  return {
    addresses: { ipv4, ipv6 },
    rewrite(frame) {
      const buf = toEthernet(frame);
      if (buf.length < 14) return buf;
      dst.copy(buf, 0);
      src.copy(buf, 6);
      let at = 12;
      let type = buf.readUInt16BE(at);
      while (VLAN_TAGS.has(type) && at + 6 <= buf.length) {
        at += 4;
        type = buf.readUInt16BE(at);
      }
      if (type === ETHERTYPE_IPV4) rewriteIpv4(buf, at + 2);
      else if (type === ETHERTYPE_IPV6) rewriteIpv6(buf, at + 2);
      else if (type === ETHERTYPE_ARP) rewriteArp(buf, at + 2);
      return buf;
    },
  };
}
