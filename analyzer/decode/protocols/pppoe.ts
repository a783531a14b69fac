/**
 * pppoe.ts: PPPoE session frames (RFC 2516) and the PPP protocol they carry.
 * Pure; imports only packet/ and decode/.
 */
import { u16be } from '../../packet/byte-reader.js';
import { addIssue, stop, truncated, type DecodeState } from '../decode-state.js';
import { dissectPppProtocol } from '../dissector-table.js';

/** A PPPoE session header at `off`; its length field bounds the PPP payload. */
export function dissectPppoe(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 8) {
    truncated(s, 'pppoe', off, end, 8);
    return;
  }
  s.layers.push('pppoe');
  const length = u16be(d, off + 4);
  // RFC 2516: the length covers the PPP protocol field and payload.
  const payloadEnd = Math.min(end, off + 6 + length);
  if (length < 2) {
    addIssue(s, 'bad-length', 'pppoe', off, `pppoe length ${length}; expected ≥ 2`);
    stop(s, off + 6, payloadEnd);
    return;
  }
  s.layers.push('ppp');
  dissectPppProtocol(s, u16be(d, off + 6), off + 8, payloadEnd);
}
