/**
 * encapsulation.ts: ready-made link/tunnel wrappings of an IP datagram, one per supported encapsulation.
 * Pure; test/simulation code (used by buildTcpFrame and script/make-encap-fixtures.ts). No I/O.
 */
import { LinkType } from '../packet/frame.js';
import { EtherType, IpProtocol } from '../packet/packet.js';
import { parseIp } from './bytes.js';
import { encodeIpv4, encodeIpv6 } from './ip-encoders.js';
import {
  encodeCiscoHdlc, encodeEthernet, encodeIeee80211Data, encodeMpls, encodeNull, encodePpp, encodePppoe,
  encodePppWithDirection, encodeRadiotap, encodeSll, encodeSll2, encodeVlan, PppProtocolNumber,
} from './link-encoders.js';
import { encodeUdp } from './transport-encoders.js';
import type { GtpExtension } from './tunnel-encoders.js';
import { encodeErspan2, encodeErspan3, encodeGeneve, encodeGre, encodeGtpU, encodeVxlan } from './tunnel-encoders.js';

/** Wraps an IP datagram into a complete frame of `linkType`. */
export interface Encapsulation {
  /** Short name, used for fixture file names. */
  readonly name: string;
  readonly linkType: number;
  /**
   * Returns the frame carrying `ip` (an IPv4 or IPv6 datagram). `reverse` is true for the
   * server→client direction, which swaps outer addresses and link directions.
   */
  wrap(ip: Buffer, reverse: boolean): Buffer;
}

const MAC_A = '02:00:00:00:00:0a';
const MAC_B = '02:00:00:00:00:0b';

function ipVersion(ip: Buffer): 4 | 6 {
  return ip[0]! >> 4 === 6 ? 6 : 4;
}

function etherTypeOf(ip: Buffer): number {
  return ipVersion(ip) === 6 ? EtherType.Ipv6 : EtherType.Ipv4;
}

function ethernet(payload: Buffer, etherType: number, reverse: boolean): Buffer {
  return encodeEthernet(payload, { etherType, src: reverse ? MAC_B : MAC_A, dst: reverse ? MAC_A : MAC_B });
}

/** VLAN tag specification: the TPID announcing the tag and its VLAN id. */
export interface VlanTag {
  readonly tpid: number;
  readonly vid: number;
}

function tagged(payload: Buffer, innerType: number, tags: readonly VlanTag[]): { payload: Buffer; etherType: number } {
  let body = payload;
  let type = innerType;
  for (let i = tags.length - 1; i >= 0; i--) {
    body = encodeVlan(body, { vid: tags[i]!.vid, etherType: type });
    type = tags[i]!.tpid;
  }
  return { payload: body, etherType: type };
}

/** Ethernet II, optionally with VLAN tags (outermost first). */
export function ethernetEncap(tags: readonly VlanTag[] = [], name = 'ethernet'): Encapsulation {
  return {
    name, linkType: LinkType.Ethernet,
    wrap(ip, reverse) {
      const t = tagged(ip, etherTypeOf(ip), tags);
      return ethernet(t.payload, t.etherType, reverse);
    },
  };
}

/** Ethernet + an MPLS label stack. */
export function mplsEncap(labels: readonly number[]): Encapsulation {
  return {
    name: 'mpls', linkType: LinkType.Ethernet,
    wrap: (ip, reverse) => ethernet(encodeMpls(ip, { labels }), EtherType.Mpls, reverse),
  };
}

function pppProtocolOf(ip: Buffer): number {
  return ipVersion(ip) === 6 ? PppProtocolNumber.Ipv6 : PppProtocolNumber.Ipv4;
}

/** Ethernet + PPPoE session + PPP. */
export function pppoeEncap(sessionId = 0x1234, tags: readonly VlanTag[] = []): Encapsulation {
  return {
    name: tags.length === 0 ? 'pppoe' : 'pppoe-vlan', linkType: LinkType.Ethernet,
    wrap(ip, reverse) {
      const t = tagged(encodePppoe(ip, { sessionId, pppProtocol: pppProtocolOf(ip) }), EtherType.PppoeSession, tags);
      return ethernet(t.payload, t.etherType, reverse);
    },
  };
}

/** DLT_PPP (9), DLT_PPP_SERIAL (50) or LINKTYPE_PPP_WITH_DIR (204). */
export function pppEncap(linkType: 9 | 50 | 204): Encapsulation {
  return {
    name: linkType === 9 ? 'ppp' : linkType === 50 ? 'ppp-serial' : 'ppp-with-dir', linkType,
    wrap: (ip, reverse) => linkType === 204
      ? encodePppWithDirection(ip, { protocol: pppProtocolOf(ip), outbound: !reverse })
      : encodePpp(ip, { protocol: pppProtocolOf(ip) }),
  };
}

/** Cisco HDLC (104). */
export function ciscoHdlcEncap(): Encapsulation {
  return { name: 'chdlc', linkType: LinkType.CiscoHdlc, wrap: (ip) => encodeCiscoHdlc(ip, { protocol: etherTypeOf(ip) }) };
}

/** Linux cooked capture v1 or v2, optionally carrying a VLAN tag. */
export function sllEncap(version: 1 | 2, vlan?: number): Encapsulation {
  return {
    name: `sll${version === 2 ? '2' : ''}${vlan !== undefined ? '-vlan' : ''}`,
    linkType: version === 1 ? LinkType.LinuxSll : LinkType.LinuxSll2,
    wrap(ip, reverse) {
      const t = tagged(ip, etherTypeOf(ip), vlan === undefined ? [] : [{ tpid: EtherType.Vlan, vid: vlan }]);
      const o = { protocol: t.etherType, packetType: reverse ? 0 : 4, address: reverse ? MAC_B : MAC_A };
      return version === 1 ? encodeSll(t.payload, o) : encodeSll2(t.payload, o);
    },
  };
}

/** BSD loopback: DLT_NULL (host order, little-endian here) or DLT_LOOP (network order). */
export function loopbackEncap(linkType: 0 | 108): Encapsulation {
  return {
    name: linkType === 0 ? 'null' : 'loop', linkType,
    wrap: (ip) => encodeNull(ip, { family: ipVersion(ip) === 6 ? 24 : 2, byteOrder: linkType === 0 ? 'little' : 'big' }),
  };
}

/** Raw IP (101). */
export function rawEncap(): Encapsulation {
  return { name: 'raw', linkType: LinkType.Raw, wrap: (ip) => ip };
}

function wlanFrame(ip: Buffer, reverse: boolean, sequence: number): Buffer {
  return encodeIeee80211Data(ip, {
    etherType: etherTypeOf(ip), direction: reverse ? 'from-ds' : 'to-ds', qosTid: 0, sequence,
    station: MAC_A, peer: MAC_B,
  });
}

/** 802.11 QoS data frames (105), or the same inside radiotap (127), optionally with an FCS. */
export function wlanEncap(radiotap: boolean, fcs = false): Encapsulation {
  let sequence = 0;
  return {
    name: radiotap ? 'radiotap' : 'wlan', linkType: radiotap ? LinkType.Radiotap : LinkType.Ieee80211,
    wrap(ip, reverse) {
      const f = wlanFrame(ip, reverse, sequence++);
      return radiotap ? encodeRadiotap(f, { fcs }) : f;
    },
  };
}

/** Outer addresses of tunnel encapsulations. */
export const TunnelEndpoints = {
  v4: ['198.18.100.1', '198.18.100.2'],
  v6: ['fd00:100::1', 'fd00:100::2'],
} as const;

function outerIpv4(payload: Buffer, protocol: number, reverse: boolean, id: number): Buffer {
  const [a, b] = TunnelEndpoints.v4;
  return encodeIpv4(payload, { src: reverse ? b : a, dst: reverse ? a : b, protocol, identification: id & 0xffff });
}

function outerIpv6(payload: Buffer, protocol: number, reverse: boolean): Buffer {
  const [a, b] = TunnelEndpoints.v6;
  return encodeIpv6(payload, { src: reverse ? b : a, dst: reverse ? a : b, protocol });
}

/** Ethernet + outer IPv4 + `protocol` carrying `inner` (built by `inner`). */
function overIpv4(name: string, protocol: number, inner: (ip: Buffer, reverse: boolean, n: number) => Buffer): Encapsulation {
  let n = 0;
  return {
    name, linkType: LinkType.Ethernet,
    wrap(ip, reverse) {
      n++;
      return ethernet(outerIpv4(inner(ip, reverse, n), protocol, reverse, n), EtherType.Ipv4, reverse);
    },
  };
}

/** GRE over IPv4 carrying IP directly, with optional checksum, key and sequence number. */
export function greEncap(o: { checksum?: boolean; key?: number; sequence?: boolean } = {}): Encapsulation {
  return overIpv4('gre', IpProtocol.Gre, (ip, _r, n) => encodeGre(ip, {
    protocol: etherTypeOf(ip), checksum: o.checksum === true,
    ...(o.key !== undefined ? { key: o.key } : {}), ...(o.sequence === true ? { sequence: n } : {}),
  }));
}

/** GRE 0x6558 (transparent Ethernet bridging). */
export function greEthernetEncap(): Encapsulation {
  return overIpv4('gre-eth', IpProtocol.Gre, (ip, r) =>
    encodeGre(ethernet(ip, etherTypeOf(ip), r), { protocol: EtherType.TransparentEthernetBridging }));
}

/** GRE carrying 802.11 frames with an Aruba protocol type (0x8200…0x8370, 0x9000). */
export function greWlanEncap(protocol = 0x8200): Encapsulation {
  return overIpv4('gre-wlan', IpProtocol.Gre, (ip, r, n) => encodeGre(wlanFrame(ip, r, n), { protocol }));
}

/** ERSPAN type II or III over GRE (II carries a GRE sequence number). */
export function erspanEncap(type: 2 | 3): Encapsulation {
  return overIpv4(`erspan${type}`, IpProtocol.Gre, (ip, r, n) => {
    const mirrored = ethernet(ip, etherTypeOf(ip), r);
    return type === 2
      ? encodeGre(encodeErspan2(mirrored, { sessionId: 7, vlan: 0 }), { protocol: EtherType.Erspan2, sequence: n })
      : encodeGre(encodeErspan3(mirrored, { sessionId: 7, timestamp: n * 1000 }), { protocol: EtherType.Erspan3, sequence: n });
  });
}

function udpOverIpv4(payload: Buffer, dport: number, reverse: boolean, sport = 49152): Buffer {
  const [a, b] = TunnelEndpoints.v4;
  return encodeUdp(payload, { src: reverse ? b : a, dst: reverse ? a : b, sport, dport, zeroChecksum: true });
}

/** GTP-U (UDP 2152) with optional extension headers. */
export function gtpUEncap(extensions: readonly GtpExtension[] = []): Encapsulation {
  return overIpv4('gtpu', IpProtocol.Udp, (ip, r, n) =>
    udpOverIpv4(encodeGtpU(ip, { teid: r ? 0x2000 : 0x1000, sequence: n, extensions }), 2152, r, 2152));
}

/** VXLAN (UDP 4789) carrying Ethernet. */
export function vxlanEncap(vni = 42): Encapsulation {
  return overIpv4('vxlan', IpProtocol.Udp, (ip, r) => udpOverIpv4(encodeVxlan(ethernet(ip, etherTypeOf(ip), r), { vni }), 4789, r));
}

/** Geneve (UDP 6081) carrying Ethernet, with raw option TLVs. */
export function geneveEncap(options?: Buffer): Encapsulation {
  return overIpv4('geneve', IpProtocol.Udp, (ip, r) =>
    udpOverIpv4(encodeGeneve(ethernet(ip, etherTypeOf(ip), r), { vni: 7, ...(options !== undefined ? { options } : {}) }), 6081, r));
}

/** IP in IPv4 (protocol 4 for IPv4 = IPIP, 41 for IPv6 = 6in4). */
export function ipInIpv4Encap(name = 'ipip'): Encapsulation {
  let n = 0;
  return {
    name, linkType: LinkType.Ethernet,
    wrap(ip, reverse) {
      n++;
      const proto = ipVersion(ip) === 6 ? IpProtocol.Ipv6 : IpProtocol.IpInIp;
      return ethernet(outerIpv4(ip, proto, reverse, n), EtherType.Ipv4, reverse);
    },
  };
}

/** IP in IPv6 (next header 4 for IPv4, 41 for IPv6). */
export function ipInIpv6Encap(name = 'ip-in-ipv6'): Encapsulation {
  return {
    name, linkType: LinkType.Ethernet,
    wrap(ip, reverse) {
      const proto = ipVersion(ip) === 6 ? IpProtocol.Ipv6 : IpProtocol.IpInIp;
      return ethernet(outerIpv6(ip, proto, reverse), EtherType.Ipv6, reverse);
    },
  };
}

/** True when `addr` is an IPv6 address. */
export function isIpv6Address(addr: string | Buffer): boolean {
  return parseIp(addr).length === 16;
}
