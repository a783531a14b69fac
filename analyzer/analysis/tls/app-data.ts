/**
 * app-data.ts: what a decrypted TLS stream carries, per connection: HTTP/1.1 (or HTTP/2, chosen by ALPN
 * or the connection preface) messages in both directions, the per-frame `http`/`http2` fields in tshark's
 * multi-value order, the request list of the connection, and the decrypted bytes for `--follow`.
 * Pure; must not import capture/, harness/ or cap.
 */
import { Http1Parser } from '../../decode/http/http1.js';
import type { HttpMessage } from '../../decode/http/http1.js';
import { Http2Connection, HTTP2_PREFACE } from '../../decode/http/http2.js';
import type { Http2FrameEvent } from '../../decode/http/http2.js';
import { BodyHead, mediaInfo } from '../../decode/http/media-type.js';

/** The `http` fields of one frame (tshark's http.request.method, http.request.uri, http.response.code). */
export interface HttpFrameFields {
  readonly request_method: string[];
  readonly request_uri: string[];
  readonly response_code: number[];
}

/** The `http2` fields of one frame (http2.type, http2.streamid, http2.headers.method/path/status). */
export interface Http2FrameFields {
  readonly type: number[];
  readonly streamid: number[];
  readonly method: string[];
  readonly path: string[];
  readonly status: number[];
}

/** One request of a connection and what answered it. */
export interface HttpRequestRecord {
  /** `http/1.1` or `h2`. */
  readonly protocol: 'http/1.1' | 'h2';
  /** HTTP/2 stream id; undefined for HTTP/1.1. */
  readonly h2Stream: number | undefined;
  readonly method: string;
  readonly uri: string;
  readonly host: string | undefined;
  readonly range: string | undefined;
  /** Frame that completed the request. */
  readonly frame: number;
  status: number | undefined;
  contentType: string | undefined;
  contentRange: string | undefined;
  /** Body bytes of the response. */
  bytes: number;
  /** Frame that completed the response; undefined while unanswered. */
  responseFrame: number | undefined;
}

/** A request as its frame shows it, before any response: the response fields start empty. */
function unansweredRequest(
  request: Pick<HttpRequestRecord, 'protocol' | 'h2Stream' | 'method' | 'uri' | 'host' | 'range' | 'frame'>,
): HttpRequestRecord {
  // Written out rather than spread: one object shape for every request, made per request.
  return {
    protocol: request.protocol,
    h2Stream: request.h2Stream,
    method: request.method,
    uri: request.uri,
    host: request.host,
    range: request.range,
    frame: request.frame,
    status: undefined,
    contentType: undefined,
    contentRange: undefined,
    bytes: 0,
    responseFrame: undefined,
  };
}

/** What one frame's decrypted application data showed. */
export interface AppFrameResult {
  http: HttpFrameFields | undefined;
  http2: Http2FrameFields | undefined;
  /** Info items of completed messages/frames, in order (tshark's HTTP or HTTP2 Info). */
  readonly info: string[];
  /** The last record's data ended inside a message not complete yet. */
  partial: boolean;
  /** The last record's data began inside a message an earlier record began. */
  continued: boolean;
}

/** One chunk of decrypted application data, for `--follow`. */
export interface FollowChunk {
  readonly frame: number;
  /** 0 = client → server, 1 = server → client. */
  readonly fromServer: 0 | 1;
  readonly data: Buffer;
}

/** Upper bound of decrypted bytes kept per connection for `--follow`. */
export const MAX_FOLLOW_BYTES = 64 * 1024 * 1024;

/** The application layer of one decrypted connection. */
export class AppDataStream {
  private protocol: 'http/1.1' | 'h2' | 'unknown';
  private readonly h1: [Http1Parser, Http1Parser];
  private readonly h2 = new Http2Connection();
  /** HTTP/1.1 requests waiting for their response, in order (pipelining answers in order). */
  private readonly unanswered: HttpRequestRecord[] = [];
  private readonly byH2Stream = new Map<number, HttpRequestRecord>();
  /** The first bytes of each HTTP/2 response body, for the media type's subdissector. */
  private readonly h2BodyHeads = new Map<number, BodyHead>();
  readonly requests: HttpRequestRecord[] = [];
  /** Decrypted chunks, kept only when `keepBytes`. */
  readonly chunks: FollowChunk[] = [];
  private keptBytes = 0;
  /** The first bytes of each direction decide between HTTP/1.1 and HTTP/2 when ALPN did not. */
  private readonly seen: [boolean, boolean] = [false, false];

  /**
   * @param alpn the server's ALPN choice, if known
   * @param keepBytes keep the decrypted bytes (for --follow)
   */
  constructor(
    alpn: string | undefined,
    private readonly keepBytes: boolean,
  ) {
    const client = new Http1Parser();
    this.h1 = [client, new Http1Parser(client)];
    this.protocol = alpn === 'h2' ? 'h2' : alpn === 'http/1.1' ? 'http/1.1' : 'unknown';
  }

  /** Sets the protocol from ALPN (TLS 1.3 EncryptedExtensions arrive after the stream was created). */
  setAlpn(alpn: string | undefined): void {
    if (this.seen[0] || this.seen[1]) return;
    if (alpn === 'h2') this.protocol = 'h2';
    else if (alpn === 'http/1.1') this.protocol = 'http/1.1';
  }

  /** One decrypted application-data record of `fromServer` in `frame`; fills `out`. */
  push(frame: number, fromServer: 0 | 1, data: Buffer, out: AppFrameResult): void {
    if (data.length === 0) return;
    if (this.keepBytes && this.keptBytes < MAX_FOLLOW_BYTES) {
      this.chunks.push({ frame, fromServer, data: Buffer.from(data) });
      this.keptBytes += data.length;
    }
    if (this.protocol === 'unknown' && !this.seen[0] && fromServer === 0) {
      const head = data.subarray(0, HTTP2_PREFACE.length);
      this.protocol = HTTP2_PREFACE.subarray(0, head.length).equals(head) ? 'h2' : 'http/1.1';
    }
    this.seen[fromServer] = true;
    if (this.protocol === 'h2') this.pushH2(frame, fromServer, data, out);
    else this.pushH1(frame, fromServer, data, out);
  }

  private pushH1(frame: number, fromServer: 0 | 1, data: Buffer, out: AppFrameResult): void {
    const parser = this.h1[fromServer];
    if (parser.failed) return;
    out.continued = parser.inMessage;
    const messages = parser.push(data);
    for (const m of messages) this.onH1Message(frame, m, out);
    if (parser.inMessage && !parser.failed) out.partial = true;
  }

  private onH1Message(frame: number, m: HttpMessage, out: AppFrameResult): void {
    const http = (out.http ??= { request_method: [], request_uri: [], response_code: [] });
    out.info.push(m.info);
    if (m.kind === 'request') {
      http.request_method.push(m.method!);
      http.request_uri.push(m.uri!);
      const record = unansweredRequest({ protocol: 'http/1.1', h2Stream: undefined, method: m.method!, uri: m.uri!, host: m.host, range: m.range, frame });
      this.requests.push(record);
      this.unanswered.push(record);
      return;
    }
    http.response_code.push(m.code!);
    // Interim responses (1xx) do not answer the request.
    if (m.code! < 200) return;
    const request = this.unanswered.shift();
    if (request === undefined) return;
    request.status = m.code;
    request.contentType = m.contentType;
    request.contentRange = m.contentRange;
    request.bytes = m.bodyBytes;
    request.responseFrame = frame;
  }

  private pushH2(frame: number, fromServer: 0 | 1, data: Buffer, out: AppFrameResult): void {
    out.continued = this.h2.inFrame(fromServer);
    const events = this.h2.push(fromServer, data);
    for (const e of events) this.onH2Frame(frame, fromServer, e, out);
    if (this.h2.inFrame(fromServer)) out.partial = true;
  }

  private onH2Frame(frame: number, fromServer: 0 | 1, e: Http2FrameEvent, out: AppFrameResult): void {
    const h2 = (out.http2 ??= { type: [], streamid: [], method: [], path: [], status: [] });
    // The body's last DATA frame hands the body to its media type's subdissector, which may add to the Info
    // column (line-based text: "(text/html)"; JFIF: "(JPEG JFIF image)"); without one HTTP/2 adds nothing.
    let shown: string | undefined;
    if (e.type === 0 && fromServer === 1) {
      const request = this.byH2Stream.get(e.streamId);
      let head = this.h2BodyHeads.get(e.streamId);
      if (head === undefined) this.h2BodyHeads.set(e.streamId, (head = new BodyHead()));
      if (e.dataHead !== undefined) head.add(e.dataHead);
      const contentType = request?.contentType;
      if (e.endStream) {
        shown = contentType === undefined ? undefined : mediaInfo(contentType, head.head, request!.bytes + e.dataLength);
        this.h2BodyHeads.delete(e.streamId);
      }
    }
    out.info.push(shown !== undefined ? `${e.info} (${shown})` : e.info);
    if (e.type === undefined) return; // the connection preface: Magic
    h2.type.push(e.type);
    h2.streamid.push(e.streamId);
    if (e.headers === undefined) {
      if (e.type === 0 && fromServer === 1) {
        const request = this.byH2Stream.get(e.streamId);
        if (request !== undefined) {
          request.bytes += e.dataLength;
          if (e.endStream) request.responseFrame = frame;
        }
      }
      return;
    }
    const method = e.headers.get(':method');
    const path = e.headers.get(':path');
    const status = e.headers.get(':status');
    if (method !== undefined) h2.method.push(method);
    if (path !== undefined) h2.path.push(path);
    if (status !== undefined && /^\d{3}$/.test(status)) h2.status.push(Number(status));
    if (fromServer === 0 && method !== undefined) {
      const record = unansweredRequest({
        protocol: 'h2',
        h2Stream: e.streamId,
        method,
        uri: path ?? '',
        host: e.headers.get(':authority'),
        range: e.headers.get('range'),
        frame,
      });
      this.requests.push(record);
      this.byH2Stream.set(e.streamId, record);
    } else if (fromServer === 1 && status !== undefined) {
      const request = this.byH2Stream.get(e.streamId);
      if (request !== undefined && request.status === undefined && Number(status) >= 200) {
        request.status = Number(status);
        request.contentType = e.headers.get('content-type');
        request.contentRange = e.headers.get('content-range');
        if (e.endStream) request.responseFrame = frame;
      }
    }
  }

  /** Messages left open at the end (bodies read until close). */
  finish(lastFrame: number): void {
    const out: AppFrameResult = { http: undefined, http2: undefined, info: [], partial: false, continued: false };
    if (this.protocol === 'h2') return;
    for (const m of this.h1[1].flush()) this.onH1Message(lastFrame, m, out);
  }
}
