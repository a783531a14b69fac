/**
 * gre.ts: GRE (RFC 2784, 2890, 1701 source routes) and PPTP's enhanced GRE (RFC 2637); the
 * payload follows the GRE protocol table. Pure; imports only packet/ and decode/.
 */
import { u16be } from '../../packet/byte-reader.js';
import { addIssue, stop, truncated, unsupported, type DecodeState } from '../decode-state.js';
import { greProtocolTable } from '../dissector-table.js';
import { dissectIeee80211 } from './ieee80211.js';

/** GRE protocol types beyond EtherTypes (Wireshark packet-gre.h). */
export const GreProtocol = {
  /** WCCP redirection: an IPv4 datagram, optionally behind a 4-byte WCCPv2 redirect header. */
  Wccp: 0x883e,
  /** PPTP's enhanced GRE carries PPP. */
  Ppp: 0x880b,
  /** Aruba AP↔controller tunnels carry raw 802.11 frames: 0x8200…0x8370 in steps of 0x10, and 0x9000. */
  ArubaFirst: 0x8200,
  ArubaLast: 0x8370,
  Aruba9000: 0x9000,
} as const;

/** GRE flag bit: a sequence number is present. */
export const GRE_SEQUENCE_PRESENT = 0x1000;

function isAruba(protocol: number): boolean {
  return (protocol >= GreProtocol.ArubaFirst && protocol <= GreProtocol.ArubaLast && (protocol & 0xf) === 0) ||
    protocol === GreProtocol.Aruba9000;
}

/** A GRE header at `off`. */
export function dissectGre(s: DecodeState, off: number, end: number): void {
  const d = s.data;
  if (end - off < 4) {
    truncated(s, 'gre', off, end, 4);
    return;
  }
  const flags = u16be(d, off);
  const protocol = u16be(d, off + 2);
  const version = flags & 7;
  let hdr = 4;
  if (flags & 0xc000) hdr += 4; // checksum and/or routing present: checksum + offset word
  if (flags & 0x2000) hdr += 4; // key (PPTP: payload length + call id)
  if (flags & GRE_SEQUENCE_PRESENT) hdr += 4;
  if (version === 1 && flags & 0x0080) hdr += 4; // PPTP acknowledgment number
  if (end - off < hdr) {
    truncated(s, 'gre', off, end, hdr);
    return;
  }
  let p = off + hdr;
  if (flags & 0x4000) {
    // RFC 1701 source route entries: address family (2), offset (1), length (1), data; ends with length 0.
    for (let n = 0; ; n++) {
      if (n >= 8 || end - p < 4) {
        addIssue(s, 'bad-length', 'gre', p, 'gre source route list is cut short or longer than 8 entries');
        stop(s, p, end);
        return;
      }
      const len = d[p + 3]!;
      p += 4 + len;
      if (len === 0) break;
    }
  }
  s.layers.push('gre');
  if (p > end) {
    truncated(s, 'gre', off, end, p - off);
    return;
  }
  const dissector = greProtocolTable.get(protocol);
  if (dissector !== undefined) dissector(s, p, end, flags);
  else if (isAruba(protocol)) dissectIeee80211(s, p, end);
  else unsupported(s, 'gre', p, end, `gre protocol type 0x${protocol.toString(16).padStart(4, '0')} is not decoded`);
}
