/**
 * tcp.ts: decodes a TCP header and its options (RFC 9293, 7323, 2018, 7413).
 * Pure; imports only packet/ types and header-views. No I/O.
 */
import type { DecodeIssue, TcpHeader, TcpOptions } from '../packet/packet.js';
import { u16be, u32be } from '../packet/byte-reader.js';
import { TcpView } from './header-views.js';

/** Where decodeTcpHeader appends its issues (the decoder's per-frame state). */
export interface IssueSink {
  issues: DecodeIssue[] | undefined;
}

/** TCP option kinds we decode (IANA registry). */
export const TcpOptionKind = {
  End: 0,
  Nop: 1,
  Mss: 2,
  WindowScale: 3,
  SackPermitted: 4,
  Sack: 5,
  Timestamp: 8,
  FastOpen: 34,
  Experimental: 254,
} as const;

/** RFC 7413 §4.1.1: experimental option 254 with this ExID is the pre-assignment TFO cookie. */
const TFO_EXPERIMENT_ID = 0xf989;

const NO_OPTIONS: TcpOptions = Object.freeze({});

/** Bytes of the TCP header up to the window field. */
const TCP_FIELDS_BEFORE_CHECKSUM = 16;

function push(sink: IssueSink, issue: DecodeIssue): void {
  if (sink.issues === undefined) sink.issues = [issue];
  else sink.issues.push(issue);
}

/**
 * Decodes the TCP header at `off`. `end` bounds the captured bytes of the IP payload and
 * `announcedLength` is the payload length the IP header claims (Wireshark's tcp.len uses it).
 * Returns undefined, with an issue in `sink`, when fewer than 16 bytes were captured. Two impossible
 * data offsets still give a header, as tshark still numbers the stream: one below 5 words (a
 * `protocol-error` issue; tshark analyses the segment from the fixed fields, so segmentLength is the
 * payload minus that short header, and there are no options or payload), and one longer than the
 * announced payload (a `bad-length` issue; segmentLength is negative and tshark does no analysis).
 * Options cut by the capture are decoded as far as they go.
 */
export function decodeTcpHeader(
  d: Buffer,
  off: number,
  end: number,
  announcedLength: number,
  frameIndex: number,
  sink: IssueSink,
): TcpHeader | undefined {
  const available = end - off;
  // tshark reads ports, numbers, data offset, flags and window (16 bytes) before anything else, and numbers
  // the stream and analyses the segment from them; a checksum or urgent pointer cut by the capture comes later.
  if (available < TCP_FIELDS_BEFORE_CHECKSUM) {
    push(sink, { code: 'truncated', layer: 'tcp', offset: off,
      message: `frame ${frameIndex}: tcp header needs 20 bytes at offset ${off}, only ${Math.max(0, available)} captured` });
    return undefined;
  }
  const headerLength = (d[off + 12]! >> 4) * 4;
  if (headerLength < 20) {
    push(sink, { code: 'protocol-error', layer: 'tcp', offset: off,
      message: `frame ${frameIndex}: tcp data offset ${headerLength} bytes is below the 20-byte minimum` });
    const fixedEnd = Math.min(end, off + 20);
    return fixedFieldsOnly(d, off, fixedEnd, available, headerLength, announcedLength - headerLength);
  }
  if (headerLength > announcedLength) {
    push(sink, { code: 'bad-length', layer: 'tcp', offset: off,
      message: `frame ${frameIndex}: tcp data offset ${headerLength} bytes exceeds the ${announcedLength}-byte ip payload` });
    return fixedFieldsOnly(d, off, Math.min(end, off + headerLength), available, headerLength, announcedLength - headerLength);
  }
  let headerEnd = off + headerLength;
  if (headerEnd > end) {
    push(sink, { code: 'truncated', layer: 'tcp', offset: off,
      message: `frame ${frameIndex}: tcp data offset ${headerLength} bytes exceeds the ${available} captured bytes` });
    headerEnd = end;
  }
  const options = headerLength > 20 ? decodeTcpOptions(d, off + 20, headerEnd, frameIndex, sink) : NO_OPTIONS;
  const payloadEnd = Math.min(end, off + announcedLength);
  return new TcpView(
    d, off, headerEnd, Math.max(headerEnd, payloadEnd),
    u16be(d, off),
    u16be(d, off + 2),
    u32be(d, off + 4),
    u32be(d, off + 8),
    headerLength,
    ((d[off + 12]! & 0x0f) << 8) | d[off + 13]!,
    u16be(d, off + 14),
    available >= 18 ? u16be(d, off + 16) : 0,
    available >= 20 ? u16be(d, off + 18) : 0,
    options,
    announcedLength - headerLength,
  );
}

/** A header of which only the fixed fields count: no options, no payload. */
function fixedFieldsOnly(
  d: Buffer, off: number, headerEnd: number, available: number, headerLength: number, segmentLength: number,
): TcpHeader {
  return new TcpView(
    d, off, headerEnd, headerEnd,
    u16be(d, off), u16be(d, off + 2), u32be(d, off + 4), u32be(d, off + 8),
    headerLength,
    ((d[off + 12]! & 0x0f) << 8) | d[off + 13]!,
    u16be(d, off + 14),
    available >= 18 ? u16be(d, off + 16) : 0,
    available >= 20 ? u16be(d, off + 18) : 0,
    NO_OPTIONS,
    segmentLength,
  );
}

function badOption(sink: IssueSink, frameIndex: number, at: number, kind: number, len: number, expected: string): void {
  push(sink, { code: 'bad-option', layer: 'tcp', offset: at,
    message: `frame ${frameIndex}: tcp option ${kind} has length ${len}; expected ${expected}` });
}

/** Decodes the options in [off, end); stops at End, at a bad length or at the end of the header. */
function decodeTcpOptions(d: Buffer, off: number, end: number, frameIndex: number, sink: IssueSink): TcpOptions {
  const o: { -readonly [K in keyof TcpOptions]: TcpOptions[K] } = {};
  let p = off;
  while (p < end) {
    const kind = d[p]!;
    if (kind === TcpOptionKind.End) break;
    if (kind === TcpOptionKind.Nop) {
      p++;
      continue;
    }
    if (p + 1 >= end) {
      badOption(sink, frameIndex, p, kind, 0, 'a length byte inside the header');
      break;
    }
    const len = d[p + 1]!;
    if (len < 2 || p + len > end) {
      badOption(sink, frameIndex, p, kind, len, `2…${end - p} (the bytes left in the header)`);
      break;
    }
    switch (kind) {
      case TcpOptionKind.Mss:
        if (len !== 4) return badOptionStop(sink, frameIndex, p, kind, len, '4', o);
        o.mss = u16be(d, p + 2);
        break;
      case TcpOptionKind.WindowScale:
        if (len !== 3) return badOptionStop(sink, frameIndex, p, kind, len, '3', o);
        o.windowScale = d[p + 2]!;
        break;
      case TcpOptionKind.SackPermitted:
        if (len !== 2) return badOptionStop(sink, frameIndex, p, kind, len, '2', o);
        o.sackPermitted = true;
        break;
      case TcpOptionKind.Sack: {
        if ((len - 2) % 8 !== 0 || len < 10) return badOptionStop(sink, frameIndex, p, kind, len, '2 + 8·n with n ≥ 1', o);
        const blocks: (readonly [number, number])[] = [];
        for (let b = p + 2; b < p + len && blocks.length < 4; b += 8) {
          blocks.push([u32be(d, b), u32be(d, b + 4)]);
        }
        o.sackBlocks = blocks;
        break;
      }
      case TcpOptionKind.Timestamp:
        if (len !== 10) return badOptionStop(sink, frameIndex, p, kind, len, '10', o);
        o.timestamp = { value: u32be(d, p + 2), echo: u32be(d, p + 6) };
        break;
      case TcpOptionKind.FastOpen:
        // RFC 7413 §4.1.1: length 2 is a cookie request, 6…18 carries a cookie.
        if (len !== 2 && (len < 6 || len > 18)) return badOptionStop(sink, frameIndex, p, kind, len, '2 or 6…18', o);
        o.fastOpenCookie = d.subarray(p + 2, p + len);
        break;
      case TcpOptionKind.Experimental:
        if (len >= 4 && u16be(d, p + 2) === TFO_EXPERIMENT_ID) o.fastOpenCookie = d.subarray(p + 4, p + len);
        break;
      default:
        break; // Other options are skipped by their length.
    }
    p += len;
  }
  return o;
}

function badOptionStop(
  sink: IssueSink, frameIndex: number, at: number, kind: number, len: number, expected: string, o: TcpOptions,
): TcpOptions {
  badOption(sink, frameIndex, at, kind, len, expected);
  return o;
}
