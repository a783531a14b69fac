/**
 * ieee80211.ts: 802.11 data frames down to their LLC header; management, control, protected and
 * A-MSDU frames stop here. Pure; imports only packet/ and decode/.
 */
import { tooDeep, truncated, stop, unsupported, type DecodeState } from '../decode-state.js';
import { dissectLlc } from './llc.js';

/** An 802.11 MAC header at `off`. */
export function dissectIeee80211(s: DecodeState, off: number, end: number): void {
  if (tooDeep(s, 'wlan', off, end)) return;
  const d = s.data;
  if (end - off < 2) {
    truncated(s, 'wlan', off, end, 24);
    return;
  }
  const fc0 = d[off]!;
  const fc1 = d[off + 1]!;
  const type = (fc0 >> 2) & 3;
  const subtype = fc0 >> 4;
  if (type !== 2) {
    s.layers.push('wlan');
    unsupported(s, 'wlan', off, end, `802.11 frame type ${type} subtype ${subtype} carries no data`);
    return;
  }
  let hdr = 24;
  if ((fc1 & 3) === 3) hdr += 6; // ToDS and FromDS: a fourth address
  const qos = (subtype & 8) !== 0;
  if (qos) {
    hdr += 2;
    if (fc1 & 0x80) hdr += 4; // +HTC
  }
  if (end - off < hdr) {
    truncated(s, 'wlan', off, end, hdr);
    return;
  }
  s.layers.push('wlan');
  if (subtype & 4) {
    stop(s, off + hdr, end); // Null data: nothing carried, nothing to report.
    return;
  }
  if (fc1 & 0x40) {
    unsupported(s, 'wlan', off + hdr, end, '802.11 frame is protected (encrypted)');
    return;
  }
  if (qos && d[off + hdr - (fc1 & 0x80 ? 6 : 2)]! & 0x80) {
    unsupported(s, 'wlan', off + hdr, end, '802.11 A-MSDU aggregation is not decoded');
    return;
  }
  dissectLlc(s, off + hdr, end);
}
