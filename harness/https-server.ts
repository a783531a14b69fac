/**
 * https-server.ts: the lab's HTTPS server (node:https on node:tls): the report's page, generated media,
 * `/bytes/N`, keep-alive and Range requests, and the TLS key log. Must not import analyzer/ beyond errors.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket, SecureVersion } from 'node:tls';
import { ConfigError, EnvironmentError } from '../analyzer/errors.js';

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

/** The media defaults: small enough for a sub-second transfer at 175 ms RTT, large enough for dozens of segments. */
export const DEFAULT_MEDIA: MediaSizes = { imageBytes: 48 * 1024, audioBytes: 96 * 1024, videoBytes: 192 * 1024 };

/** The paths of the lab page's media, in the order a browser requests them. */
export const MEDIA_PATHS = ['/media/image.jpg', '/media/audio.mp3', '/media/video.mp4'] as const;

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
  readonly media?: MediaSizes;
  /** Called with each NSS key log line (no newline), from the `keylog` event. */
  readonly onKeyLog?: (line: string) => void;
  /** Idle keep-alive timeout; Node's 5 s default would close the report's idle connection for us. */
  readonly keepAliveTimeoutMs?: number;
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
 * The lab page of the report: the "major / student ID / name" text, an image, an audio and a video.
 * Exported so clients (the browser-like one) can parse the same media list the server serves.
 */
export function renderLabPage(): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>wirelab network lab</title></head><body>',
    '<h1>Computer networks lab</h1>',
    '<p>major / student ID / name</p>',
    `<img src="${MEDIA_PATHS[0]}" alt="lab image">`,
    `<audio controls src="${MEDIA_PATHS[1]}"></audio>`,
    `<video controls src="${MEDIA_PATHS[2]}"></video>`,
    '</body></html>',
    '',
  ].join('\n');
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

/** Content types of generated resources, by extension. */
const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
};

/**
 * Starts the lab server and resolves once it listens.
 * @throws EnvironmentError when the address cannot be bound (EADDRINUSE, EADDRNOTAVAIL, EACCES).
 * @example
 * const server = await startLabServer({ key, cert, host: '127.0.0.1', port: 0, tlsVersion: 'TLS 1.2',
 *   ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
 */
export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const media = options.media ?? DEFAULT_MEDIA;
  const mediaSizes: Record<string, number> = {
    [MEDIA_PATHS[0]]: media.imageBytes,
    [MEDIA_PATHS[1]]: media.audioBytes,
    [MEDIA_PATHS[2]]: media.videoBytes,
  };
  const bodies = new Map<string, Buffer>();
  const keyLog: string[] = [];
  const requests: string[] = [];
  const version = options.tlsVersion === undefined ? undefined : NODE_VERSION[options.tlsVersion];
  const server: Server = createServer({
    key: options.key,
    cert: options.cert,
    ...(version === undefined ? { minVersion: 'TLSv1.2' as const } : { minVersion: version, maxVersion: version }),
    ...(options.ciphers === undefined ? {} : { ciphers: options.ciphers, honorCipherOrder: true }),
    ALPNProtocols: ['http/1.1'],
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 60_000,
  });
  server.on('keylog', (line: Buffer) => {
    const text = line.toString('latin1').trimEnd();
    keyLog.push(text);
    options.onKeyLog?.(text);
  });
  // A client that resets mid-handshake (the rst-abort scenario) is expected, not a server failure.
  server.on('tlsClientError', () => {});
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    let body: Buffer | undefined;
    let type = 'application/octet-stream';
    if (path === '/' || path === '/index.html') {
      body = Buffer.from(renderLabPage(), 'utf8');
      type = 'text/html; charset=utf-8';
    } else if (mediaSizes[path] !== undefined) {
      body = bodies.get(path) ?? generateBody(path, mediaSizes[path]!);
      bodies.set(path, body);
      type = CONTENT_TYPES[path.slice(path.lastIndexOf('.'))] ?? type;
    } else if (path.startsWith('/bytes/')) {
      try {
        const size = parseSize(path.slice('/bytes/'.length));
        body = bodies.get(path) ?? generateBody(path, size);
        if (size <= 1024 * 1024) bodies.set(path, body);
      } catch (e) {
        respond(res, requests, req, 400, 'text/plain', Buffer.from(`${(e as Error).message}\n`));
        return;
      }
    }
    if (body === undefined) {
      respond(res, requests, req, 404, 'text/plain', Buffer.from('not found\n'));
      return;
    }
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
  return {
    host: options.host,
    port,
    keyLog,
    requests,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

function respond(res: ServerResponse, log: string[], req: IncomingMessage, status: number, type: string, body: Buffer): void {
  const socket = req.socket as TLSSocket;
  log.push(`${req.method ?? 'GET'} ${req.url ?? '/'} ${status} ${body.length} port=${socket.remotePort ?? 0}`);
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
