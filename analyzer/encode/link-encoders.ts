/**
 * link-encoders.ts: builders for link layers and shims (Ethernet, VLAN, SLL, NULL, PPP, HDLC, 802.11, MPLS, PPPoE).
 * Each takes the payload and returns a new Buffer with the header in front. Pure; no I/O.
 */
import { ConfigError } from '../errors.js';
import { crc32, parseMac } from './bytes.js';
import type { MacAddress } from './bytes.js';

/** Ethernet II header fields. */
export interface EthernetOptions {
  readonly etherType: number;
  readonly src?: MacAddress;
  readonly dst?: MacAddress;
}

/** Prepends an Ethernet II header (no FCS). Chain VLANs with encodeVlan and a VLAN TPID here. */
export function encodeEthernet(payload: Buffer, o: EthernetOptions): Buffer {
  const h = Buffer.alloc(14);
  parseMac(o.dst ?? '02:00:00:00:00:02').copy(h, 0);
  parseMac(o.src ?? '02:00:00:00:00:01').copy(h, 6);
  h.writeUInt16BE(o.etherType, 12);
  return Buffer.concat([h, payload]);
}

/** One 802.1Q/802.1ad tag body; the TPID (0x8100, 0x88a8, 0x9100) belongs to the header before it. */
export interface VlanOptions {
  readonly vid: number;
  /** EtherType of what follows the tag. */
  readonly etherType: number;
  readonly priority?: number;
}

/** Prepends a VLAN tag's TCI and inner EtherType: `encodeEthernet(encodeVlan(ip, {vid, etherType: 0x0800}), {etherType: 0x8100})`. */
export function encodeVlan(payload: Buffer, o: VlanOptions): Buffer {
  if (o.vid < 0 || o.vid > 0xfff) throw new ConfigError(`vlan id ${o.vid} is out of range; expected 0…4095`);
  const h = Buffer.alloc(4);
  h.writeUInt16BE(((o.priority ?? 0) << 13) | o.vid, 0);
  h.writeUInt16BE(o.etherType, 2);
  return Buffer.concat([h, payload]);
}

/** Linux cooked capture v1 header fields. */
export interface SllOptions {
  /** EtherType of the payload. */
  readonly protocol: number;
  /** 0 to us, 4 sent by us, ... */
  readonly packetType?: number;
  readonly address?: MacAddress;
}

/** Prepends a LINKTYPE_LINUX_SLL (113) header. */
export function encodeSll(payload: Buffer, o: SllOptions): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(o.packetType ?? 0, 0);
  h.writeUInt16BE(1, 2); // ARPHRD_ETHER
  h.writeUInt16BE(6, 4);
  parseMac(o.address ?? '02:00:00:00:00:01').copy(h, 6);
  h.writeUInt16BE(o.protocol, 14);
  return Buffer.concat([h, payload]);
}

/** Linux cooked capture v2 header fields. */
export interface Sll2Options extends SllOptions {
  readonly interfaceIndex?: number;
}

/** Prepends a LINKTYPE_LINUX_SLL2 (276) header. */
export function encodeSll2(payload: Buffer, o: Sll2Options): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(o.protocol, 0);
  h.writeUInt32BE(o.interfaceIndex ?? 1, 4);
  h.writeUInt16BE(1, 8); // ARPHRD_ETHER
  h[10] = o.packetType ?? 0;
  h[11] = 6;
  parseMac(o.address ?? '02:00:00:00:00:01').copy(h, 12);
  return Buffer.concat([h, payload]);
}

/** BSD loopback header fields. */
export interface NullOptions {
  /** Address family: 2 IPv4; 24, 28 or 30 IPv6. */
  readonly family: number;
  /** 'little' for DLT_NULL from a little-endian host, 'big' for DLT_LOOP (108) or a big-endian host. */
  readonly byteOrder: 'little' | 'big';
}

/** Prepends a DLT_NULL / DLT_LOOP 4-byte address family. */
export function encodeNull(payload: Buffer, o: NullOptions): Buffer {
  const h = Buffer.alloc(4);
  if (o.byteOrder === 'little') h.writeUInt32LE(o.family, 0);
  else h.writeUInt32BE(o.family, 0);
  return Buffer.concat([h, payload]);
}

/** PPP protocol numbers for encodePpp and encodePppoe. */
export const PppProtocolNumber = { Ipv4: 0x0021, Ipv6: 0x0057, Mpls: 0x0281 } as const;

/** PPP header fields. */
export interface PppOptions {
  readonly protocol: number;
  /** Prepend the HDLC address/control bytes 0xff 0x03 (default true). */
  readonly addressControl?: boolean;
}

/** Prepends a PPP header (DLT_PPP 9, DLT_PPP_SERIAL 50). */
export function encodePpp(payload: Buffer, o: PppOptions): Buffer {
  const ac = o.addressControl ?? true;
  const h = Buffer.alloc(ac ? 4 : 2);
  if (ac) {
    h[0] = 0xff;
    h[1] = 0x03;
  }
  h.writeUInt16BE(o.protocol, ac ? 2 : 0);
  return Buffer.concat([h, payload]);
}

/** Prepends the LINKTYPE_PPP_WITH_DIR (204) direction byte (1 = sent by us) and a PPP header. */
export function encodePppWithDirection(payload: Buffer, o: PppOptions & { readonly outbound: boolean }): Buffer {
  return Buffer.concat([Buffer.from([o.outbound ? 1 : 0]), encodePpp(payload, o)]);
}

/** Prepends a Cisco HDLC header (LINKTYPE_C_HDLC 104): address, control, EtherType. */
export function encodeCiscoHdlc(payload: Buffer, o: { readonly protocol: number; readonly multicast?: boolean }): Buffer {
  const h = Buffer.from([o.multicast === true ? 0x8f : 0x0f, 0x00, 0, 0]);
  h.writeUInt16BE(o.protocol, 2);
  return Buffer.concat([h, payload]);
}

/** Prepends MPLS label stack entries, outermost first; the last gets bottom-of-stack. */
export function encodeMpls(payload: Buffer, o: { readonly labels: readonly number[]; readonly ttl?: number }): Buffer {
  if (o.labels.length === 0) throw new ConfigError('mpls: labels must not be empty');
  const h = Buffer.alloc(4 * o.labels.length);
  o.labels.forEach((label, i) => {
    if (label < 0 || label > 0xfffff) throw new ConfigError(`mpls label ${label} is out of range; expected 0…1048575`);
    h.writeUInt32BE(((label << 12) | (i === o.labels.length - 1 ? 0x100 : 0) | (o.ttl ?? 64)) >>> 0, i * 4);
  });
  return Buffer.concat([h, payload]);
}

/** Prepends a PPPoE session header (EtherType 0x8864 goes in the header before) and the PPP protocol. */
export function encodePppoe(payload: Buffer, o: { readonly sessionId: number; readonly pppProtocol: number }): Buffer {
  const h = Buffer.alloc(8);
  h[0] = 0x11; // version 1, type 1
  h.writeUInt16BE(o.sessionId, 2);
  h.writeUInt16BE(payload.length + 2, 4);
  h.writeUInt16BE(o.pppProtocol, 6);
  return Buffer.concat([h, payload]);
}

/** Prepends an 802.2 LLC + SNAP header carrying `etherType`. */
export function encodeLlcSnap(payload: Buffer, etherType: number): Buffer {
  const h = Buffer.from([0xaa, 0xaa, 0x03, 0, 0, 0, 0, 0]);
  h.writeUInt16BE(etherType, 6);
  return Buffer.concat([h, payload]);
}

/** 802.11 data frame fields. */
export interface Ieee80211DataOptions {
  /** EtherType in the LLC/SNAP header. */
  readonly etherType: number;
  /** 'to-ds' station → AP, 'from-ds' AP → station. */
  readonly direction: 'to-ds' | 'from-ds';
  readonly bssid?: MacAddress;
  readonly station?: MacAddress;
  readonly peer?: MacAddress;
  /** QoS data subtype with this TID. */
  readonly qosTid?: number;
  readonly sequence?: number;
}

/** Prepends an 802.11 data header and LLC/SNAP (no FCS; see encodeRadiotap for one). */
export function encodeIeee80211Data(payload: Buffer, o: Ieee80211DataOptions): Buffer {
  const qos = o.qosTid !== undefined;
  const h = Buffer.alloc(qos ? 26 : 24);
  h[0] = qos ? 0x88 : 0x08; // type 2 (data), subtype 8 (QoS data) or 0 (data)
  h[1] = o.direction === 'to-ds' ? 0x01 : 0x02;
  const bssid = parseMac(o.bssid ?? '02:00:00:00:aa:01');
  const station = parseMac(o.station ?? '02:00:00:00:00:01');
  const peer = parseMac(o.peer ?? '02:00:00:00:00:02');
  // To DS: addr1 BSSID, addr2 SA (station), addr3 DA. From DS: addr1 DA (station), addr2 BSSID, addr3 SA.
  const [a1, a2, a3] = o.direction === 'to-ds' ? [bssid, station, peer] : [station, bssid, peer];
  a1.copy(h, 4);
  a2.copy(h, 10);
  a3.copy(h, 16);
  h.writeUInt16LE(((o.sequence ?? 0) & 0xfff) << 4, 22);
  if (qos) h[24] = o.qosTid! & 0x0f;
  return Buffer.concat([h, encodeLlcSnap(payload, o.etherType)]);
}

/** Prepends a radiotap header (Flags and Rate fields); with `fcs` appends the 802.11 FCS and flags it. */
export function encodeRadiotap(frame80211: Buffer, o: { readonly fcs?: boolean } = {}): Buffer {
  const h = Buffer.alloc(10);
  h.writeUInt16LE(10, 2);
  h.writeUInt32LE(0x00000006, 4); // Flags (bit 1) and Rate (bit 2)
  h[8] = o.fcs === true ? 0x10 : 0x00;
  h[9] = 0x02; // 1 Mb/s
  if (o.fcs !== true) return Buffer.concat([h, frame80211]);
  const fcs = Buffer.alloc(4);
  fcs.writeUInt32LE(crc32(frame80211), 0);
  return Buffer.concat([h, frame80211, fcs]);
}
