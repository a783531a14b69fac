/**
 * protocols/: one dissector per protocol, and here the entries of the next-layer tables that join
 * them (Wireshark's dissector_add_uint handoffs, in one place). Pure; imports only packet/ and decode/.
 * A new protocol is one file here and one line below.
 */
import { LinkType } from '../../packet/frame.js';
import { EtherType, IpProtocol } from '../../packet/packet.js';
import { stop } from '../decode-state.js';
import {
  etherTypeTable,
  greProtocolTable,
  ipProtocolTable,
  linkTypeTable,
  pppProtocolTable,
  udpPortTable,
} from '../dissector-table.js';
import { dissectLoop, dissectNull } from './bsd-loopback.js';
import { dissectCiscoHdlc } from './cisco-hdlc.js';
import { dissectErspan } from './erspan.js';
import { dissectEthernet, dissectVlan } from './ethernet.js';
import { dissectGeneve } from './geneve.js';
import { dissectGre, GRE_SEQUENCE_PRESENT, GreProtocol } from './gre.js';
import { dissectGtpU } from './gtp-u.js';
import { dissectIcmpv4, dissectIcmpv6 } from './icmp.js';
import { dissectIeee80211 } from './ieee80211.js';
import { dissectRawIp } from './ip.js';
import { dissectIpv4 } from './ipv4.js';
import { dissectIpv6 } from './ipv6.js';
import { dissectSll, dissectSll2 } from './linux-sll.js';
import { dissectMpls } from './mpls.js';
import { dissectPpp, dissectPppHdlc, dissectPppWithDirection, PppProtocol } from './ppp.js';
import { dissectPppoe } from './pppoe.js';
import { dissectRadiotap } from './radiotap.js';
import { dissectTcp } from './tcp.js';
import { dissectUdp } from './udp.js';
import { dissectVxlan } from './vxlan.js';

export { dissectIpByVersion } from './ip.js';

/** UDP ports of the tunnels we follow (IANA). */
export const UdpPort = { GtpU: 2152, Vxlan: 4789, Geneve: 6081 } as const;

linkTypeTable.add(LinkType.Ethernet, dissectEthernet);
linkTypeTable.add(LinkType.LinuxSll, dissectSll);
linkTypeTable.add(LinkType.LinuxSll2, dissectSll2);
linkTypeTable.add(LinkType.Null, dissectNull);
linkTypeTable.add(LinkType.Loop, dissectLoop);
linkTypeTable.add(LinkType.Raw, dissectRawIp);
linkTypeTable.add(LinkType.Ipv4, dissectIpv4);
linkTypeTable.add(LinkType.Ipv6, dissectIpv6);
linkTypeTable.add(LinkType.Ppp, dissectPpp);
linkTypeTable.add(LinkType.PppHdlc, dissectPppHdlc);
linkTypeTable.add(LinkType.PppWithDirection, dissectPppWithDirection);
linkTypeTable.add(LinkType.CiscoHdlc, dissectCiscoHdlc);
linkTypeTable.add(LinkType.Ieee80211, dissectIeee80211);
linkTypeTable.add(LinkType.Radiotap, dissectRadiotap);

etherTypeTable.add(EtherType.Ipv4, dissectIpv4);
etherTypeTable.add(EtherType.Ipv6, dissectIpv6);
etherTypeTable.add(EtherType.Vlan, dissectVlan);
etherTypeTable.add(EtherType.QinQ, dissectVlan);
etherTypeTable.add(EtherType.QinQOld, dissectVlan);
etherTypeTable.add(EtherType.Mpls, dissectMpls);
etherTypeTable.add(EtherType.MplsMulticast, dissectMpls);
etherTypeTable.add(EtherType.PppoeSession, dissectPppoe);
etherTypeTable.add(EtherType.TransparentEthernetBridging, dissectEthernet);

pppProtocolTable.add(PppProtocol.Ipv4, dissectIpv4);
pppProtocolTable.add(PppProtocol.Ipv6, dissectIpv6);
pppProtocolTable.add(PppProtocol.Mpls, dissectMpls);
pppProtocolTable.add(PppProtocol.MplsMulticast, dissectMpls);

greProtocolTable.add(EtherType.Ipv4, dissectIpv4);
greProtocolTable.add(EtherType.Ipv6, dissectIpv6);
greProtocolTable.add(EtherType.TransparentEthernetBridging, dissectEthernet);
greProtocolTable.add(EtherType.Mpls, dissectMpls);
greProtocolTable.add(EtherType.MplsMulticast, dissectMpls);
greProtocolTable.add(EtherType.Erspan2, (s, off, end, flags) => {
  // ERSPAN type I has no ERSPAN header and no GRE sequence number (Wireshark's rule).
  if (flags & GRE_SEQUENCE_PRESENT) dissectErspan(s, 2, off, end);
  else dissectEthernet(s, off, end);
});
greProtocolTable.add(EtherType.Erspan3, (s, off, end) => dissectErspan(s, 3, off, end));
greProtocolTable.add(GreProtocol.Wccp, (s, off, end) => {
  // WCCPv2 inserts a 4-byte redirect header; WCCPv1 does not. An IPv4 version nibble tells them apart.
  dissectIpv4(s, end - off >= 1 && s.data[off]! >> 4 !== 4 ? off + 4 : off, end);
});
greProtocolTable.add(GreProtocol.Ppp, dissectPpp);

ipProtocolTable.add(IpProtocol.Tcp, dissectTcp);
ipProtocolTable.add(IpProtocol.Udp, dissectUdp);
ipProtocolTable.add(IpProtocol.Icmp, dissectIcmpv4);
ipProtocolTable.add(IpProtocol.Icmpv6, dissectIcmpv6);
ipProtocolTable.add(IpProtocol.IpInIp, dissectIpv4);
ipProtocolTable.add(IpProtocol.Ipv6, dissectIpv6);
ipProtocolTable.add(IpProtocol.Gre, dissectGre);
ipProtocolTable.add(IpProtocol.Ipv6NoNext, (s, off, end) => stop(s, off, end));

udpPortTable.add(UdpPort.GtpU, dissectGtpU);
udpPortTable.add(UdpPort.Vxlan, dissectVxlan);
udpPortTable.add(UdpPort.Geneve, dissectGeneve);
