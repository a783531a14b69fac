/**
 * mpls.ts: an MPLS label stack; the payload is guessed from its first nibble, as Wireshark does.
 * Pure; imports only packet/ and decode/.
 */
import { addIssue, DecodeLimits, stop, truncated, unsupported, type DecodeState } from '../decode-state.js';
import { dissectIpv4 } from './ipv4.js';
import { dissectIpv6 } from './ipv6.js';

/** An MPLS label stack at `off`. */
export function dissectMpls(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  let p = off;
  for (let labels = 0; ; labels++) {
    if (labels >= DecodeLimits.maxMplsLabels) {
      addIssue(s, 'bad-length', 'mpls', p, `mpls label stack deeper than ${DecodeLimits.maxMplsLabels} labels`);
      stop(s, p, end);
      return;
    }
    if (end - p < 4) {
      truncated(s, 'mpls', p, end, 4);
      return;
    }
    const bottom = d[p + 2]! & 1;
    p += 4;
    if (bottom) break;
  }
  s.layers.push('mpls');
  if (end - p < 1) {
    stop(s, p, end);
    return;
  }
  // No type field after the stack: guess by the first nibble.
  const nibble = d[p]! >> 4;
  if (nibble === 4) dissectIpv4(s, p, end);
  else if (nibble === 6) dissectIpv6(s, p, end);
  else unsupported(s, 'mpls', p, end, `mpls payload starting with nibble ${nibble} is not decoded`);
}
