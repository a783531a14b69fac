/**
 * linux-sll.ts: Linux "cooked" capture headers, SLL (LINKTYPE 113) and SLL2 (LINKTYPE 276).
 * Pure; imports only packet/ and decode/.
 */
import { u16be, u32be } from '../../packet/byte-reader.js';
import type { SllHeader } from '../../packet/packet.js';
import { truncated, unsupported, type DecodeState } from '../decode-state.js';
import { dissectEtherType } from '../dissector-table.js';
import { dissectLlc } from './llc.js';

/** LINKTYPE_LINUX_SLL: a 16-byte header whose protocol field is at offset 14. */
export function dissectSll(s: DecodeState, _off: number, end: number): void {
  const d = s.data;
  if (end < 16) {
    truncated(s, 'sll', 0, end, 16);
    return;
  }
  s.layers.push('sll');
  const protocol = u16be(d, 14);
  s.link = makeSll('sll', d, 16, end, u16be(d, 0), protocol, undefined);
  dissectSllProtocol(s, protocol, 16, end);
}

/** LINKTYPE_LINUX_SLL2: a 20-byte header with the protocol first and an interface index. */
export function dissectSll2(s: DecodeState, _off: number, end: number): void {
  const d = s.data;
  if (end < 20) {
    truncated(s, 'sll2', 0, end, 20);
    return;
  }
  s.layers.push('sll2');
  const protocol = u16be(d, 0);
  s.link = makeSll('sll2', d, 20, end, d[10]!, protocol, u32be(d, 4));
  dissectSllProtocol(s, protocol, 20, end);
}

function makeSll(
  kind: 'sll' | 'sll2',
  d: Buffer,
  headerLength: number,
  end: number,
  packetType: number,
  protocol: number,
  interfaceIndex: number | undefined,
): SllHeader {
  const bytes = d.subarray(0, headerLength);
  const payload = d.subarray(headerLength, end);
  return interfaceIndex === undefined
    ? { kind, bytes, payload, packetType, protocol }
    : { kind, bytes, payload, packetType, protocol, interfaceIndex };
}

function dissectSllProtocol(s: DecodeState, protocol: number, off: number, end: number): void {
  // Linux SLL: protocol values ≤ 1500 are Linux ETH_P_* pseudo types (802.2 LLC is 4).
  if (protocol === 0x0004) dissectLlc(s, off, end);
  else if (protocol > 1500) dissectEtherType(s, protocol, off, end);
  else unsupported(s, 'sll', off, end, `linux cooked protocol 0x${protocol.toString(16)} is not decoded`);
}
