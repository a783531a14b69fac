/**
 * vxlan.ts: VXLAN (RFC 7348): an 8-byte header before an Ethernet frame.
 * Pure; imports only packet/ and decode/.
 */
import { truncated, type DecodeState } from '../decode-state.js';
import { dissectEthernet } from './ethernet.js';

/** A VXLAN header at `off`. */
export function dissectVxlan(s: DecodeState, off: number, end: number): void {
  if (end - off < 8) {
    truncated(s, 'vxlan', off, end, 8);
    return;
  }
  s.layers.push('vxlan');
  dissectEthernet(s, off + 8, end);
}
