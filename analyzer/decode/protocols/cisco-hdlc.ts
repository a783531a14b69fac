/**
 * cisco-hdlc.ts: Cisco HDLC (address, control, EtherType). Pure; imports only packet/ and decode/.
 */
import { u16be } from '../../packet/byte-reader.js';
import { truncated, type DecodeState } from '../decode-state.js';
import { dissectEtherType } from '../dissector-table.js';

/** A Cisco HDLC header at `off`. */
export function dissectCiscoHdlc(s: DecodeState, off: number, end: number): void {
  if (end - off < 4) {
    truncated(s, 'chdlc', off, end, 4);
    return;
  }
  s.layers.push('chdlc');
  dissectEtherType(s, u16be(s.data, off + 2), off + 4, end);
}
