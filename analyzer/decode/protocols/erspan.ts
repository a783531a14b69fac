/**
 * erspan.ts: Cisco ERSPAN types II and III headers before a mirrored Ethernet frame.
 * Pure; imports only packet/ and decode/.
 */
import { truncated, type DecodeState } from '../decode-state.js';
import { dissectEthernet } from './ethernet.js';

/** An ERSPAN header of `type` 2 or 3 at `off`. */
export function dissectErspan(s: DecodeState, type: 2 | 3, off: number, end: number): void {
  const d = s.data;
  const fixed = type === 2 ? 8 : 12;
  if (end - off < fixed) {
    truncated(s, 'erspan', off, end, fixed);
    return;
  }
  let hdr = fixed;
  // ERSPAN III: the O bit (lowest bit of the last word) announces an 8-byte platform sub-header.
  if (type === 3 && d[off + 11]! & 1) {
    hdr += 8;
    if (end - off < hdr) {
      truncated(s, 'erspan', off, end, hdr);
      return;
    }
  }
  s.layers.push('erspan');
  dissectEthernet(s, off + hdr, end);
}
