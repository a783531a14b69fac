/**
 * encode/: packet builders producing real bytes for tests and simulations (the decoders read them back).
 * Re-exports only; must not import capture/, analysis/ or any I/O module.
 */
export { parseIp, parseMac, internetChecksum, pseudoHeader, crc32 } from './bytes.js';
export type { IpAddress, MacAddress } from './bytes.js';
export {
  encodeEthernet, encodeVlan, encodeSll, encodeSll2, encodeNull, encodePpp, encodePppWithDirection, encodeCiscoHdlc,
  encodeMpls, encodePppoe, encodeLlcSnap, encodeIeee80211Data, encodeRadiotap, PppProtocolNumber,
} from './link-encoders.js';
export type { EthernetOptions, VlanOptions, SllOptions, Sll2Options, NullOptions, PppOptions, Ieee80211DataOptions } from './link-encoders.js';
export { encodeIpv4, encodeIpv6, fragmentIpv4, fragmentIpv6 } from './ip-encoders.js';
export type { Ipv4Options, Ipv6Options, Ipv6ExtensionHeader, Ipv6FragmentOptions } from './ip-encoders.js';
export { encodeTcp, encodeTcpOptions, encodeUdp } from './transport-encoders.js';
export type { TcpOptionsInput, TcpSegmentOptions, UdpOptions } from './transport-encoders.js';
export { encodeGre, encodeErspan2, encodeErspan3, encodeGtpU, encodeVxlan, encodeGeneve } from './tunnel-encoders.js';
export type { GreOptions, GtpExtension, GtpUOptions } from './tunnel-encoders.js';
export {
  ethernetEncap, mplsEncap, pppoeEncap, pppEncap, ciscoHdlcEncap, sllEncap, loopbackEncap, rawEncap, wlanEncap,
  greEncap, greEthernetEncap, greWlanEncap, erspanEncap, gtpUEncap, vxlanEncap, geneveEncap, ipInIpv4Encap,
  ipInIpv6Encap, isIpv6Address, TunnelEndpoints,
} from './encapsulation.js';
export type { Encapsulation, VlanTag } from './encapsulation.js';
export { encodeIcmpv4Error, encodeIcmpv6Error } from './icmp-encoders.js';
export { buildTcpFrame, buildTcpDatagram } from './build-tcp-frame.js';
export type { TcpFrameSpec } from './build-tcp-frame.js';
