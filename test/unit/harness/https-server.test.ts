import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCertificate, type LabCertificate } from '../../../harness/certs.js';
import { openLabConnection } from '../../../harness/clients/lab-connection.js';
import { loadLabPage, findPageResources } from '../../../harness/clients/browser-client.js';
import { DEFAULT_MEDIA, generateBody, parseSize, renderLabPage, startLabServer, type LabServer } from '../../../harness/https-server.js';

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
    before(async () => {
      server = await startLabServer({ key: cert.key, cert: cert.cert, host: '127.0.0.1', port: 0, tlsVersion: 'TLS 1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
    });
    after(() => server.close());

    it('negotiates the pinned version and cipher and verifies against the lab certificate', async () => {
      const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
      expect([conn.protocol, conn.cipher]).to.deep.equal(['TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256']);
      await conn.close('fin');
    });

    it('serves the lab page with the report text and deterministic media bytes', async () => {
      const conn = await openLabConnection({ host: '127.0.0.1', port: server.port, ca: cert.cert });
      const page = await conn.get('/', { keepBody: true });
      expect(page.status).to.equal(200);
      expect(page.body?.toString('utf8')).to.contain('major / student ID / name');
      const image = await conn.get('/media/image.jpg', { keepBody: true });
      expect(image.bodyBytes).to.equal(DEFAULT_MEDIA.imageBytes);
      expect(image.body?.equals(generateBody('/media/image.jpg', DEFAULT_MEDIA.imageBytes))).to.equal(true);
      await conn.close('fin');
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
        `/media/image.jpg 200 ${DEFAULT_MEDIA.imageBytes}`,
        `/media/audio.mp3 200 ${DEFAULT_MEDIA.audioBytes}`,
        `/media/video.mp4 200 ${DEFAULT_MEDIA.videoBytes}`,
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
