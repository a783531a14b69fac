/**
 * tcp-peek.ts: the few TCP/IP fields impairment matchers need, read from an Ethernet frame.
 * Pure; must not import node I/O modules. (A private peek, not analyzer/decode, so a matcher
 * never depends on the analyzer's decode options and stays a dozen reads per frame.)
 */

/** TCP fields of an Ethernet/IPv4|IPv6/TCP frame. */
export interface TcpPeek {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  /** TCP flag bits (analyzer/packet TcpFlag values). */
  readonly flags: number;
  /** Payload length announced by the IP header minus the TCP header (Wireshark's tcp.len). */
  readonly segmentLength: number;
  /** "srcip:port>dstip:port" as hex, unique per direction of a connection. */
  readonly flowKey: string;
  /** Source and destination addresses as hex (4 or 16 bytes). */
  readonly srcAddressHex: string;
  readonly dstAddressHex: string;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const PROTO_TCP = 6;
// IPv6 extension headers that use the generic (next header, length) layout.
const IPV6_EXTENSIONS = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;

/** Reads the TCP header of an Ethernet frame; undefined for anything else or a truncated frame. */
export function peekTcp(frame: Buffer): TcpPeek | undefined {
  if (frame.length < 14) return undefined;
  let offset = 12;
  let etherType = frame.readUInt16BE(offset);
  if (etherType === ETHERTYPE_VLAN && frame.length >= 18) {
    offset += 4;
    etherType = frame.readUInt16BE(offset);
  }
  offset += 2;
  let protocol: number;
  let ipPayloadLength: number;
  let addresses: string;
  if (etherType === ETHERTYPE_IPV4) {
    if (frame.length < offset + 20) return undefined;
    const headerLength = (frame[offset]! & 0x0f) * 4;
    const fragment = frame.readUInt16BE(offset + 6) & 0x1fff;
    if (fragment !== 0) return undefined;
    protocol = frame[offset + 9]!;
    ipPayloadLength = frame.readUInt16BE(offset + 2) - headerLength;
    addresses = frame.toString('hex', offset + 12, offset + 20);
    offset += headerLength;
  } else if (etherType === ETHERTYPE_IPV6) {
    if (frame.length < offset + 40) return undefined;
    protocol = frame[offset + 6]!;
    ipPayloadLength = frame.readUInt16BE(offset + 4);
    addresses = frame.toString('hex', offset + 8, offset + 40);
    offset += 40;
    while (IPV6_EXTENSIONS.has(protocol)) {
      if (frame.length < offset + 8) return undefined;
      const length = (frame[offset + 1]! + 1) * 8;
      protocol = frame[offset]!;
      ipPayloadLength -= length;
      offset += length;
    }
    if (protocol === IPV6_FRAGMENT) return undefined;
  } else {
    return undefined;
  }
  if (protocol !== PROTO_TCP || frame.length < offset + 20) return undefined;
  const srcPort = frame.readUInt16BE(offset);
  const dstPort = frame.readUInt16BE(offset + 2);
  const dataOffset = (frame[offset + 12]! >> 4) * 4;
  return {
    srcPort,
    dstPort,
    seq: frame.readUInt32BE(offset + 4),
    flags: frame.readUInt16BE(offset + 12) & 0x1ff,
    segmentLength: Math.max(0, ipPayloadLength - dataOffset),
    flowKey: `${addresses}:${srcPort}>${dstPort}`,
    srcAddressHex: addresses.slice(0, addresses.length / 2),
    dstAddressHex: addresses.slice(addresses.length / 2),
  };
}
