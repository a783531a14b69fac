/**
 * lab-connection.ts: one client TLS connection speaking HTTP/1.1 keep-alive, with explicit close modes
 * (FIN, RST, FIN-then-RST, idle) and a stalled reader for zero windows. Must not import analyzer/ beyond errors.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket, type SecureVersion } from 'node:tls';
import { ConfigError, EnvironmentError } from '../../analyzer/errors.js';
import { LAB_HOSTNAME } from '../certs.js';

/** How a connection ends; each produces one teardown class of the analyzer. */
export const CloseMode = {
  /** TLS close_notify, then FIN; the server answers in kind: 'fin-close'. */
  Fin: 'fin',
  /** RST straight away (SO_LINGER 0 through `resetAndDestroy`): 'rst-abort'. */
  Rst: 'rst',
  /** close_notify and FIN, then the descriptor is closed, so the server's own close_notify meets a dead socket and the kernel answers RST: 'fin-then-rst', as a browser drops its spare connection. */
  FinThenRst: 'fin-then-rst',
  /** Leave it open; the capture ends first: 'open'. */
  Idle: 'idle',
} as const;
export type CloseMode = (typeof CloseMode)[keyof typeof CloseMode];

/** Options of {@link openLabConnection}. */
export interface LabConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** SNI and the name verified in the certificate; default {@link LAB_HOSTNAME}. */
  readonly servername?: string;
  /** PEM the client trusts (the lab certificate). Without it the certificate is not verified. */
  readonly ca?: string;
  readonly tlsVersion?: 'TLS 1.2' | 'TLS 1.3';
  /** OpenSSL cipher list offered by the client. */
  readonly ciphers?: string;
  /** Receives NSS key log lines without newline. */
  readonly onKeyLog?: (line: string) => void;
  /** Handshake deadline; default 10 s. */
  readonly timeoutMs?: number;
}

/** Options of {@link LabConnection.get}. */
export interface GetOptions {
  /** Inclusive byte range, sent as `Range: bytes=start-end` (end omitted: to the end). */
  readonly range?: { readonly start: number; readonly end?: number };
  /** Stop reading for this long once the response headers arrived, so the receive window closes. */
  readonly stallMs?: number;
  /** Keep the body in the response (small bodies in tests); otherwise only its length is counted. */
  readonly keepBody?: boolean;
  /** Response deadline; default 30 s. */
  readonly timeoutMs?: number;
}

/** One HTTP response as the client saw it. */
export interface LabResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyBytes: number;
  readonly body: Buffer | undefined;
  readonly durationMs: number;
}

/** An open client connection. Requests run one at a time (no pipelining), as a browser's HTTP/1.1. */
export interface LabConnection {
  readonly localPort: number;
  /** 'TLSv1.2' or 'TLSv1.3' as OpenSSL names it. */
  readonly protocol: string;
  /** OpenSSL name of the negotiated cipher. */
  readonly cipher: string;
  get(path: string, options?: GetOptions): Promise<LabResponse>;
  /** Ends the connection in the given mode; resolves when the socket is gone (idle: at once). */
  close(mode: CloseMode): Promise<void>;
}

const NODE_VERSION = { 'TLS 1.2': 'TLSv1.2', 'TLS 1.3': 'TLSv1.3' } as const satisfies Record<string, SecureVersion>;

/**
 * Opens a TCP connection and completes the TLS handshake.
 * @throws EnvironmentError when the server cannot be reached or the handshake fails.
 * @example
 * const conn = await openLabConnection({ host: '127.0.0.1', port, ca: cert });
 * const page = await conn.get('/');
 * await conn.close('fin');
 */
export async function openLabConnection(options: LabConnectionOptions): Promise<LabConnection> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // The raw TCP socket is kept: only it can send RST (resetAndDestroy refuses a TLS handle).
  const raw: Socket = connectTcp({ host: options.host, port: options.port, noDelay: true });
  const version = options.tlsVersion === undefined ? undefined : NODE_VERSION[options.tlsVersion];
  const socket: TLSSocket = connectTls({
    socket: raw,
    servername: options.servername ?? LAB_HOSTNAME,
    ...(options.ca === undefined ? { rejectUnauthorized: false } : { ca: options.ca }),
    ...(version === undefined ? {} : { minVersion: version, maxVersion: version }),
    ...(options.ciphers === undefined ? {} : { ciphers: options.ciphers }),
    ALPNProtocols: ['http/1.1'],
  });
  socket.on('keylog', (line: Buffer) => options.onKeyLog?.(line.toString('latin1').trimEnd()));
  const where = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  await new Promise<void>((resolveConnect, rejectConnect) => {
    const timer = setTimeout(() => fail(new Error(`no TLS handshake within ${timeoutMs} ms`)), timeoutMs);
    function fail(e: Error): void {
      clearTimeout(timer);
      raw.destroy();
      const code = (e as NodeJS.ErrnoException).code;
      rejectConnect(new EnvironmentError(`client: cannot connect to ${where} (${code ?? e.message}); is the lab server running there?`, { cause: e }));
    }
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolveConnect();
    });
  });
  return createConnection(socket, raw, where);
}

function createConnection(socket: TLSSocket, raw: Socket, where: string): LabConnection {
  let lastError: Error | undefined;
  let busy = false;
  // Errors after a deliberate close (ECONNRESET from our own RST) must not crash the agent.
  socket.on('error', (e) => (lastError = e));
  raw.on('error', (e) => (lastError = e));
  return {
    localPort: raw.localPort ?? 0,
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher().name,
    get(path, options = {}) {
      if (busy) return Promise.reject(new ConfigError(`client: GET ${path} while another request on ${where} is running; use a second connection`));
      busy = true;
      return request(socket, path, options, where, () => lastError).finally(() => (busy = false));
    },
    close(mode) {
      return closeConnection(socket, raw, mode);
    },
  };
}

function closeConnection(socket: TLSSocket, raw: Socket, mode: CloseMode): Promise<void> {
  if (mode === 'idle') return Promise.resolve();
  if (raw.destroyed) return Promise.resolve();
  return new Promise<void>((resolveClose) => {
    raw.once('close', () => resolveClose());
    if (mode === 'rst') {
      raw.resetAndDestroy();
    } else if (mode === 'fin-then-rst') {
      // 'finish' fires once close_notify and FIN are handed to the kernel; closing the descriptor then
      // makes any later byte from the server (its close_notify) draw an RST (Linux TCPAbortOnData).
      socket.once('finish', () => raw.destroy());
      socket.end();
    } else {
      socket.resume(); // read the server's close_notify and FIN so the close is clean
      socket.once('end', () => raw.end());
      socket.end();
    }
  });
}

function request(socket: TLSSocket, path: string, options: GetOptions, where: string, lastError: () => Error | undefined): Promise<LabResponse> {
  const startMs = performance.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const lines = [`GET ${path} HTTP/1.1`, `Host: ${LAB_HOSTNAME}`, 'Connection: keep-alive', 'User-Agent: wirelab'];
  if (options.range) lines.push(`Range: bytes=${options.range.start}-${options.range.end ?? ''}`);
  return new Promise<LabResponse>((resolveRequest, rejectRequest) => {
    let head = Buffer.alloc(0);
    let status = 0;
    let headers: Record<string, string> | undefined;
    let expectedBytes = 0;
    let bodyBytes = 0;
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => finish(new Error(`no complete response within ${timeoutMs} ms (${bodyBytes} body bytes so far)`)), timeoutMs);
    function finish(error?: Error): void {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (error) {
        rejectRequest(new EnvironmentError(`client: GET ${path} on ${where} failed: ${error.message}`, { cause: error }));
        return;
      }
      resolveRequest({
        status,
        headers: headers ?? {},
        bodyBytes,
        body: options.keepBody ? Buffer.concat(chunks) : undefined,
        durationMs: performance.now() - startMs,
      });
    }
    function onClose(): void {
      finish(lastError() ?? new Error('connection closed by the server'));
    }
    function onData(chunk: Buffer): void {
      let body = chunk;
      if (headers === undefined) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const parsed = parseHead(head.subarray(0, end).toString('latin1'));
        if (parsed === undefined) {
          finish(new Error('malformed response head'));
          return;
        }
        status = parsed.status;
        headers = parsed.headers;
        expectedBytes = Number(headers['content-length'] ?? '0');
        body = head.subarray(end + 4);
        if (options.stallMs !== undefined && options.stallMs > 0) {
          // Pausing stops Node reading the TCP socket, so the kernel's receive buffer fills and the
          // advertised window drops to zero while the server keeps sending.
          socket.pause();
          setTimeout(() => socket.resume(), options.stallMs);
        }
      }
      bodyBytes += body.length;
      if (options.keepBody) chunks.push(body);
      if (bodyBytes >= expectedBytes) finish();
    }
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

function parseHead(text: string): { status: number; headers: Record<string, string> } | undefined {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(m[1]), headers };
}
