/**
 * llc.ts: IEEE 802.2 LLC; only SNAP (AA AA 03) is followed, to its EtherType.
 * Pure; imports only packet/ and decode/.
 */
import { u16be } from '../../packet/byte-reader.js';
import { truncated, unsupported, type DecodeState } from '../decode-state.js';
import { dissectEtherType } from '../dissector-table.js';

/** An LLC header at `off`. */
export function dissectLlc(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 3) {
    truncated(s, 'llc', off, end, 3);
    return;
  }
  s.layers.push('llc');
  if (d[off] === 0xaa && d[off + 1] === 0xaa && d[off + 2] === 0x03) {
    if (end - off < 8) {
      truncated(s, 'llc', off, end, 8);
      return;
    }
    dissectEtherType(s, u16be(d, off + 6), off + 8, end);
    return;
  }
  unsupported(s, 'llc', off, end, `llc dsap 0x${d[off]!.toString(16)} is not decoded`);
}
