/**
 * http2.ts: HTTP/2 frames (RFC 9113 §4, §6) in both directions of a decrypted connection, with header
 * blocks decoded by HPACK (one dynamic table per direction). Each frame is reported on the bytes that
 * complete it, with tshark's Info text ("HEADERS[1]: GET /", "DATA[1]", "SETTINGS[0]"). Pure.
 */
import { HpackDecoder, HpackError } from './hpack.js';
import { BODY_HEAD_BYTES } from './media-type.js';

/** RFC 9113 §3.4: the client's connection preface. */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

const FRAME_HEADER_LENGTH = 9;

/** RFC 9113 §6 frame types. */
export const Http2FrameType = {
  Data: 0,
  Headers: 1,
  Priority: 2,
  RstStream: 3,
  Settings: 4,
  PushPromise: 5,
  Ping: 6,
  Goaway: 7,
  WindowUpdate: 8,
  Continuation: 9,
} as const;

const TYPE_NAMES = ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION'];

const FLAG_END_STREAM = 0x1;
const FLAG_END_HEADERS = 0x4;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;

/** Reason phrases tshark shows after a `:status` (RFC 9110 §15). */
const REASONS: Readonly<Record<number, string>> = {
  100: 'Continue', 101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
  206: 'Partial Content', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 307: 'Temporary Redirect',
  308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 416: 'Range Not Satisfiable', 500: 'Internal Server Error', 502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** One complete frame (or the preface, with `type` undefined). */
export interface Http2FrameEvent {
  /** Frame type; undefined for the connection preface ("Magic"). */
  readonly type: number | undefined;
  readonly streamId: number;
  readonly flags: number;
  readonly endStream: boolean;
  /** Decoded header fields (HEADERS/PUSH_PROMISE with END_HEADERS, or the CONTINUATION that ends them). */
  readonly headers: ReadonlyMap<string, string> | undefined;
  /** DATA: payload bytes without padding. */
  readonly dataLength: number;
  /** DATA: the first bytes of the payload without padding (at most BODY_HEAD_BYTES; a view, copy it to keep it). */
  readonly dataHead: Buffer | undefined;
  /** tshark's Info item. */
  readonly info: string;
}

interface DirectionState {
  /** Unconsumed bytes (at most one frame header, or a frame being collected). */
  pending: Buffer;
  prefaceLeft: number;
  hpack: HpackDecoder;
  /** A header block waiting for CONTINUATION frames. */
  block: { streamId: number; fragments: Buffer[]; endStream: boolean } | undefined;
  failed: boolean;
}

/** Frames larger than this are not HTTP/2 (the default SETTINGS_MAX_FRAME_SIZE limit is 2^24 − 1). */
const MAX_FRAME_LENGTH = 1 << 24;

/** Both directions of one HTTP/2 connection. */
export class Http2Connection {
  private readonly dirs: [DirectionState, DirectionState] = [this.newDirection(true), this.newDirection(false)];

  private newDirection(client: boolean): DirectionState {
    return { pending: Buffer.alloc(0), prefaceLeft: client ? HTTP2_PREFACE.length : 0, hpack: new HpackDecoder(1 << 20), block: undefined, failed: false };
  }

  /** True while a frame of the direction is incomplete. */
  inFrame(fromServer: 0 | 1): boolean {
    return this.dirs[fromServer].pending.length > 0;
  }

  /** The next decrypted bytes of a direction; returns the frames they complete. */
  push(fromServer: 0 | 1, data: Buffer): Http2FrameEvent[] {
    const d = this.dirs[fromServer];
    const events: Http2FrameEvent[] = [];
    if (d.failed) return events;
    let buf = d.pending.length === 0 ? data : Buffer.concat([d.pending, data]);
    if (d.prefaceLeft > 0) {
      const n = Math.min(d.prefaceLeft, buf.length);
      const from = HTTP2_PREFACE.length - d.prefaceLeft;
      if (!buf.subarray(0, n).equals(HTTP2_PREFACE.subarray(from, from + n))) {
        d.failed = true;
        return events;
      }
      d.prefaceLeft -= n;
      buf = buf.subarray(n);
      if (d.prefaceLeft === 0) {
        events.push({ type: undefined, streamId: 0, flags: 0, endStream: false, headers: undefined, dataLength: 0, dataHead: undefined, info: 'Magic' });
      }
    }
    let p = 0;
    while (buf.length - p >= FRAME_HEADER_LENGTH) {
      const length = buf.readUIntBE(p, 3);
      if (length >= MAX_FRAME_LENGTH) {
        d.failed = true;
        return events;
      }
      if (buf.length - p < FRAME_HEADER_LENGTH + length) break;
      const type = buf[p + 3]!;
      const flags = buf[p + 4]!;
      const streamId = buf.readUInt32BE(p + 5) & 0x7fffffff;
      const payload = buf.subarray(p + FRAME_HEADER_LENGTH, p + FRAME_HEADER_LENGTH + length);
      events.push(this.frame(d, type, flags, streamId, payload));
      p += FRAME_HEADER_LENGTH + length;
    }
    d.pending = p === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(p));
    return events;
  }

  private frame(d: DirectionState, type: number, flags: number, streamId: number, payload: Buffer): Http2FrameEvent {
    const name = TYPE_NAMES[type] ?? 'Unknown type';
    const base = `${name}[${streamId}]`;
    const endStream = (type === Http2FrameType.Data || type === Http2FrameType.Headers) && (flags & FLAG_END_STREAM) !== 0;
    let headers: Map<string, string> | undefined;
    let dataLength = 0;
    let dataHead: Buffer | undefined;
    let info = base;
    if (type === Http2FrameType.Data) {
      const padded = (flags & FLAG_PADDED) !== 0 && payload.length > 0;
      dataLength = payload.length - (padded ? 1 + payload[0]! : 0);
      dataLength = Math.max(0, dataLength);
      const start = padded ? 1 : 0;
      dataHead = payload.subarray(start, start + Math.min(dataLength, BODY_HEAD_BYTES));
    } else if (type === Http2FrameType.Headers || type === Http2FrameType.PushPromise || type === Http2FrameType.Continuation) {
      let fragment = payload;
      if (type !== Http2FrameType.Continuation) {
        let start = 0;
        let end = payload.length;
        if ((flags & FLAG_PADDED) !== 0 && payload.length > 0) {
          start = 1;
          end -= payload[0]!;
        }
        if (type === Http2FrameType.Headers && (flags & FLAG_PRIORITY) !== 0) start += 5;
        if (type === Http2FrameType.PushPromise) start += 4;
        fragment = start <= end ? payload.subarray(start, end) : Buffer.alloc(0);
        d.block = { streamId, fragments: [], endStream };
      }
      d.block?.fragments.push(Buffer.from(fragment));
      if ((flags & FLAG_END_HEADERS) !== 0 && d.block !== undefined) {
        const block = d.block;
        d.block = undefined;
        headers = new Map();
        try {
          for (const f of d.hpack.decode(Buffer.concat(block.fragments))) {
            if (!headers.has(f.name)) headers.set(f.name, f.value);
          }
        } catch (e) {
          if (!(e instanceof HpackError)) throw e;
        }
        const method = headers.get(':method');
        const path = headers.get(':path');
        const status = headers.get(':status');
        if (method !== undefined) info = `${base}: ${method} ${path ?? ''}`.trimEnd();
        else if (status !== undefined) info = `${base}: ${status} ${REASONS[Number(status)] ?? ''}`.trimEnd();
      }
    }
    return { type, streamId, flags, endStream, headers, dataLength, dataHead, info };
  }
}
