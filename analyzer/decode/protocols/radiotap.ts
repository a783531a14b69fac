/**
 * radiotap.ts: the radiotap pseudo-header before an 802.11 frame; only its Flags field is read
 * (for the FCS bit). Pure; imports only packet/ and decode/.
 */
import { u16le, u32le } from '../../packet/byte-reader.js';
import { addIssue, stop, truncated, type DecodeState } from '../decode-state.js';
import { dissectIeee80211 } from './ieee80211.js';

/** A radiotap header at `off`. */
export function dissectRadiotap(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 8) {
    truncated(s, 'radiotap', off, end, 8);
    return;
  }
  const length = u16le(d, off + 2);
  if (d[off] !== 0 || length < 8) {
    addIssue(s, 'bad-length', 'radiotap', off, `radiotap version ${d[off]} length ${length}; expected version 0 and length ≥ 8`);
    stop(s, off, end);
    return;
  }
  if (off + length > end) {
    truncated(s, 'radiotap', off, end, length);
    return;
  }
  s.layers.push('radiotap');
  // Find the Flags field (present bit 1) to learn whether the 802.11 frame ends with an FCS.
  // Fields follow all present words; only TSFT (bit 0, 8 bytes, 8-aligned) can precede Flags.
  const present = u32le(d, off + 4);
  let p = off + 8;
  let word = present;
  for (let words = 1; word & 0x80000000 && words < 8; words++) {
    if (p + 4 > off + length) break;
    word = u32le(d, p);
    p += 4;
  }
  let frameEnd = end;
  if (present & 0x2) {
    if (present & 0x1) p = off + (((p - off + 7) & ~7) + 8);
    if (p < off + length && d[p]! & 0x10) frameEnd = Math.max(off + length, end - 4);
  }
  dissectIeee80211(s, off + length, frameEnd);
}
