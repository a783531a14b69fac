/**
 * gtp-u.ts: GTPv1-U (3GPP TS 29.281) with its extension headers; G-PDUs carry an IP datagram.
 * Pure; imports only packet/ and decode/.
 */
import { u16be } from '../../packet/byte-reader.js';
import { addIssue, DecodeLimits, stop, truncated, unsupported, type DecodeState } from '../decode-state.js';
import { dissectIpByVersion } from './ip.js';

/** A GTP-U header at `off`. */
export function dissectGtpU(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 8) {
    truncated(s, 'gtp', off, end, 8);
    return;
  }
  const flags = d[off]!;
  if (flags >> 5 !== 1 || !(flags & 0x10)) {
    unsupported(s, 'gtp', off, end, `gtp version ${flags >> 5} protocol type ${(flags >> 4) & 1}; expected GTPv1-U (version 1, PT 1)`);
    return;
  }
  const messageType = d[off + 1]!;
  const payloadEnd = Math.min(end, off + 8 + u16be(d, off + 2));
  let p = off + 8;
  if (flags & 0x07) {
    // E, S or PN set: sequence number, N-PDU number and next-extension type are all present.
    if (payloadEnd - off < 12) {
      truncated(s, 'gtp', off, payloadEnd, 12);
      return;
    }
    let next = flags & 0x04 ? d[off + 11]! : 0;
    p = off + 12;
    for (let n = 0; next !== 0; n++) {
      if (n >= DecodeLimits.maxGtpExtensionHeaders) {
        addIssue(s, 'bad-length', 'gtp', p, `more than ${DecodeLimits.maxGtpExtensionHeaders} gtp extension headers`);
        stop(s, p, payloadEnd);
        return;
      }
      if (payloadEnd - p < 1) {
        truncated(s, 'gtp', p, payloadEnd, 4);
        return;
      }
      const len = d[p]! * 4;
      if (len === 0) {
        addIssue(s, 'bad-length', 'gtp', p, `gtp extension header 0x${next.toString(16)} has length 0`);
        stop(s, p, payloadEnd);
        return;
      }
      if (payloadEnd - p < len) {
        addIssue(s, 'truncated', 'gtp', p, `gtp extension header length ${len} runs past the ${payloadEnd - p} bytes left`);
        stop(s, p, payloadEnd);
        return;
      }
      next = d[p + len - 1]!;
      p += len;
    }
  }
  s.layers.push('gtp');
  if (messageType !== 0xff) {
    stop(s, p, payloadEnd); // Echo, error indication, end marker: no user data.
    return;
  }
  dissectIpByVersion(s, 'gtp', p, payloadEnd);
}
