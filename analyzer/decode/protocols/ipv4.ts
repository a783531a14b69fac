/**
 * ipv4.ts: the IPv4 header (RFC 791); fragments stop here for the reassembler.
 * Pure; imports only packet/ and decode/.
 */
import { u16be } from '../../packet/byte-reader.js';
import { addIssue, reportedLength, stop, truncated, type DecodeState } from '../decode-state.js';
import { dissectIpProtocol } from '../dissector-table.js';
import { Ipv4View } from '../header-views.js';
import { enterIp, setIp } from './ip.js';

/** An IPv4 header at `off`; its total length bounds the payload (link-layer padding is not payload). */
export function dissectIpv4(s: DecodeState, off: number, end: number): void {
  if (!enterIp(s, 'ipv4', off, end)) return;
  const d = s.data;
  if (end - off < 20) {
    truncated(s, 'ipv4', off, end, 20);
    return;
  }
  const vihl = d[off]!;
  const headerLength = (vihl & 0x0f) * 4;
  if (vihl >> 4 !== 4 || headerLength < 20) {
    addIssue(s, 'bad-length', 'ipv4', off, `ipv4 version ${vihl >> 4} header length ${headerLength}; expected version 4 and length ≥ 20`);
    stop(s, off, end);
    return;
  }
  if (end - off < headerLength) {
    truncated(s, 'ipv4', off, end, headerLength);
    return;
  }
  let totalLength = u16be(d, off + 2);
  // A total length of 0 comes from TCP segmentation offload: like Wireshark, use the captured length.
  if (totalLength === 0) totalLength = end - off;
  if (totalLength < headerLength) {
    addIssue(s, 'bad-length', 'ipv4', off, `ipv4 total length ${totalLength} is smaller than the header length ${headerLength}`);
    stop(s, off, end);
    return;
  }
  const flagsFrag = u16be(d, off + 6);
  const moreFragments = (flagsFrag & 0x2000) !== 0;
  const fragmentOffset = (flagsFrag & 0x1fff) * 8;
  const protocol = d[off + 9]!;
  const payloadEnd = Math.min(end, off + totalLength);
  // tshark only ever shortens a datagram to its total length: one claiming more than was on the wire
  // ends with the frame.
  const payloadLength = Math.min(totalLength, reportedLength(s, off, end)) - headerLength;
  s.layers.push('ipv4');
  setIp(
    s,
    new Ipv4View(d, off, headerLength, payloadEnd, totalLength, u16be(d, off + 4), d[off + 8]!, protocol,
      (flagsFrag & 0x4000) !== 0, moreFragments, fragmentOffset, payloadLength),
  );
  const p = off + headerLength;
  if (moreFragments || fragmentOffset !== 0) {
    s.ipFragment = true;
    // Only a fragment captured whole can be reassembled. Like tshark, a first fragment the snapshot
    // cut is dissected as far as it goes: its TCP header gets a stream number but no analysis.
    if (fragmentOffset === 0 && payloadEnd < off + totalLength) dissectIpProtocol(s, protocol, 4, p, payloadEnd, payloadLength);
    else stop(s, p, payloadEnd);
    return;
  }
  dissectIpProtocol(s, protocol, 4, p, payloadEnd, payloadLength);
}
