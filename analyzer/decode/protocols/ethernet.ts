/**
 * ethernet.ts: Ethernet II and IEEE 802.3 frames with their 802.1Q/QinQ tags.
 * Pure; imports only packet/ and decode/.
 */
import { u16be } from '../../packet/byte-reader.js';
import { EtherType } from '../../packet/packet.js';
import { addIssue, DecodeLimits, stop, tooDeep, truncated, type DecodeState } from '../decode-state.js';
import { dissectEtherType } from '../dissector-table.js';
import { EthernetView } from '../header-views.js';
import { dissectLlc } from './llc.js';

const NO_VLANS: readonly number[] = Object.freeze([]);

function isVlanTag(type: number): boolean {
  return type === EtherType.Vlan || type === EtherType.QinQ || type === EtherType.QinQOld;
}

/** An Ethernet header at `off`; its VLAN tags are part of the header (EthernetHeader.vlanIds). */
export function dissectEthernet(s: DecodeState, off: number, end: number): void {
  if (tooDeep(s, 'eth', off, end)) return;
  const d = s.data;
  if (end - off < 14) {
    truncated(s, 'eth', off, end, 14);
    return;
  }
  s.layers.push('eth');
  let type = u16be(d, off + 12);
  let p = off + 14;
  let vlanIds: number[] | undefined;
  while (isVlanTag(type)) {
    if (vlanIds !== undefined && vlanIds.length >= DecodeLimits.maxVlanTags) {
      addIssue(s, 'bad-length', 'vlan', p, `more than ${DecodeLimits.maxVlanTags} VLAN tags`);
      stop(s, p, end);
      return;
    }
    if (end - p < 4) {
      truncated(s, 'vlan', p, end, 4);
      return;
    }
    s.layers.push('vlan');
    if (vlanIds === undefined) vlanIds = [];
    vlanIds.push(u16be(d, p) & 0x0fff);
    type = u16be(d, p + 2);
    p += 4;
  }
  const eth = new EthernetView(d, off, p, end, type, vlanIds ?? NO_VLANS);
  if (s.link === undefined) s.link = eth;
  if (type <= 1500) {
    // IEEE 802.3 length field: an LLC header follows, bounded by that length.
    dissectLlc(s, p, Math.min(end, p + type));
    return;
  }
  dissectEtherType(s, type, p, end);
}

/** A VLAN tag outside an Ethernet header (in SLL, or after a shim). */
export function dissectVlan(s: DecodeState, off: number, end: number): void {
  if (tooDeep(s, 'vlan', off, end)) return;
  if (end - off < 4) {
    truncated(s, 'vlan', off, end, 4);
    return;
  }
  s.layers.push('vlan');
  dissectEtherType(s, u16be(s.data, off + 2), off + 4, end);
}
