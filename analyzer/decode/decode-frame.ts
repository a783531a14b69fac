/**
 * decode-frame.ts: turns a Frame into a Packet by following the next-layer tables from the link
 * type down (protocols/, dissector-table.ts). Pure and total (never throws); imports only packet/
 * and decode/. No I/O, no capture/ or analysis/.
 */
import type { Frame } from '../packet/frame.js';
import type { Packet } from '../packet/packet.js';
import { addIssue, DecodeState, NO_ISSUES } from './decode-state.js';
import { dissectLinkType } from './dissector-table.js';
import { viewOf } from './header-views.js';
import { dissectIpByVersion } from './protocols/index.js';

export { DecodeLimits } from './decode-state.js';

function finish(s: DecodeState, base?: Packet): Packet {
  const p: { -readonly [K in keyof Packet]: Packet[K] } = {
    frame: s.frame,
    layers: s.layers,
    payload: viewOf(s.data, s.payloadStart, Math.max(s.payloadStart, s.payloadEnd)),
    issues: base !== undefined && base.issues.length > 0
      ? (s.issues === undefined ? base.issues : [...base.issues, ...s.issues])
      : (s.issues ?? NO_ISSUES),
  };
  const link = s.link ?? base?.link;
  if (link !== undefined) p.link = link;
  if (s.ip !== undefined) p.ip = s.ip;
  if (s.outerIps !== undefined) p.outerIps = s.outerIps;
  if (s.tcp !== undefined) p.tcp = s.tcp;
  if (s.udp !== undefined) p.udp = s.udp;
  if (s.icmp !== undefined) p.icmp = s.icmp;
  if (s.ipFragment) p.ipFragment = true;
  return p;
}

/**
 * Decodes one frame: link layer, VLAN/MPLS/PPPoE shims, IPv4/IPv6 (+ tunnels), TCP/UDP/ICMP.
 * Never throws: truncated or malformed layers become `issues`, and decoding stops at the first
 * layer it does not follow (`unsupported-layer`). Headers are views into `frame.data`.
 * An IP fragment sets `ipFragment` and is not decoded further (see createIpReassembler).
 *
 * @example
 * const p = decodeFrame(frame);
 * if (isSegment(p)) console.log(formatIp(p.ip.src), p.tcp.srcPort, p.tcp.segmentLength);
 */
export function decodeFrame(frame: Frame): Packet {
  const s = new DecodeState(frame, frame.data, []);
  try {
    dissectLinkType(s, frame.linkType, frame.data.length);
  } catch (e) {
    // Every read is bounds-checked; this only guards the "never throws" contract against a
    // dissector bug, so one bad frame cannot stop a whole capture.
    addIssue(s, 'bad-length', s.layers[s.layers.length - 1] ?? 'frame', 0, `decoder error: ${(e as Error).message}`);
  }
  return finish(s);
}

/**
 * Decodes a reassembled IP datagram (`datagram`, starting with its IP header) for the frame that
 * completed it. Link, outer IP headers, issues and the layers before the fragment's IP layer
 * come from `completing`; `ip`, `tcp`, `udp` and `payload` are views into `datagram`.
 */
export function decodeReassembledDatagram(completing: Packet, datagram: Buffer): Packet {
  const layers = completing.layers.slice(0, completing.layers.length - 1);
  const s = new DecodeState(completing.frame, datagram, layers);
  if (completing.outerIps !== undefined) {
    s.outerIps = completing.outerIps.slice();
    s.ipCount = s.outerIps.length;
    s.ip = s.outerIps.pop();
    if (s.outerIps.length === 0) s.outerIps = undefined;
  }
  try {
    dissectIpByVersion(s, 'ip', 0, datagram.length);
  } catch (e) {
    addIssue(s, 'bad-length', 'ip', 0, `decoder error: ${(e as Error).message}`);
  }
  return finish(s, completing);
}
