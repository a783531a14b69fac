/**
 * udp.ts: the UDP header (RFC 768) and the tunnels registered on its ports.
 * Pure; imports only packet/ and decode/.
 */
import { u16be } from '../../packet/byte-reader.js';
import { addIssue, stop, truncated, type DecodeState } from '../decode-state.js';
import { dissectUdpPort } from '../dissector-table.js';
import { UdpView } from '../header-views.js';

/** A UDP header at `off`; its length field bounds the payload. */
export function dissectUdp(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 8) {
    truncated(s, 'udp', off, end, 8);
    return;
  }
  const length = u16be(d, off + 4);
  let payloadEnd = end;
  if (length < 8) addIssue(s, 'bad-length', 'udp', off, `udp length ${length} is smaller than the 8-byte header`);
  else payloadEnd = Math.min(end, off + length);
  const srcPort = u16be(d, off);
  const dstPort = u16be(d, off + 2);
  s.layers.push('udp');
  s.udp = new UdpView(d, off, payloadEnd, srcPort, dstPort, length, u16be(d, off + 6));
  const p = off + 8;
  stop(s, p, payloadEnd);
  // Like Wireshark, try the lower port first.
  const low = srcPort < dstPort ? srcPort : dstPort;
  const high = srcPort < dstPort ? dstPort : srcPort;
  if (!dissectUdpPort(s, low, p, payloadEnd)) dissectUdpPort(s, high, p, payloadEnd);
}
