/**
 * http1.ts: HTTP/1.1 messages (RFC 9112) in one direction of a decrypted byte stream, reported on the
 * bytes that complete them, as tshark's HTTP dissector reports them with body desegmentation on: the
 * header block, then the body by Content-Length or chunked coding (RFC 9112 §6–7). Bodies are counted,
 * not kept (only their first bytes, for the media-type subdissector's Info text). Pure; never throws on bad input.
 */
import { BodyHead, mediaInfo, mediaTypeOf } from './media-type.js';

/** One complete HTTP/1.x message. */
export interface HttpMessage {
  readonly kind: 'request' | 'response';
  /** Request method, e.g. `GET`. */
  readonly method: string | undefined;
  /** Request target as sent, e.g. `/media/video.mp4`. */
  readonly uri: string | undefined;
  /** `HTTP/1.1`. */
  readonly version: string;
  readonly code: number | undefined;
  readonly phrase: string | undefined;
  /** Header values wirelab reports (first occurrence). */
  readonly host: string | undefined;
  readonly range: string | undefined;
  readonly contentType: string | undefined;
  readonly contentLength: number | undefined;
  readonly contentRange: string | undefined;
  readonly chunked: boolean;
  /** Body bytes (decoded length for chunked bodies). */
  readonly bodyBytes: number;
  /** Info column text as tshark prints it: `GET / HTTP/1.1 ` or `HTTP/1.1 200 OK  (text/html)`. */
  readonly info: string;
}

/** Header blocks larger than this are not HTTP (the parser gives up on the direction). */
const MAX_HEADER_BYTES = 65_536;

interface Head {
  kind: 'request' | 'response';
  method: string | undefined;
  uri: string | undefined;
  version: string;
  code: number | undefined;
  phrase: string | undefined;
  firstLine: string;
  headers: Map<string, string>;
}

/** A status line (RFC 9112 §4): version, code, reason. */
const STATUS_LINE = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/;
/** A request line (RFC 9112 §3): method token, target, version. */
const REQUEST_LINE = /^([A-Za-z!#$%&'*+.^_`|~0-9-]+) (\S+) (HTTP\/\d\.\d)$/;

function parseHead(text: string): Head | undefined {
  const lines = text.split('\r\n');
  const first = lines[0]!;
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  const response = STATUS_LINE.exec(first);
  if (response !== null) {
    return { kind: 'response', method: undefined, uri: undefined, version: response[1]!, code: Number(response[2]), phrase: response[3] ?? '', firstLine: first, headers };
  }
  const request = REQUEST_LINE.exec(first);
  if (request !== null) {
    return { kind: 'request', method: request[1]!, uri: request[2]!, version: request[3]!, code: undefined, phrase: undefined, firstLine: first, headers };
  }
  return undefined;
}

type State =
  | { readonly name: 'head' }
  | { readonly name: 'body'; remaining: number }
  | { readonly name: 'chunk-size' }
  | { readonly name: 'chunk-data'; remaining: number }
  | { readonly name: 'chunk-data-end' }
  | { readonly name: 'trailers' }
  | { readonly name: 'until-close' }
  | { readonly name: 'not-http' };

/** The HTTP/1.x parser of one direction. */
export class Http1Parser {
  private state: State = { name: 'head' };
  /** Unconsumed bytes of a header block, chunk-size line or trailer (bodies are never kept). */
  private pending: Buffer = Buffer.alloc(0);
  private head: Head | undefined;
  private bodyBytes = 0;
  private readonly bodyHead = new BodyHead();
  /** The current header block's first line was whole and HTTP's: it need not be looked at again. */
  private firstLineChecked = false;
  /** Responses: the methods of requests not answered yet (a HEAD response has no body). */
  private readonly requestMethods: string[] = [];

  /** @param peer the other direction's parser (a response parser reads its requests' methods) */
  constructor(private readonly peer?: Http1Parser) {}

  /** True once the bytes are not HTTP: the rest of the direction is ignored. */
  get failed(): boolean {
    return this.state.name === 'not-http';
  }

  /** True when a message has begun and is not complete. */
  get inMessage(): boolean {
    return this.head !== undefined || this.pending.length > 0;
  }

  /** Takes the next bytes of the direction; returns the messages they complete, in order. */
  push(data: Buffer): HttpMessage[] {
    const done: HttpMessage[] = [];
    let p = 0;
    while (p < data.length && this.state.name !== 'not-http') {
      p = this.step(data, p, done);
    }
    return done;
  }

  /** Consumes some bytes from `p`; returns the new offset. */
  private step(data: Buffer, p: number, done: HttpMessage[]): number {
    const state = this.state;
    // As tshark's HTTP dissector: once the first line is whole and is no request or status line, the
    // bytes are not HTTP (no desegmentation waits for a header block that will never come).
    if (state.name === 'head' && !this.firstLineChecked && this.firstLineIsNotHttp(data, p)) {
      this.state = { name: 'not-http' };
      this.pending = Buffer.alloc(0);
      return data.length;
    }
    switch (state.name) {
      case 'head':
      case 'chunk-size':
      case 'trailers':
      case 'chunk-data-end': {
        const line = this.takeUntil(data, p, state.name === 'head' || state.name === 'trailers' ? '\r\n\r\n' : '\r\n');
        if (line === undefined) return data.length;
        p = line.next;
        if (state.name === 'head') this.onHead(line.text, done);
        else if (state.name === 'chunk-data-end') this.state = { name: 'chunk-size' };
        else if (state.name === 'trailers') this.finish(done);
        else this.onChunkSize(line.text, done);
        return p;
      }
      case 'body':
      case 'chunk-data': {
        const n = Math.min(state.remaining, data.length - p);
        state.remaining -= n;
        this.bodyHead.add(data.subarray(p, p + n));
        this.bodyBytes += n;
        if (state.remaining === 0) {
          if (state.name === 'body') this.finish(done);
          else this.state = { name: 'chunk-data-end' };
        }
        return p + n;
      }
      case 'until-close':
        this.bodyHead.add(data.subarray(p));
        this.bodyBytes += data.length - p;
        return data.length;
      case 'not-http':
        return data.length;
    }
  }

  /** True when the header block begun at `p` (after any pending bytes) has a whole first line that is not HTTP's. */
  private firstLineIsNotHttp(data: Buffer, p: number): boolean {
    let head = this.pending.length === 0 ? data.subarray(p) : Buffer.concat([this.pending, data.subarray(p)]);
    let start = 0;
    while (start + 1 < head.length && head[start] === 0x0d && head[start + 1] === 0x0a) start += 2;
    head = head.subarray(start);
    const end = head.indexOf(0x0a);
    if (end < 0) return false;
    const line = head.toString('latin1', 0, end > 0 && head[end - 1] === 0x0d ? end - 1 : end);
    if (!STATUS_LINE.test(line) && !REQUEST_LINE.test(line)) return true;
    this.firstLineChecked = true;
    return false;
  }

  /**
   * Collects bytes up to and including `terminator`. For a chunk-size line or the CRLF after chunk data,
   * and for trailers, an empty line (just CRLF) ends it too.
   */
  private takeUntil(data: Buffer, p: number, terminator: string): { text: string; next: number } | undefined {
    const joined = this.pending.length === 0 ? data.subarray(p) : Buffer.concat([this.pending, data.subarray(p)]);
    const carried = this.pending.length;
    let at = joined.indexOf(terminator, 0, 'latin1');
    let length = terminator.length;
    // Trailers: no trailer fields at all is a single CRLF.
    if (this.state.name === 'trailers' && joined.length >= 2 && joined[0] === 0x0d && joined[1] === 0x0a) {
      at = 0;
      length = 2;
    }
    if (at < 0) {
      if (joined.length > MAX_HEADER_BYTES) {
        this.state = { name: 'not-http' };
        this.pending = Buffer.alloc(0);
        return undefined;
      }
      this.pending = Buffer.from(joined);
      return undefined;
    }
    this.pending = Buffer.alloc(0);
    return { text: joined.toString('latin1', 0, at), next: p + at + length - carried };
  }

  private onHead(text: string, done: HttpMessage[]): void {
    // Stray CRLFs between messages are allowed (RFC 9112 §2.2).
    const head = parseHead(text.replace(/^(\r\n)+/, ''));
    if (head === undefined) {
      this.state = { name: 'not-http' };
      return;
    }
    this.head = head;
    this.bodyBytes = 0;
    this.bodyHead.reset();
    if (head.kind === 'request') this.requestMethods.push(head.method!);
    const transferEncoding = head.headers.get('transfer-encoding')?.toLowerCase() ?? '';
    const lengthText = head.headers.get('content-length');
    const length = lengthText !== undefined && /^\d+$/.test(lengthText) ? Number(lengthText) : undefined;
    let bodyless = false;
    if (head.kind === 'response') {
      const method = this.peer?.requestMethods.shift();
      const code = head.code!;
      bodyless = method === 'HEAD' || (code >= 100 && code < 200) || code === 204 || code === 304;
    }
    if (bodyless) this.finish(done);
    else if (transferEncoding.includes('chunked')) this.state = { name: 'chunk-size' };
    else if (length !== undefined && length > 0) this.state = { name: 'body', remaining: length };
    else if (length !== undefined || head.kind === 'request') this.finish(done);
    else this.state = { name: 'until-close' };
  }

  private onChunkSize(text: string, done: HttpMessage[]): void {
    const size = Number.parseInt(text.split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) {
      this.state = { name: 'not-http' };
      return;
    }
    if (size === 0) this.state = { name: 'trailers' };
    else this.state = { name: 'chunk-data', remaining: size };
    void done;
  }

  private finish(done: HttpMessage[]): void {
    const head = this.head;
    this.state = { name: 'head' };
    this.head = undefined;
    this.firstLineChecked = false;
    if (head === undefined) return;
    const h = head.headers;
    const contentType = h.get('content-type');
    const lengthText = h.get('content-length');
    const chunked = (h.get('transfer-encoding')?.toLowerCase() ?? '').includes('chunked');
    const hasBody = this.bodyBytes > 0 || chunked;
    // tshark: the first line and a space, then "  (…)" when a body with a type follows: what the type's
    // subdissector shows, or the media type when none takes the body.
    const shown = contentType === undefined ? undefined : (mediaInfo(contentType, this.bodyHead.head, this.bodyBytes) ?? mediaTypeOf(contentType));
    const info = `${head.firstLine} ${hasBody && shown !== undefined ? ` (${shown})` : ''}`;
    done.push({
      kind: head.kind,
      method: head.method,
      uri: head.uri,
      version: head.version,
      code: head.code,
      phrase: head.phrase,
      host: h.get('host'),
      range: h.get('range'),
      contentType,
      contentLength: lengthText !== undefined && /^\d+$/.test(lengthText) ? Number(lengthText) : undefined,
      contentRange: h.get('content-range'),
      chunked,
      bodyBytes: this.bodyBytes,
      info,
    });
  }

  /** The message left open at the end of the capture (a body read until the connection closed). */
  flush(): HttpMessage[] {
    const done: HttpMessage[] = [];
    if (this.state.name === 'until-close') this.finish(done);
    return done;
  }
}
