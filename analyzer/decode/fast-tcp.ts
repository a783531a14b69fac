/**
 * fast-tcp.ts: the engine's fast decoder (issue 7), DecodingLayerParser-style. For the frames that make
 * up nearly every capture, Ethernet (one optional VLAN tag) or raw IP, then IPv4 or IPv6, then TCP, it
 * fills one reused scratch record with numbers (offsets into the frame's bytes, header fields, options
 * as fixed fields, SACK edges in a typed array) and allocates nothing. Everything else (other link
 * types and encapsulations, fragments, extension headers, a header cut short, a malformed option, a
 * length that disagrees) makes it answer false, and the caller takes decodeFrame, which handles all of
 * it: the fast path never decides a hard case, so it cannot decide one differently.
 * Pure: imports only packet/ byte readers. No I/O.
 */
import { u16be, u32be } from '../packet/byte-reader.js';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const IPPROTO_TCP = 6;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;
const OPTION_END = 0;
const OPTION_NOP = 1;
const OPTION_MSS = 2;
const OPTION_WINDOW_SCALE = 3;
const OPTION_SACK_PERMITTED = 4;
const OPTION_SACK = 5;
const OPTION_TIMESTAMP = 8;
const MAX_SACK_BLOCKS = 4;

/** One decoded TCP segment as numbers; reused for every frame, so read it before the next decode. */
export class TcpScratch {
  /** 4 or 6. */
  ipVersion = 0;
  /** Offset of the IP header in the frame's bytes. */
  ipOffset = 0;
  ipHeaderLength = 0;
  /** Offsets of the source and destination addresses (4 or 16 bytes each). */
  srcAddressOffset = 0;
  dstAddressOffset = 0;
  /** TTL or hop limit. */
  ttl = 0;
  /** IPv4 identification (0 for IPv6). */
  ipId = 0;
  /** 802.1Q VLAN id, or -1 without a tag. */
  vlanId = -1;
  tcpOffset = 0;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  headerLength = 0;
  /** The 12 flag bits (TcpFlag). */
  flags = 0;
  windowRaw = 0;
  checksum = 0;
  urgentPointer = 0;
  /** TCP payload length by the IP header (may exceed what was captured). */
  segmentLength = 0;
  /** Offset and captured length of the payload. */
  payloadOffset = 0;
  payloadCaptured = 0;
  /** Options: -1 when absent. */
  mss = -1;
  windowScale = -1;
  sackPermitted = false;
  hasTimestamp = false;
  tsValue = 0;
  tsEcho = 0;
  /** SACK blocks (at most 4): left edge at 2k, right edge at 2k+1. */
  sackCount = 0;
  readonly sackEdges = new Uint32Array(2 * MAX_SACK_BLOCKS);
}

/**
 * Decodes the frame at `bytes[off, off + capturedLength)` into `out` when it is a plain TCP segment the
 * fast path covers; returns false (and `out` is garbage) otherwise.
 * `originalLength` is the frame's length on the wire: an IP length beyond it is left to decodeFrame.
 */
export function decodeTcpFast(bytes: Uint8Array, off: number, capturedLength: number, originalLength: number, linkType: number, out: TcpScratch): boolean {
  const end = off + capturedLength;
  let p = off;
  let version: number;
  out.vlanId = -1;
  if (linkType === LINKTYPE_ETHERNET) {
    if (capturedLength < 14) return false;
    let type = u16be(bytes, p + 12);
    p += 14;
    if (type === ETHERTYPE_VLAN) {
      if (end - p < 4) return false;
      out.vlanId = u16be(bytes, p) & 0x0fff;
      type = u16be(bytes, p + 2);
      p += 4;
    }
    if (type === ETHERTYPE_IPV4) version = 4;
    else if (type === ETHERTYPE_IPV6) version = 6;
    else return false;
    if (end - p < 1 || bytes[p]! >> 4 !== version) return false;
  } else if (linkType === LINKTYPE_RAW || linkType === LINKTYPE_IPV4 || linkType === LINKTYPE_IPV6) {
    if (capturedLength < 1) return false;
    version = bytes[p]! >> 4;
    if ((linkType === LINKTYPE_IPV4 && version !== 4) || (linkType === LINKTYPE_IPV6 && version !== 6)) return false;
  } else return false;
  // Bytes the frame had on the wire from the IP header on: an IP length past them is a hard case.
  const reportedIpBytes = originalLength - (p - off);
  const ip = p;
  let tcp: number;
  let ipPayloadLength: number;
  if (version === 4) {
    if (end - ip < 20) return false;
    const ihl = (bytes[ip]! & 0x0f) * 4;
    const totalLength = u16be(bytes, ip + 2);
    // Fragments (MF or an offset) go to the reassembler through decodeFrame.
    if (ihl < 20 || end - ip < ihl || bytes[ip + 9] !== IPPROTO_TCP || (u16be(bytes, ip + 6) & 0x3fff) !== 0) return false;
    if (totalLength < ihl || totalLength > reportedIpBytes) return false;
    out.ipHeaderLength = ihl;
    out.srcAddressOffset = ip + 12;
    out.dstAddressOffset = ip + 16;
    out.ttl = bytes[ip + 8]!;
    out.ipId = u16be(bytes, ip + 4);
    tcp = ip + ihl;
    ipPayloadLength = totalLength - ihl;
  } else if (version === 6) {
    if (end - ip < 40) return false;
    const payloadLength = u16be(bytes, ip + 4);
    // Extension headers, jumbograms (length 0) and lengths past the frame are decodeFrame's.
    if (bytes[ip + 6] !== IPPROTO_TCP || payloadLength === 0 || payloadLength > reportedIpBytes - 40) return false;
    out.ipHeaderLength = 40;
    out.srcAddressOffset = ip + 8;
    out.dstAddressOffset = ip + 24;
    out.ttl = bytes[ip + 7]!;
    out.ipId = 0;
    tcp = ip + 40;
    ipPayloadLength = payloadLength;
  } else return false;
  out.ipVersion = version;
  out.ipOffset = ip;
  if (end - tcp < 20) return false;
  const headerLength = (bytes[tcp + 12]! >> 4) * 4;
  if (headerLength < 20 || headerLength > ipPayloadLength || end - tcp < headerLength) return false;
  out.tcpOffset = tcp;
  out.srcPort = u16be(bytes, tcp);
  out.dstPort = u16be(bytes, tcp + 2);
  out.seq = u32be(bytes, tcp + 4);
  out.ack = u32be(bytes, tcp + 8);
  out.headerLength = headerLength;
  out.flags = ((bytes[tcp + 12]! & 0x0f) << 8) | bytes[tcp + 13]!;
  out.windowRaw = u16be(bytes, tcp + 14);
  out.checksum = u16be(bytes, tcp + 16);
  out.urgentPointer = u16be(bytes, tcp + 18);
  out.segmentLength = ipPayloadLength - headerLength;
  out.payloadOffset = tcp + headerLength;
  out.payloadCaptured = Math.max(0, Math.min(end, tcp + ipPayloadLength) - out.payloadOffset);
  return headerLength === 20 ? clearOptions(out) : decodeOptions(bytes, tcp + 20, tcp + headerLength, out);
}

function clearOptions(out: TcpScratch): true {
  out.mss = -1;
  out.windowScale = -1;
  out.sackPermitted = false;
  out.hasTimestamp = false;
  out.sackCount = 0;
  return true;
}

/** The options in [p, end) as fixed fields; false for anything but well-formed known options (decodeFrame reports those). */
function decodeOptions(bytes: Uint8Array, p: number, end: number, out: TcpScratch): boolean {
  clearOptions(out);
  while (p < end) {
    const kind = bytes[p]!;
    if (kind === OPTION_END) return true;
    if (kind === OPTION_NOP) {
      p++;
      continue;
    }
    if (p + 1 >= end) return false;
    const len = bytes[p + 1]!;
    if (len < 2 || p + len > end) return false;
    switch (kind) {
      case OPTION_MSS:
        if (len !== 4) return false;
        out.mss = u16be(bytes, p + 2);
        break;
      case OPTION_WINDOW_SCALE:
        if (len !== 3) return false;
        out.windowScale = bytes[p + 2]!;
        break;
      case OPTION_SACK_PERMITTED:
        if (len !== 2) return false;
        out.sackPermitted = true;
        break;
      case OPTION_SACK: {
        if ((len - 2) % 8 !== 0 || len < 10) return false;
        let n = 0;
        for (let b = p + 2; b < p + len && n < MAX_SACK_BLOCKS; b += 8, n++) {
          out.sackEdges[2 * n] = u32be(bytes, b);
          out.sackEdges[2 * n + 1] = u32be(bytes, b + 4);
        }
        out.sackCount = n;
        break;
      }
      case OPTION_TIMESTAMP:
        if (len !== 10) return false;
        out.hasTimestamp = true;
        out.tsValue = u32be(bytes, p + 2);
        out.tsEcho = u32be(bytes, p + 6);
        break;
      default:
        // Fast Open, experiments and the rest carry what only decodeFrame keeps.
        return false;
    }
    p += len;
  }
  return true;
}
