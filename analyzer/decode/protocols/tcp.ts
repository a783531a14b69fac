/**
 * tcp.ts: the TCP layer of a frame; the header and options are decoded by decode/tcp.ts.
 * Pure; imports only packet/ and decode/.
 */
import { stop, type DecodeState } from '../decode-state.js';
import { decodeTcpHeader } from '../tcp.js';

/** A TCP header at `off`; the payload runs to `end` (the IP payload's captured end). */
export function dissectTcp(s: DecodeState, off: number, end: number, announced: number): void {
  const tcp = decodeTcpHeader(s.data, off, end, announced, s.frame.index, s);
  if (tcp === undefined) return;
  s.layers.push('tcp');
  s.tcp = tcp;
  // A data offset below 5 words still has the 20 fixed bytes before anything else.
  stop(s, Math.min(off + Math.max(tcp.headerLength, 20), end), end);
}
