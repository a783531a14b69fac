import { expect } from 'chai';
import { connect as connectHttp2 } from 'node:http2';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCertificate, type LabCertificate } from '../../../harness/certs.js';
import { openLabConnection } from '../../../harness/clients/lab-connection.js';
import { loadLabPage, findPageResources } from '../../../harness/clients/browser-client.js';
import { generateBody, parseSize, renderLabPage, startLabServer, type LabServer } from '../../../harness/https-server.js';
import { loadLabMedia, type LabMedium } from '../../../harness/lab-media.js';

/** One HTTP/2 GET, for the ALPN tests: status, negotiated protocol and body. */
async function getHttp2(port: number, ca: string, path: string): Promise<{ status: number; alpn: string; body: Buffer }> {
  const session = connectHttp2(`https://127.0.0.1:${port}`, { ca, servername: 'lab.wirelab.test' });
  try {
    return await new Promise((resolveGet, rejectGet) => {
      session.once('error', rejectGet);
      const stream = session.request({ ':path': path });
      const chunks: Buffer[] = [];
      let status = 0;
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolveGet({ status, alpn: session.alpnProtocol ?? '', body: Buffer.concat(chunks) }));
      stream.on('error', rejectGet);
    });
  } finally {
    session.close();
  }
}

describe('unit', () => {
  let dir: string;
  let cert: LabCertificate;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-certs-'));
    cert = await loadCertificate({ dir });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  describe('loadCertificate', () => {
    it('reuses the cached certificate when it already covers the requested addresses', async () => {
      const again = await loadCertificate({ dir });
      expect(again.cert).to.equal(cert.cert);
      expect(cert.dnsNames).to.include('lab.wirelab.test');
      expect(cert.ips).to.include.members(['127.0.0.1', '::1']);
    });
    it('regenerates with the union of addresses when a new address is asked for', async () => {
      const wider = await loadCertificate({ dir, ips: ['198.18.0.2'] });
      expect(wider.cert).to.not.equal(cert.cert);
      expect(wider.ips).to.include.members(['127.0.0.1', '::1', '198.18.0.2']);
      cert = wider;
    });
    it('regenerates a certificate that expires within a day', async () => {
      const other = await mkdtemp(join(tmpdir(), 'wirelab-certs-'));
      after(() => rm(other, { recursive: true, force: true }));
      const first = await loadCertificate({ dir: other });
      const later = await loadCertificate({ dir: other, nowMs: first.validToMs - 3600_000 });
      expect(later.validToMs).to.be.greaterThan(first.validToMs);
    });
    it('rejects an address that is not IPv4 or IPv6', async () => {
      const error = await loadCertificate({ dir, ips: ['lab'] }).catch((e: unknown) => e);
      expect(error).to.include({ code: 'ERR_ENVIRONMENT', message: 'certificate: "lab" is not an IPv4 or IPv6 address' });
    });
  });

  describe('parseSize', () => {
    it('reads byte counts with binary k and m suffixes', () => {
      expect([parseSize('100'), parseSize('64k'), parseSize('2M')]).to.deep.equal([100, 65536, 2097152]);
    });
    it('rejects text that is not a size', () => {
      expect(() => parseSize('12kb')).to.throw('size "12kb": expected a byte count like 65536, 64k or 2m').with.property('code', 'ERR_CONFIG');
    });
  });

  describe('findPageResources', () => {
    it('lists the image, audio and video of the lab page in document order', () => {
      expect(findPageResources(renderLabPage())).to.deep.equal(['/media/image.jpg', '/media/audio.mp3', '/media/video.mp4']);
    });
  });

  describe('startLabServer', () => {
    let server: LabServer;
    let media: LabMedium[];
    before(async () => {
      media = await loadLabMedia();
      server = await startLabServer({ key: cert.key, cert: cert.cert, host: '127.0.0.1', port: 0, tlsVersion: 'TLS 1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
    });
    after(() => server.close());

    it('negotiates the pinned version and cipher and verifies against the lab certificate', async () => {
      const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
      expect([conn.protocol, conn.cipher]).to.deep.equal(['TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256']);
      await conn.close('fin');
    });

    it("serves the lab page with the report's sections and the real media files", async () => {
      const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
      const page = await conn.get('/', { keepBody: true });
      expect(page.status).to.equal(200);
      const html = page.body?.toString('utf8') ?? '';
      for (const part of ['<dt>Student ID</dt>', '<section lang="en">', '<section lang="zh">', '三次握手', '<img ', '<audio ', '<video ']) expect(html).to.contain(part);
      const image = await conn.get('/media/image.jpg', { keepBody: true });
      expect(image.headers['content-type']).to.equal('image/jpeg');
      expect(image.body?.equals(media[0]!.body)).to.equal(true);
      // Real files, by their magic numbers: JPEG SOI, MP3 frame sync or ID3, MP4 ftyp box.
      expect(media[0]!.body.subarray(0, 2).toString('hex')).to.equal('ffd8');
      expect(media[1]!.body[0] === 0xff || media[1]!.body.subarray(0, 3).toString() === 'ID3').to.equal(true);
      expect(media[2]!.body.subarray(4, 8).toString()).to.equal('ftyp');
      await conn.close('fin');
    });

    it('puts the name, student ID and major in the page header, escaped', () => {
      const html = renderLabPage({ name: 'Li <Lei>', studentId: '2024001', major: 'CS' });
      expect(html).to.contain('<dd>Li &#60;Lei&#62;</dd>').and.contain('<dd>2024001</dd>').and.contain('<dd>CS</dd>');
    });

    it('answers a Range request with 206 and exactly the requested slice', async () => {
      const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
      const part = await conn.get('/bytes/64k', { range: { start: 1000, end: 1999 }, keepBody: true });
      expect(part.status).to.equal(206);
      expect(part.headers['content-range']).to.equal('bytes 1000-1999/65536');
      expect(part.body?.equals(generateBody('/bytes/64k', 65536).subarray(1000, 2000))).to.equal(true);
      const bad = await conn.get('/bytes/1k', { range: { start: 5000 } });
      expect(bad.status).to.equal(416);
      await conn.close('rst');
    });

    it('keeps one connection alive across requests and answers unknown paths with 404', async () => {
      const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
      const a = await conn.get('/bytes/10');
      const b = await conn.get('/missing');
      expect([a.status, a.bodyBytes, b.status]).to.deep.equal([200, 10, 404]);
      const ports = server.requests.slice(-2).map((l) => l.split('port=')[1]);
      expect(ports[0]).to.equal(String(conn.localPort)).and.equal(ports[1]);
      await conn.close('fin-then-rst');
    });

    it('records one NSS key log line per TLS 1.2 connection', async () => {
      const before = server.keyLog.length;
      const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
      await conn.get('/bytes/1');
      await conn.close('fin');
      const lines = server.keyLog.slice(before);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
    });

    it('fetches the page and its media on one of two parallel connections', async () => {
      const load = await loadLabPage({ host: '127.0.0.1', port: server.port, ca: cert.cert });
      expect(load.localPorts).to.have.length(2);
      expect(load.resources.map((r) => `${r.path} ${r.status} ${r.bytes}`)).to.deep.equal([
        `/ 200 ${Buffer.byteLength(renderLabPage())}`,
        ...media.map((m) => `${m.path} 200 ${m.body.length}`),
      ]);
      await load.main.close('fin');
    });

    it('reports a port in use as an EnvironmentError one-liner', async () => {
      const error = await startLabServer({ key: cert.key, cert: cert.cert, host: '127.0.0.1', port: server.port }).catch((e: unknown) => e);
      expect(error).to.include({
        code: 'ERR_ENVIRONMENT',
        message: `https server: cannot listen on 127.0.0.1:${server.port} (EADDRINUSE); stop the process using the port or choose another one`,
      });
    });
  });

  describe('startLabServer with h2 and HTTP/1.1 by ALPN', () => {
    it('speaks HTTP/2 to a client offering h2 and HTTP/1.1 keep-alive to one that does not', async () => {
      const server = await startLabServer({ key: cert.key, cert: cert.cert, host: '127.0.0.1', port: 0, alpn: ['h2', 'http/1.1'] });
      try {
        const h2 = await getHttp2(server.port, cert.cert, '/bytes/3000');
        expect([h2.status, h2.alpn, h2.body.length]).to.deep.equal([200, 'h2', 3000]);
        const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
        const a = await conn.get('/bytes/10');
        const b = await conn.get('/bytes/64k', { range: { start: 10, end: 19 }, keepBody: true });
        expect([a.status, b.status, b.headers['content-range']]).to.deep.equal([200, 206, 'bytes 10-19/65536']);
        await conn.close('fin');
        expect(server.requests.map((r) => r.replace(/port=\d+/, 'port=P'))).to.deep.equal([
          'GET /bytes/3000 200 3000 port=P h2',
          'GET /bytes/10 200 10 port=P',
          'GET /bytes/64k 206 10 port=P',
        ]);
      } finally {
        await server.close();
      }
    });
  });

  describe('startLabServer with a page directory', () => {
    it('serves the directory, keeps /media and /bytes, and never leaves the directory', async () => {
      const page = await mkdtemp(join(tmpdir(), 'wirelab-page-'));
      await writeFile(join(page, 'index.html'), '<p>my page</p>');
      await writeFile(join(page, 'style.css'), 'p{}');
      const server = await startLabServer({ key: cert.key, cert: cert.cert, host: '127.0.0.1', port: 0, pageDir: page });
      try {
        const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
        const index = await conn.get('/', { keepBody: true });
        const css = await conn.get('/style.css');
        const video = await conn.get('/media/video.mp4');
        const escape = await conn.get('/../../etc/passwd');
        const encoded = await conn.get('/%2e%2e/%2e%2e/etc/passwd');
        await conn.close('fin');
        expect([index.body?.toString(), css.headers['content-type'], video.status, escape.status, encoded.status]).to.deep.equal([
          '<p>my page</p>', 'text/css; charset=utf-8', 200, 404, 404,
        ]);
      } finally {
        await server.close();
        await rm(page, { recursive: true, force: true });
      }
    });
    it('rejects a page directory that does not exist with a one-line ConfigError', async () => {
      const error = await startLabServer({ key: cert.key, cert: cert.cert, host: '127.0.0.1', port: 0, pageDir: '/nonexistent/page' }).catch((e: unknown) => e);
      expect(error).to.include({ code: 'ERR_CONFIG', message: '--page /nonexistent/page: not a directory' });
    });
  });

  describe('startLabServer with TLS 1.3', () => {
    it('negotiates TLS 1.3 with the pinned suite and logs the TLS 1.3 secrets', async () => {
      const server = await startLabServer({ key: cert.key, cert: cert.cert, host: '127.0.0.1', port: 0, tlsVersion: 'TLS 1.3', ciphers: 'TLS_AES_128_GCM_SHA256' });
      try {
        const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
        expect([conn.protocol, conn.cipher]).to.deep.equal(['TLSv1.3', 'TLS_AES_128_GCM_SHA256']);
        await conn.get('/bytes/1');
        await conn.close('fin');
        expect(server.keyLog.map((l) => l.split(' ')[0])).to.include.members(['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
      } finally {
        await server.close();
      }
    });
  });
});
