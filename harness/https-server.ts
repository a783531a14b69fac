/**
 * https-server.ts: the lab's HTTPS server (node:https, or node:http2 with HTTP/1.1 fallback when h2 is offered
 * by ALPN, both on node:tls): the report's page with real media (harness/lab-media.ts) or one's own page
 * directory, `/bytes/N`, keep-alive and Range requests, and the TLS key log. `wirelab serve` and the
 * scenarios' server agent run this same code. Must not import analyzer/ beyond errors.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve, sep } from 'node:path';
import type { SecureVersion } from 'node:tls';
import { ConfigError, EnvironmentError } from '../analyzer/errors.js';
import { contentTypeOf, loadLabMedia, MEDIA_PATHS } from './lab-media.js';

export { MEDIA_PATHS } from './lab-media.js';

/** TLS versions a scenario may pin, in the names tshark and the analyzer print. */
export const TlsVersionName = { Tls12: 'TLS 1.2', Tls13: 'TLS 1.3' } as const;
export type TlsVersionName = (typeof TlsVersionName)[keyof typeof TlsVersionName];

const NODE_VERSION: Record<TlsVersionName, SecureVersion> = { 'TLS 1.2': 'TLSv1.2', 'TLS 1.3': 'TLSv1.3' };

/** Sizes in bytes of the page's media; the defaults make each span many 1400-byte segments. */
export interface MediaSizes {
  readonly imageBytes: number;
  readonly audioBytes: number;
  readonly videoBytes: number;
}

/**
 * Sizes of generated (undecodable) media bodies, for scenarios that need an exact size; the lab's real
 * media are at least this large, so the scenarios' segment counts hold for both.
 */
export const DEFAULT_MEDIA: MediaSizes = { imageBytes: 48 * 1024, audioBytes: 96 * 1024, videoBytes: 192 * 1024 };

/** Largest body `/bytes/N` serves, so a typo cannot make the server allocate gigabytes. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Options of {@link startLabServer}. */
export interface LabServerOptions {
  readonly key: string;
  readonly cert: string;
  /** Address to bind; '127.0.0.1' in unit tests, the server namespace's address in scenarios. */
  readonly host: string;
  /** 0 picks a free port (tests); scenarios use 443 inside their own namespace. */
  readonly port: number;
  /** Pin the protocol version; both are allowed when absent. */
  readonly tlsVersion?: TlsVersionName;
  /** OpenSSL cipher list (TLS 1.2 names such as 'ECDHE-RSA-AES128-GCM-SHA256', or TLS 1.3 'TLS_AES_128_GCM_SHA256'). */
  readonly ciphers?: string;
  /** Generated media bodies of these sizes instead of the real media files (exact sizes for a scenario). */
  readonly media?: MediaSizes;
  /** Where the real media are; default the project's media/ (made by script/make-media.sh). */
  readonly mediaDir?: string;
  /** Serve this directory instead of the lab page: `/` is its index.html; /media/* and /bytes/N stay available. */
  readonly pageDir?: string;
  /** The header of the lab page. */
  readonly page?: LabPageFields;
  /** Application protocols offered by ALPN, in preference order; default ['http/1.1'] (HTTP/1.1 only). */
  readonly alpn?: readonly AlpnProtocol[];
  /** Called with each NSS key log line (no newline), from the `keylog` event. */
  readonly onKeyLog?: (line: string) => void;
  /** Idle keep-alive timeout; Node's 5 s default would close the report's idle connection for us. */
  readonly keepAliveTimeoutMs?: number;
}

/** Protocols the server speaks. */
export type AlpnProtocol = 'h2' | 'http/1.1';

/** The header of the lab page, as the report had it. */
export interface LabPageFields {
  readonly name?: string;
  readonly studentId?: string;
  readonly major?: string;
}

/** A running lab server. */
export interface LabServer {
  readonly host: string;
  readonly port: number;
  /** Every key log line so far, in order, without newlines. */
  readonly keyLog: readonly string[];
  /** Requests served, as 'GET /path 200 bytes' lines, for the run's timeline. */
  readonly requests: readonly string[];
  /** Stops listening and destroys open connections. */
  close(): Promise<void>;
}

/**
 * The lab page of the report: a header (name, student ID, major), the English and Chinese text, an image,
 * an audio and a video. Exported so clients (the node one) parse the same media list the server serves.
 */
export function renderLabPage(fields: LabPageFields = {}): string {
  const field = (label: string, value: string | undefined): string => `<dd>${escapeHtml(value ?? '')}</dd>`.replace('<dd></dd>', `<dd class="empty">(${label})</dd>`);
  return [
    '<!doctype html>',
    // The empty icon keeps the browser from asking for /favicon.ico (a 404 in the capture and the console).
    '<html lang="en"><head><meta charset="utf-8"><title>wirelab network lab</title><link rel="icon" href="data:,">',
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48em;margin:2em auto;padding:0 1em}dl{display:grid;grid-template-columns:auto 1fr;gap:0 1em}dd{margin:0}.empty{color:#888}img,video{max-width:100%}</style>',
    '</head><body>',
    '<header><h1>Computer networks lab: TCP and TLS</h1>',
    `<dl><dt>Name</dt>${field('name', fields.name)}<dt>Student ID</dt>${field('student ID', fields.studentId)}<dt>Major</dt>${field('major', fields.major)}</dl></header>`,
    '<section lang="en"><h2>English</h2><p>This page is served over HTTPS. Loading it opens TCP connections (three-way handshake),',
    'negotiates TLS, then carries the page, an image, an audio and a video in many TCP segments. Capture the load and',
    'explain each step: handshake, TLS, data transfer, loss and reordering, and the teardown.</p></section>',
    '<section lang="zh"><h2>中文</h2><p>本页面通过 HTTPS 提供。浏览器加载时先建立 TCP 连接（三次握手），再协商 TLS，',
    '然后用许多 TCP 报文段传送页面、图片、音频和视频。请抓包并逐步解释：握手、TLS、数据传输、丢包与失序、以及四次挥手。</p></section>',
    `<section><h2>Image</h2><img src="${MEDIA_PATHS[0]}" alt="lab image" width="640" height="360"></section>`,
    `<section><h2>Audio</h2><audio controls src="${MEDIA_PATHS[1]}"></audio></section>`,
    `<section><h2>Video</h2><video controls muted playsinline width="480" height="270" src="${MEDIA_PATHS[2]}"></video></section>`,
    '</body></html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The deterministic body of a generated resource: byte i is a fixed function of i and the path, so a
 * capture of two runs carries identical plaintext and a Range response equals the same slice of the whole.
 */
export function generateBody(path: string, sizeBytes: number): Buffer {
  let salt = 0;
  for (let i = 0; i < path.length; i++) salt = (salt * 31 + path.charCodeAt(i)) & 0xff;
  const body = Buffer.allocUnsafe(sizeBytes);
  for (let i = 0; i < sizeBytes; i++) body[i] = (i * 131 + (i >>> 8) + salt) & 0xff;
  return body;
}

/**
 * Parses a size such as '65536', '64k', '2m' (binary units) into bytes.
 * @throws ConfigError when the text is not a size or exceeds {@link MAX_BODY_BYTES}.
 */
export function parseSize(text: string): number {
  const m = /^(\d+)([km]?)$/i.exec(text);
  if (!m) throw new ConfigError(`size "${text}": expected a byte count like 65536, 64k or 2m`);
  const unit = m[2]!.toLowerCase();
  const bytes = Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
  if (bytes > MAX_BODY_BYTES) throw new ConfigError(`size "${text}": ${bytes} bytes exceeds the ${MAX_BODY_BYTES}-byte limit`);
  return bytes;
}

/**
 * Starts the lab server and resolves once it listens.
 * @throws EnvironmentError when the address cannot be bound (EADDRINUSE, EADDRNOTAVAIL, EACCES).
 * @example
 * const server = await startLabServer({ key, cert, host: '127.0.0.1', port: 0, tlsVersion: 'TLS 1.2',
 *   ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
 */
export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const media = new Map<string, { body: Buffer; type: string }>();
  if (options.media === undefined) {
    for (const m of await loadLabMedia(options.mediaDir)) media.set(m.path, { body: m.body, type: m.type });
  } else {
    const sizes = [options.media.imageBytes, options.media.audioBytes, options.media.videoBytes];
    MEDIA_PATHS.forEach((path, i) => media.set(path, { body: generateBody(path, sizes[i]!), type: contentTypeOf(path) }));
  }
  const pageDir = options.pageDir === undefined ? undefined : resolve(options.pageDir);
  if (pageDir !== undefined) {
    const isDir = await stat(pageDir).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw new ConfigError(`--page ${options.pageDir}: not a directory`);
  }
  const labPage = Buffer.from(renderLabPage(options.page), 'utf8');
  const bodies = new Map<string, Buffer>();
  const keyLog: string[] = [];
  const requests: string[] = [];
  const version = options.tlsVersion === undefined ? undefined : NODE_VERSION[options.tlsVersion];
  const alpn = [...(options.alpn ?? ['http/1.1'])];
  const tlsOptions = {
    key: options.key,
    cert: options.cert,
    ...(version === undefined ? { minVersion: 'TLSv1.2' as const } : { minVersion: version, maxVersion: version }),
    ...(options.ciphers === undefined ? {} : { ciphers: options.ciphers, honorCipherOrder: true }),
    ALPNProtocols: alpn,
  };
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 60_000;
  // HTTP/1.1 alone stays on node:https (the scenarios' server); h2 needs node:http2, which falls back to
  // HTTP/1.1 for a client that does not offer h2.
  const server: Server | Http2SecureServer = alpn.includes('h2')
    ? createSecureServer({ ...tlsOptions, allowHTTP1: true })
    : createServer({ ...tlsOptions, keepAliveTimeout });
  // http2's HTTP/1.1 fallback reads the same field as node:https, but its options do not take it.
  if (alpn.includes('h2')) (server as { keepAliveTimeout?: number }).keepAliveTimeout = keepAliveTimeout;

  const resolveBody = async (path: string): Promise<{ status: number; type: string; body: Buffer }> => {
    if (pageDir !== undefined) {
      const file = await readPageFile(pageDir, path);
      if (file !== undefined) return { status: 200, ...file };
    } else if (path === '/' || path === '/index.html') {
      return { status: 200, type: 'text/html; charset=utf-8', body: labPage };
    }
    const medium = media.get(path);
    if (medium !== undefined) return { status: 200, ...medium };
    if (path.startsWith('/bytes/')) {
      try {
        const size = parseSize(path.slice('/bytes/'.length));
        const body = bodies.get(path) ?? generateBody(path, size);
        if (size <= 1024 * 1024) bodies.set(path, body);
        return { status: 200, type: 'application/octet-stream', body };
      } catch (e) {
        return { status: 400, type: 'text/plain', body: Buffer.from(`${(e as Error).message}\n`) };
      }
    }
    return { status: 404, type: 'text/plain', body: Buffer.from('not found\n') };
  };

  server.on('keylog', (line: Buffer) => {
    const text = line.toString('latin1').trimEnd();
    keyLog.push(text);
    options.onKeyLog?.(text);
  });
  // A client that resets mid-handshake (the rst-abort scenario) is expected, not a server failure.
  server.on('tlsClientError', () => {});
  server.on('request', (req: LabRequest, res: LabResponse) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const found = await resolveBody(path);
      if (found.status !== 200) {
        respond(res, requests, req, found.status, found.type, found.body);
        return;
      }
      const { body, type } = found;
      res.setHeader('Accept-Ranges', 'bytes');
      const range = parseRange(req.headers.range, body.length);
      if (range === 'unsatisfiable') {
        res.setHeader('Content-Range', `bytes */${body.length}`);
        respond(res, requests, req, 416, 'text/plain', Buffer.alloc(0));
      } else if (range) {
        res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${body.length}`);
        respond(res, requests, req, 206, type, body.subarray(range.start, range.end + 1));
      } else {
        respond(res, requests, req, 200, type, body);
      }
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      rejectListen(
        new EnvironmentError(
          `https server: cannot listen on ${formatHostPort(options.host, options.port)} (${e.code ?? e.message}); ` +
            (e.code === 'EADDRINUSE' ? 'stop the process using the port or choose another one' : 'check that the address exists in this namespace'),
          { cause: e },
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', (socket: import('node:net').Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    host: options.host,
    port,
    keyLog,
    requests,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        if ('closeAllConnections' in server) server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** What the handler needs of an HTTP/1.1 or HTTP/2 (compatibility API) request and response. */
interface LabRequest {
  readonly url?: string | undefined;
  readonly method?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersion: string;
  readonly socket: { readonly remotePort?: number | undefined };
}
interface LabResponse {
  setHeader(name: string, value: string | number): unknown;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  end(body?: Buffer): unknown;
  destroy(): unknown;
}

/** A file of a user's page directory; undefined when absent or outside it ('..' cannot escape). */
async function readPageFile(dir: string, urlPath: string): Promise<{ type: string; body: Buffer } | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  let file = resolve(dir, `.${decoded}`);
  if (file !== dir && !file.startsWith(dir + sep)) return undefined;
  if (await stat(file).then((s) => s.isDirectory(), () => false)) file = join(file, 'index.html');
  const body = await readFile(file).catch(() => undefined);
  return body === undefined ? undefined : { type: contentTypeOf(file), body };
}

function respond(res: LabResponse, log: string[], req: LabRequest, status: number, type: string, body: Buffer): void {
  log.push(`${req.method ?? 'GET'} ${req.url ?? '/'} ${status} ${body.length} port=${req.socket.remotePort ?? 0}${req.httpVersion === '2.0' ? ' h2' : ''}`);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range (RFC 9110 §14.1.2); multiple ranges are served whole. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
