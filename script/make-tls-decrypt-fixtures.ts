/**
 * make-tls-decrypt-fixtures.ts: TLS captures with their key logs for the decryption conformance test, made
 * with real OpenSSL (node:tls, node:https, node:http2) on loopback. The client's TCP bytes pass through a
 * tap; the tapped byte stream becomes TCP segments (MSS 1400, real handshake and teardown) written with the
 * project's pcapng writer, and the key log goes beside it (sslkeylog file; no DSB, so --keylog is used).
 * Cases the scenario runs cannot set: HelloRetryRequest, TLS 1.2 resumption, CBC without encrypt-then-MAC,
 * TLS 1.3 AES-128-CCM, HTTP/2; and a real TLS 1.3 KeyUpdate, which node:tls cannot send: OpenSSL's own
 * s_client and s_server (their `K` command) talk through the same tap. tshark's answer:
 * `bash script/tls-decrypt-oracle.sh`.
 * Run: npx tsx script/make-tls-decrypt-fixtures.ts [OUT_DIR] [NAME ...]   (default test/fixtures/captures/tls-decrypt,
 * every fixture)
 */
import { constants as cryptoConstants } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { connect as http2Connect, createSecureServer } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, SecureContextOptions, TLSSocket } from 'node:tls';
import { encodePcapng } from '../analyzer/capture/pcapng-writer.js';
import { buildTcpFrame } from '../analyzer/encode/build-tcp-frame.js';
import { LinkType } from '../analyzer/packet/frame.js';
import { TcpFlag } from '../analyzer/packet/packet.js';
import { loadCertificate } from '../harness/certs.js';

const OUT = process.argv[2] ?? join(import.meta.dirname, '..', 'test', 'fixtures', 'captures', 'tls-decrypt');
/** Fixture names to (re)make; all when none is given. */
const ONLY = new Set(process.argv.slice(3));
const MSS = 1400;
const CLIENT = '198.18.0.1';
const SERVER = '198.18.0.2';

/** One direction's bytes as they were written or read, in order, with the time they passed the tap. */
interface TapEvent {
  readonly fromServer: boolean;
  readonly data: Buffer;
  readonly timeNs: bigint;
}

/** A JS stream between TLS and the TCP socket, so every byte both ways is seen. */
function tappedSocket(port: number, events: TapEvent[]): Duplex {
  const raw = netConnect({ host: '127.0.0.1', port, noDelay: true });
  const tap = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      events.push({ fromServer: false, data: Buffer.from(chunk), timeNs: process.hrtime.bigint() });
      raw.write(chunk, cb);
    },
    final(cb) {
      raw.end();
      cb();
    },
  });
  raw.on('data', (d: Buffer) => {
    events.push({ fromServer: true, data: Buffer.from(d), timeNs: process.hrtime.bigint() });
    tap.push(d);
  });
  raw.on('end', () => tap.push(null));
  raw.on('error', (e) => tap.destroy(e));
  return tap;
}

/** The TCP frames of one connection carrying the tapped bytes. */
function connectionFrames(events: readonly TapEvent[], clientPort: number, startNs: bigint): { timestampNs: bigint; data: Buffer }[] {
  const frames: { timestampNs: bigint; data: Buffer }[] = [];
  let seq = [1000, 50_000];
  let t = startNs;
  const add = (fromServer: boolean, flags: number, payload?: Buffer): void => {
    const d = fromServer ? 1 : 0;
    const spec = {
      src: fromServer ? SERVER : CLIENT,
      dst: fromServer ? CLIENT : SERVER,
      sport: fromServer ? 443 : clientPort,
      dport: fromServer ? clientPort : 443,
      seq: seq[d]!,
      ack: (flags & TcpFlag.Ack) !== 0 ? seq[1 - d]! : 0,
      flags,
      window: 65535,
      ...(payload === undefined ? {} : { payload }),
      ...((flags & TcpFlag.Syn) !== 0 ? { options: { mss: MSS } } : {}),
    };
    frames.push({ timestampNs: t, data: buildTcpFrame(spec) });
    t += 10_000n;
    seq[d] = (seq[d]! + (payload?.length ?? 0) + ((flags & (TcpFlag.Syn | TcpFlag.Fin)) !== 0 ? 1 : 0)) >>> 0;
  };
  seq = [1000, 50_000];
  add(false, TcpFlag.Syn);
  add(true, TcpFlag.Syn | TcpFlag.Ack);
  add(false, TcpFlag.Ack);
  for (const e of events) {
    for (let p = 0; p < e.data.length; p += MSS) add(e.fromServer, TcpFlag.Ack | TcpFlag.Psh, e.data.subarray(p, p + MSS));
    add(!e.fromServer, TcpFlag.Ack);
  }
  add(false, TcpFlag.Fin | TcpFlag.Ack);
  add(true, TcpFlag.Fin | TcpFlag.Ack);
  add(false, TcpFlag.Ack);
  return frames;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

interface Fixture {
  readonly name: string;
  readonly server: SecureContextOptions & Record<string, unknown>;
  readonly client: ConnectionOptions;
  /** Connections to make; `resume` reuses the first one's session. */
  readonly connections: number;
  readonly resume?: boolean;
  readonly http2?: boolean;
  /** Requests per connection. */
  readonly paths: readonly string[];
}

const FIXTURES: readonly Fixture[] = [
  { name: 'tls13-hrr', server: { ecdhCurve: 'P-256' }, client: { ecdhCurve: 'X25519:P-256', minVersion: 'TLSv1.3' }, connections: 1, paths: ['/', '/media/image.jpg'] },
  { name: 'tls13-aes128-ccm', server: { ciphers: 'TLS_AES_128_CCM_SHA256' }, client: { ciphers: 'TLS_AES_128_CCM_SHA256', minVersion: 'TLSv1.3' }, connections: 1, paths: ['/', '/media/audio.mp3'] },
  { name: 'tls13-chacha20', server: { ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }, client: { ciphers: 'TLS_CHACHA20_POLY1305_SHA256', minVersion: 'TLSv1.3' }, connections: 1, paths: ['/', '/media/image.jpg'] },
  { name: 'tls12-cbc-sha-mte', server: { secureOptions: cryptoConstants.SSL_OP_NO_ENCRYPT_THEN_MAC }, client: { ciphers: 'ECDHE-RSA-AES256-SHA', maxVersion: 'TLSv1.2' }, connections: 1, paths: ['/', '/media/image.jpg'] },
  { name: 'tls12-cbc-sha384-etm', server: {}, client: { ciphers: 'ECDHE-RSA-AES256-SHA384', maxVersion: 'TLSv1.2' }, connections: 1, paths: ['/', '/media/image.jpg'] },
  { name: 'tls12-aes256-gcm-resumed', server: {}, client: { ciphers: 'ECDHE-RSA-AES256-GCM-SHA384', maxVersion: 'TLSv1.2' }, connections: 2, resume: true, paths: ['/', '/media/image.jpg'] },
  { name: 'tls12-chacha20-h2', server: {}, client: { ciphers: 'ECDHE-RSA-CHACHA20-POLY1305', maxVersion: 'TLSv1.2' }, connections: 1, http2: true, paths: ['/', '/media/image.jpg', '/media/audio.mp3'] },
  { name: 'tls13-aes256-gcm-h2', server: {}, client: { ciphers: 'TLS_AES_256_GCM_SHA384', minVersion: 'TLSv1.3' }, connections: 1, http2: true, paths: ['/', '/media/image.jpg', '/media/video.mp4'] },
];

/** Small generated bodies, so fixtures stay small but bodies still span many records. */
function body(path: string): { type: string; data: Buffer } {
  if (path === '/') return { type: 'text/html; charset=utf-8', data: Buffer.from('<!doctype html><img src="/media/image.jpg">\n') };
  const size = path.endsWith('.jpg') ? 24_000 : path.endsWith('.mp3') ? 40_000 : 60_000;
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 131 + (i >>> 8)) & 0xff;
  return { type: path.endsWith('.jpg') ? 'image/jpeg' : path.endsWith('.mp3') ? 'audio/mpeg' : 'video/mp4', data };
}

async function makeFixture(f: Fixture, key: string, cert: string): Promise<void> {
  const keyLog: string[] = [];
  const handler = (req: { url?: string }, res: { writeHead(s: number, h: Record<string, string | number>): void; end(b: Buffer): void }): void => {
    const b = body(req.url ?? '/');
    res.writeHead(200, { 'content-type': b.type, 'content-length': b.data.length });
    res.end(b.data);
  };
  const server = f.http2
    ? createSecureServer({ key, cert, allowHTTP1: false, ...f.server }, handler as never)
    : createHttpsServer({ key, cert, keepAliveTimeout: 5000, ...f.server }, handler as never);
  server.on('keylog', (line: Buffer) => keyLog.push(line.toString('latin1').trimEnd()));
  const port = await listen(server as unknown as Server);
  const frames: { timestampNs: bigint; data: Buffer }[] = [];
  let session: Buffer | undefined;
  let startNs = 1_700_000_000_000_000_000n;
  for (let c = 0; c < f.connections; c++) {
    const events: TapEvent[] = [];
    const options: ConnectionOptions = {
      socket: tappedSocket(port, events),
      servername: 'lab.wirelab.test',
      rejectUnauthorized: false,
      ALPNProtocols: f.http2 ? ['h2'] : ['http/1.1'],
      ...f.client,
      ...(f.resume === true && session !== undefined ? { session } : {}),
    };
    const tls: TLSSocket = tlsConnect(options);
    tls.on('session', (s: Buffer) => (session ??= s));
    await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
    if (f.http2) {
      const h2 = http2Connect('https://lab.wirelab.test', { createConnection: () => tls });
      for (const path of f.paths) {
        await new Promise<void>((resolve, reject) => {
          const req = h2.request({ ':path': path });
          req.on('data', () => {});
          req.on('end', resolve);
          req.on('error', reject);
          req.end();
        });
      }
      await new Promise<void>((resolve) => h2.close(resolve));
    } else {
      for (const path of f.paths) {
        tls.write(`GET ${path} HTTP/1.1\r\nHost: lab.wirelab.test\r\nConnection: keep-alive\r\n\r\n`);
        const want = body(path).data.length;
        await new Promise<void>((resolve) => {
          let got = Buffer.alloc(0);
          const onData = (d: Buffer): void => {
            got = Buffer.concat([got, d]);
            const end = got.indexOf('\r\n\r\n');
            if (end >= 0 && got.length - end - 4 >= want) {
              tls.off('data', onData);
              resolve();
            }
          };
          tls.on('data', onData);
        });
      }
    }
    tls.end();
    await new Promise((r) => setTimeout(r, 50));
    tls.destroy();
    frames.push(...connectionFrames(events, 40_000 + c, startNs));
    startNs += 1_000_000_000n;
  }
  server.close();
  // The resumed connection's own line is left out: it must decrypt through the resumption cache, as tshark does.
  writeFixture(f.name, frames, f.resume === true ? keyLog.slice(0, 1) : keyLog);
}

/** Writes a capture of `frames` and its key log lines. */
function writeFixture(name: string, frames: readonly { timestampNs: bigint; data: Buffer }[], keyLines: readonly string[]): void {
  const pcapng = encodePcapng(
    frames.map((fr) => ({ interfaceId: 0, timestampNs: fr.timestampNs, data: fr.data, originalLength: fr.data.length })),
    { interfaces: [{ linkType: LinkType.Ethernet, tsResolutionNs: true }] },
  );
  writeFileSync(join(OUT, `${name}.pcapng`), pcapng);
  writeFileSync(join(OUT, `${name}.keys`), keyLines.map((l) => `${l}\n`).join(''));
  console.log(`${name}: ${frames.length} frames, ${keyLines.length} key log lines`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * tls13-keyupdate: OpenSSL's s_client and s_server exchange lines over TLS 1.3 (AES-128-GCM); the client's
 * `K` command sends a KeyUpdate that requests one back, so both directions change keys mid-stream. The bytes
 * pass through a tap proxy (s_client → tap → s_server), which records them for the capture.
 */
async function makeOpensslKeyUpdateFixture(key: string, cert: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wirelab-keyupdate-'));
  try {
    writeFileSync(join(dir, 'key.pem'), key);
    writeFileSync(join(dir, 'cert.pem'), cert);
    const keyLogFile = join(dir, 'keys.txt');
    const serverPort = 20_000 + Math.floor(Math.random() * 20_000);
    const server = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${serverPort}`, '-tls1_3', '-ciphersuites', 'TLS_AES_128_GCM_SHA256',
      '-cert', join(dir, 'cert.pem'), '-key', join(dir, 'key.pem'), '-keylogfile', keyLogFile, '-naccept', '1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let serverOut = '';
    server.stdout.on('data', (d: Buffer) => (serverOut += d.toString('latin1')));
    for (let i = 0; i < 50 && !serverOut.includes('ACCEPT'); i++) await sleep(100);
    if (!serverOut.includes('ACCEPT')) throw new Error(`openssl s_server did not start: ${serverOut}`);
    const events: TapEvent[] = [];
    const tap = createNetServer((downstream) => {
      const upstream = netConnect({ host: '127.0.0.1', port: serverPort, noDelay: true });
      downstream.on('data', (d: Buffer) => {
        events.push({ fromServer: false, data: Buffer.from(d), timeNs: process.hrtime.bigint() });
        upstream.write(d);
      });
      upstream.on('data', (d: Buffer) => {
        events.push({ fromServer: true, data: Buffer.from(d), timeNs: process.hrtime.bigint() });
        downstream.write(d);
      });
      downstream.on('end', () => upstream.end());
      upstream.on('end', () => downstream.end());
      downstream.on('error', () => upstream.destroy());
      upstream.on('error', () => downstream.destroy());
    });
    const tapPort = await listen(tap);
    const client = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${tapPort}`, '-tls1_3', '-ciphersuites', 'TLS_AES_128_GCM_SHA256',
      '-servername', 'lab.wirelab.test', '-alpn', 'http/1.1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let clientOut = '';
    client.stdout.on('data', (d: Buffer) => (clientOut += d.toString('latin1')));
    client.stderr.on('data', (d: Buffer) => (clientOut += d.toString('latin1')));
    for (let i = 0; i < 50 && !clientOut.includes('Verify return code'); i++) await sleep(100);
    await sleep(300); // the server's session tickets
    // Each line is one record; `K` alone on a line is s_client's KeyUpdate (update_requested) command.
    client.stdin.write('GET / HTTP/1.1\r\n');
    await sleep(200);
    server.stdin.write('before the key update\n');
    await sleep(200);
    client.stdin.write('K\n');
    await sleep(300);
    client.stdin.write('Host: lab.wirelab.test\r\n');
    await sleep(200);
    server.stdin.write('after the key update\n');
    await sleep(200);
    client.stdin.write('Q\n');
    await Promise.race([new Promise((r) => client.once('exit', r)), sleep(3000)]);
    client.kill();
    server.kill();
    tap.close();
    if (!clientOut.includes('KEYUPDATE')) throw new Error(`s_client sent no KeyUpdate:\n${clientOut}`);
    const keyLines = readFileSync(keyLogFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
    writeFixture('tls13-keyupdate', connectionFrames(events, 40_000, 1_700_000_000_000_000_000n), keyLines);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

mkdirSync(OUT, { recursive: true });
const { key, cert } = await loadCertificate();
for (const f of FIXTURES) if (ONLY.size === 0 || ONLY.has(f.name)) await makeFixture(f, key, cert);
if (ONLY.size === 0 || ONLY.has('tls13-keyupdate')) await makeOpensslKeyUpdateFixture(key, cert);
