/**
 * geneve.ts: Geneve (RFC 8926): a header with options, then a payload named by an EtherType.
 * Pure; imports only packet/ and decode/.
 */
import { u16be } from '../../packet/byte-reader.js';
import { addIssue, stop, truncated, type DecodeState } from '../decode-state.js';
import { dissectEtherType } from '../dissector-table.js';

/** A Geneve header at `off`. */
export function dissectGeneve(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 8) {
    truncated(s, 'geneve', off, end, 8);
    return;
  }
  const hdr = 8 + (d[off]! & 0x3f) * 4;
  if (end - off < hdr) {
    addIssue(s, 'truncated', 'geneve', off, `geneve options length ${hdr - 8} runs past the ${end - off - 8} bytes left`);
    stop(s, off, end);
    return;
  }
  s.layers.push('geneve');
  dissectEtherType(s, u16be(d, off + 2), off + hdr, end);
}
