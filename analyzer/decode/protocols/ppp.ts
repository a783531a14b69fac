/**
 * ppp.ts: PPP (RFC 1661), in HDLC-like framing (RFC 1662) or with a direction byte, and its
 * protocol field. Pure; imports only packet/ and decode/.
 */
import { u16be } from '../../packet/byte-reader.js';
import { tooDeep, truncated, type DecodeState } from '../decode-state.js';
import { dissectPppProtocol } from '../dissector-table.js';
import { dissectCiscoHdlc } from './cisco-hdlc.js';

/** PPP protocol numbers (RFC 1661 registry) we follow. */
export const PppProtocol = { Ipv4: 0x0021, Ipv6: 0x0057, Mpls: 0x0281, MplsMulticast: 0x0283 } as const;

/** A PPP header at `off`, with or without the HDLC address/control bytes FF 03. */
export function dissectPpp(s: DecodeState, off: number, end: number): void {
  if (tooDeep(s, 'ppp', off, end)) return;
  const d = s.data;
  let p = off;
  if (end - p >= 2 && d[p] === 0xff && d[p + 1] === 0x03) p += 2;
  if (end - p < 1) {
    truncated(s, 'ppp', p, end, 2);
    return;
  }
  let protocol: number;
  // RFC 1661 §6.5: an odd first byte is a compressed one-byte protocol field.
  if (d[p]! & 1) {
    protocol = d[p]!;
    p += 1;
  } else {
    if (end - p < 2) {
      truncated(s, 'ppp', p, end, 2);
      return;
    }
    protocol = u16be(d, p);
    p += 2;
  }
  s.layers.push('ppp');
  dissectPppProtocol(s, protocol, p, end);
}

/** LINKTYPE_PPP_HDLC; Wireshark's PPP-in-HDLC dissector also accepts Cisco HDLC frames (address 0x0f/0x8f). */
export function dissectPppHdlc(s: DecodeState, off: number, end: number): void {
  if (end - off >= 1 && (s.data[off] === 0x0f || s.data[off] === 0x8f)) dissectCiscoHdlc(s, off, end);
  else dissectPpp(s, off, end);
}

/** LINKTYPE_PPP_WITH_DIR: one direction byte, then PPP. */
export function dissectPppWithDirection(s: DecodeState, off: number, end: number): void {
  if (end - off < 1) {
    truncated(s, 'ppp', off, end, 1);
    return;
  }
  dissectPpp(s, off + 1, end);
}
