// TLS decryption in the TLS analyzer on hand-built sessions whose records are really encrypted (node:crypto):
// TLS 1.3 handshake and application keys, KeyUpdate ("traffic upd"), EncryptedExtensions ALPN, HTTP/1.1
// over the decrypted stream, and the notes for a missing or wrong key. Plus a fuzz of the record decryptor.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { createTlsAnalyzer } from '../../../analyzer/analysis/tls/tls-analyzer.js';
import type { TlsAnalyzer, TlsFrameInfo } from '../../../analyzer/analysis/tls/tls-analyzer.js';
import { cipherParams } from '../../../analyzer/analysis/tls/decrypt/cipher-params.js';
import { tls12Keys, tls13Keys, tls13NextSecret } from '../../../analyzer/analysis/tls/decrypt/key-schedule.js';
import { encryptRecord, RecordDecryptor } from '../../../analyzer/analysis/tls/decrypt/record-decryptor.js';
import { parseKeyLog } from '../../../analyzer/keys/key-log.js';
import type { TlsKeyLog } from '../../../analyzer/keys/key-log.js';
import { alpnExtension, clientHelloBody, handshake, record, serverHelloBody, tls13ServerVersion } from './tls-builders.js';

const CLIENT_RANDOM = Buffer.alloc(32, 7).toString('hex'); // clientHelloBody's random
const SUITE = 0x1301;
const PARAMS = cipherParams(SUITE)!;

interface Secrets {
  readonly chs: Buffer;
  readonly shs: Buffer;
  readonly c0: Buffer;
  readonly s0: Buffer;
}

function keyLogOf(s: Secrets): TlsKeyLog {
  const line = (label: string, secret: Buffer): string => `${label} ${CLIENT_RANDOM} ${secret.toString('hex')}`;
  const text = [
    line('CLIENT_HANDSHAKE_TRAFFIC_SECRET', s.chs),
    line('SERVER_HANDSHAKE_TRAFFIC_SECRET', s.shs),
    line('CLIENT_TRAFFIC_SECRET_0', s.c0),
    line('SERVER_TRAFFIC_SECRET_0', s.s0),
    'EXPORTER_SECRET 00 11', // unknown labels are skipped quietly
  ].join('\n');
  return parseKeyLog([{ text, source: 'test' }]).keyLog;
}

/** One direction's sender: encrypts inner plaintext into TLS 1.3 records with a running sequence number. */
class Sender {
  seq = 0;
  constructor(public secret: Buffer) {}
  seal(type: number, plaintext: Buffer): Buffer {
    const { body } = encryptRecord(PARAMS, tls13Keys(PARAMS, this.secret), this.seq++, type, 0x0303, plaintext);
    return record(23, body);
  }
  rekey(secret: Buffer): void {
    this.secret = secret;
    this.seq = 0;
  }
}

/** Feeds segments of one stream into the analyzer. */
class Driver {
  frame = 0;
  readonly next: [number, number] = [1000, 900_000];
  constructor(readonly tls: TlsAnalyzer) {}
  send(dir: 0 | 1, payload: Buffer): TlsFrameInfo | null {
    const seq = this.next[dir];
    this.next[dir] += payload.length;
    return this.tls.push({
      frame: ++this.frame, stream: 0, direction: dir, srcPort: dir === 0 ? 40000 : 443, dstPort: dir === 0 ? 443 : 40000,
      serverPort: 443, seq, payload, segmentLength: payload.length, retransmissionOrOutOfOrder: false,
    });
  }
}

describe('unit', function () {
  describe('TLS decryption', function () {
    const secrets: Secrets = { chs: randomBytes(32), shs: randomBytes(32), c0: randomBytes(32), s0: randomBytes(32) };

    it('decrypts a TLS 1.3 session: handshake keys, application keys, KeyUpdate, ALPN, HTTP/1.1', function () {
      const tls = createTlsAnalyzer({ keyLog: keyLogOf(secrets) });
      const frames = runSession(tls, secrets);
      expect(frames[1]!.handshake_types).to.deep.equal([2, 8, 20]);
      expect(frames[1]!.info).to.equal('Server Hello, Encrypted Extensions, Finished');
      expect(frames[1]!.records.map((r) => [r.type, r.opaque])).to.deep.equal([[22, false], [22, false]]);
      expect(frames[2]!.handshake_types).to.deep.equal([20]);
      expect(frames[3]!.app?.http?.request_uri).to.deep.equal(['/a']);
      expect(frames[3]!.info).to.equal('GET /a HTTP/1.1 ');
      expect(frames[4]!.info).to.equal('Key Update');
      expect(frames[5]!.app?.http?.request_uri).to.deep.equal(['/b']);
      expect(frames[6]!.app?.http?.response_code).to.deep.equal([200]);
      expect(frames[6]!.info).to.equal('HTTP/1.1 200 OK  (text/plain)');
      const [summary] = tls.summarize();
      expect(summary!.alpnSelected).to.equal('http/1.1');
      expect(summary!.decryptionNotes).to.deep.equal([]);
      expect(summary!.requests.map((r) => [r.method, r.uri, r.status, r.bytes])).to.deep.equal([['GET', '/a', 200, 20], ['GET', '/b', undefined, 0]]);
    });

    it('without a key log the records stay encrypted and nothing is noted', function () {
      const tls = createTlsAnalyzer();
      const frames = runSession(tls, secrets);
      expect(frames[1]!.info).to.equal('Server Hello, Application Data');
      expect(frames[1]!.records[1]!.opaque).to.equal(true);
      expect(tls.summarize()[0]!.decryptionNotes).to.deep.equal([]);
    });

    it('a key log for another session: one note, the analysis unchanged', function () {
      const other = parseKeyLog([{ text: `CLIENT_RANDOM ${'ab'.repeat(32)} ${'cd'.repeat(48)}`, source: 'other' }]).keyLog;
      const tls = createTlsAnalyzer({ keyLog: other });
      const frames = runSession(tls, secrets);
      expect(frames[1]!.info).to.equal('Server Hello, Application Data');
      expect(tls.summarize()[0]!.decryptionNotes).to.deep.equal([`no key for client random ${CLIENT_RANDOM.slice(0, 16)}…`]);
    });

    it('a wrong secret: the failing record is named once, later ones fail too, nothing throws', function () {
      const wrong = { ...secrets, shs: randomBytes(32) };
      const tls = createTlsAnalyzer({ keyLog: keyLogOf(wrong) });
      const frames = runSession(tls, secrets);
      expect(frames[1]!.info).to.equal('Server Hello, Application Data');
      expect(frames[3]!.info).to.equal('GET /a HTTP/1.1 ');
      expect(tls.summarize()[0]!.decryptionNotes).to.deep.equal(['server record 1 failed authentication (2 records failed)']);
    });

    it('TLS 1.2 key block: AEAD and CBC records round-trip under the derived keys', function () {
      const master = randomBytes(48);
      for (const suite of [0xc02f, 0xc030, 0xcca8, 0xc013, 0xc028, 0xc09c]) {
        const params = cipherParams(suite)!;
        const keys = tls12Keys(params, master, randomBytes(32), randomBytes(32));
        for (const etm of [false, true]) {
          const decryptor = new RecordDecryptor(params, keys.client, etm);
          for (let seq = 0; seq < 3; seq++) {
            const plaintext = randomBytes(100 + seq);
            const { body } = encryptRecord(params, keys.client, seq, 23, 0x0303, plaintext, { encryptThenMac: etm });
            const r = decryptor.decrypt(23, 0x0303, body);
            expect(r.ok, `suite ${suite.toString(16)} etm ${etm}`).to.equal(true);
            if (r.ok) expect(r.plaintext.equals(plaintext)).to.equal(true);
          }
        }
      }
    });

    it('fuzz: the record decryptor returns a result for any body, never throws or hangs', function () {
      const suites = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xc02f, 0xcca8, 0xc013, 0xc028, 0x000a];
      fc.assert(
        fc.property(fc.constantFrom(...suites), fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 20, max: 25 }), fc.boolean(), (suite, body, type, etm) => {
          const params = cipherParams(suite)!;
          const keys = params.tls13
            ? tls13Keys(params, Buffer.alloc(params.prfHash === 'sha256' ? 32 : 48, 1))
            : tls12Keys(params, Buffer.alloc(48, 2), Buffer.alloc(32, 3), Buffer.alloc(32, 4)).server;
          const r = new RecordDecryptor(params, keys, etm).decrypt(type, 0x0303, Buffer.from(body));
          expect(typeof r.ok).to.equal('boolean');
        }),
        { numRuns: 3000 },
      );
    });
  });
});

/** The session of `session()` pushed into `tls`; returns each push's result. */
function runSession(tls: TlsAnalyzer, s: Secrets): (TlsFrameInfo | null)[] {
  const d = new Driver(tls);
  const client = new Sender(s.chs);
  const server = new Sender(s.shs);
  const out: (TlsFrameInfo | null)[] = [];
  out.push(d.send(0, record(22, handshake(1, clientHelloBody([alpnExtension(['h2', 'http/1.1'])], [SUITE])), 0x0301)));
  const alpn = alpnExtension(['http/1.1']);
  const ee = handshake(8, Buffer.concat([Buffer.of(alpn.length >> 8, alpn.length & 0xff), alpn]));
  out.push(
    d.send(1, Buffer.concat([
      record(22, handshake(2, serverHelloBody(SUITE, [tls13ServerVersion]))),
      server.seal(22, Buffer.concat([ee, handshake(20, Buffer.alloc(32, 1))])),
    ])),
  );
  server.rekey(s.s0);
  out.push(d.send(0, client.seal(22, handshake(20, Buffer.alloc(32, 2)))));
  client.rekey(s.c0);
  out.push(d.send(0, client.seal(23, Buffer.from('GET /a HTTP/1.1\r\nHost: lab\r\n\r\n'))));
  out.push(d.send(0, client.seal(22, handshake(24, Buffer.of(0)))));
  client.rekey(tls13NextSecret(PARAMS, s.c0));
  out.push(d.send(0, client.seal(23, Buffer.from('GET /b HTTP/1.1\r\nHost: lab\r\n\r\n'))));
  out.push(d.send(1, server.seal(23, Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n\r\n${'x'.repeat(20)}`))));
  return out;
}
