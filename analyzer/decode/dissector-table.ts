/**
 * dissector-table.ts: next-layer tables keyed by link type, EtherType, PPP protocol, GRE protocol,
 * IP protocol and UDP port (Wireshark's dissector tables), and the dispatchers that follow them.
 * The entries are registered in protocols/index.ts. Pure; imports only decode-state.
 */
import type { DecodeState } from './decode-state.js';
import { unsupported } from './decode-state.js';

/** Decodes one layer at `off`, bounded by `end`, and whatever it carries. */
export type Dissector = (s: DecodeState, off: number, end: number) => void;

/** An IP payload dissector: `announced` is the payload length the IP header claims. */
export type IpPayloadDissector = (s: DecodeState, off: number, end: number, announced: number, version: 4 | 6) => void;

/** A GRE payload dissector: `greFlags` is the GRE header's first 16 bits (ERSPAN II needs its S bit). */
export type GreDissector = (s: DecodeState, off: number, end: number, greFlags: number) => void;

/** Numbers → dissectors, with one entry per number. */
export class DissectorTable<D> {
  readonly name: string;
  private readonly byKey = new Map<number, D>();

  constructor(name: string) {
    this.name = name;
  }

  /** Registers `dissector` for `key`; a second registration of one key is a programming error. */
  add(key: number, dissector: D): void {
    if (this.byKey.has(key)) throw new Error(`${this.name} table: ${key} is already registered`);
    this.byKey.set(key, dissector);
  }

  get(key: number): D | undefined {
    return this.byKey.get(key);
  }
}

/** LINKTYPE_* → link-layer dissector (offset 0, the whole frame). */
export const linkTypeTable = new DissectorTable<Dissector>('link type');
/** EtherType → dissector (Ethernet, SLL, LLC/SNAP, Cisco HDLC, VLAN, Geneve). */
export const etherTypeTable = new DissectorTable<Dissector>('ethertype');
/** PPP protocol number → dissector (PPP, PPPoE). */
export const pppProtocolTable = new DissectorTable<Dissector>('ppp protocol');
/** GRE protocol type → dissector. */
export const greProtocolTable = new DissectorTable<GreDissector>('gre protocol');
/** IP protocol number → dissector (IPv4, IPv6 after its extension headers). */
export const ipProtocolTable = new DissectorTable<IpPayloadDissector>('ip protocol');
/** UDP port → dissector (tunnels); the lower port is tried first. */
export const udpPortTable = new DissectorTable<Dissector>('udp port');

/** Follows the link type of the frame. */
export function dissectLinkType(s: DecodeState, linkType: number, end: number): void {
  const dissector = linkTypeTable.get(linkType);
  if (dissector !== undefined) dissector(s, 0, end);
  else unsupported(s, 'frame', 0, end, `link type ${linkType} is not decoded`);
}

/** Follows an EtherType. */
export function dissectEtherType(s: DecodeState, type: number, off: number, end: number): void {
  const dissector = etherTypeTable.get(type);
  if (dissector !== undefined) dissector(s, off, end);
  else unsupported(s, 'ethertype', off, end, `ethertype 0x${type.toString(16).padStart(4, '0')} is not decoded`);
}

/** Follows a PPP protocol number. */
export function dissectPppProtocol(s: DecodeState, protocol: number, off: number, end: number): void {
  const dissector = pppProtocolTable.get(protocol);
  if (dissector !== undefined) dissector(s, off, end);
  else unsupported(s, 'ppp', off, end, `ppp protocol 0x${protocol.toString(16).padStart(4, '0')} is not decoded`);
}

/** Follows the IP protocol number. */
export function dissectIpProtocol(s: DecodeState, protocol: number, version: 4 | 6, off: number, end: number, announced: number): void {
  const dissector = ipProtocolTable.get(protocol);
  if (dissector !== undefined) dissector(s, off, end, announced, version);
  else unsupported(s, version === 4 ? 'ipv4' : 'ipv6', off, end, `ip protocol ${protocol} is not decoded`);
}

/** Follows a UDP port; false when no dissector is registered for it. */
export function dissectUdpPort(s: DecodeState, port: number, off: number, end: number): boolean {
  const dissector = udpPortTable.get(port);
  if (dissector === undefined) return false;
  dissector(s, off, end);
  return true;
}
