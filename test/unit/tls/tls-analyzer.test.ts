// Unit tests of the TLS analyzer's rules (spec/tls-analysis.md) on hand-built TCP segments.
import { expect } from 'chai';
import fc from 'fast-check';
import { createTlsAnalyzer } from '../../../analyzer/analysis/tls/tls-analyzer.js';
import type { TlsAnalyzer, TlsFrameInfo, TlsSegmentInput } from '../../../analyzer/analysis/tls/tls-analyzer.js';
import {
  alpnExtension,
  clientHelloBody,
  clientHelloRecord,
  clientSupportedVersions,
  extension,
  handshake,
  record,
  serverHelloBody,
  sniExtension,
  sslv2ClientHello,
  tls13ServerVersion,
} from './tls-builders.js';

const CLIENT_ISN = 1000;
const SERVER_ISN = 900_000;

/** Drives one TCP stream: keeps frame numbers and per-direction sequence numbers. */
class StreamDriver {
  frame = 0;
  readonly next: [number, number] = [CLIENT_ISN, SERVER_ISN];
  constructor(
    readonly tls: TlsAnalyzer,
    readonly clientPort: number,
    readonly serverPort: number,
    readonly synSeen = true,
    readonly stream = 0,
  ) {}

  /**
   * Sends `payload` from `dir` (0 client, 1 server); `seq` overrides the next sequence number. `flagged`: TCP
   * flagged it retransmission (or spurious retransmission); `outOfOrder`: flagged out_of_order.
   */
  send(dir: 0 | 1, payload: Buffer, opts: { seq?: number; flagged?: boolean; outOfOrder?: boolean } = {}): TlsFrameInfo | null {
    this.frame++;
    const seq = opts.seq ?? this.next[dir];
    const end = seq + payload.length;
    if (end > this.next[dir]) this.next[dir] = end;
    const input: TlsSegmentInput = {
      frame: this.frame,
      stream: this.stream,
      direction: dir,
      srcPort: dir === 0 ? this.clientPort : this.serverPort,
      dstPort: dir === 0 ? this.serverPort : this.clientPort,
      serverPort: this.synSeen ? this.serverPort : undefined,
      seq,
      payload,
      segmentLength: payload.length,
      retransmissionOrOutOfOrder: (opts.flagged ?? false) || (opts.outOfOrder ?? false),
      outOfOrder: opts.outOfOrder ?? false,
    };
    return this.tls.push(input);
  }
}

function json(info: TlsFrameInfo | null): unknown {
  return info === null ? null : JSON.parse(JSON.stringify(info));
}

function appData(length: number, fill = 0xab): Buffer {
  return record(23, Buffer.alloc(length, fill));
}

describe('unit', function () {
  describe('createTlsAnalyzer', function () {
    it('serialises a ClientHello frame exactly like the oracle tls object', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const ch = clientHelloRecord([sniExtension('www.example.test'), alpnExtension(['h2']), clientSupportedVersions([0x0304, 0x0303])]);
      const info = d.send(0, ch);
      expect(json(info)).to.deep.equal({
        records: [{ type: 22, version: 0x0301, length: ch.length - 5, opaque: false, handshake_types: [1] }],
        content_types: [22],
        handshake_types: [1],
        cipher_suite: null,
        version: null,
        client_version: 0x0303,
        supported_versions: [0x0304, 0x0303],
        sni: 'www.example.test',
        alpn: ['h2'],
        alerts: [],
      });
      expect(info?.info).to.equal('Client Hello');
    });

    it('keeps a split 5-byte header pending and reports the record on the segment that completes it', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const ch = clientHelloRecord();
      expect(d.send(0, ch.subarray(0, 3))).to.equal(null);
      expect(d.send(0, ch.subarray(3, 5))).to.equal(null);
      expect(d.send(0, ch.subarray(5))?.handshake_types).to.deep.equal([1]);
    });

    it('reports a record sent in 1-byte segments on its last byte', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const rec = record(23, Buffer.from([1]));
      const results = [...rec].map((b) => d.send(0, Buffer.from([b])));
      expect(results.slice(0, -1)).to.deep.equal([null, null, null, null, null]);
      expect(results.at(-1)?.content_types).to.deep.equal([23]);
    });

    it('reports every whole record of one segment in wire order', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      d.send(0, clientHelloRecord());
      const sh = record(22, handshake(2, serverHelloBody(0xc030)));
      const info = d.send(1, Buffer.concat([sh, record(22, handshake(11, Buffer.alloc(40, 1))), record(22, handshake(14, Buffer.alloc(0)))]));
      expect(info?.handshake_types).to.deep.equal([2, 11, 14]);
      expect(info?.cipher_suite).to.equal(0xc030);
      expect(info?.version).to.equal(0x0303);
      expect(info?.info).to.equal('Server Hello, Certificate, Server Hello Done');
    });

    it('reports a spanning record on its last segment together with the records after it', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const big = appData(3000);
      const bytes = Buffer.concat([big, appData(50), Buffer.from([23, 3, 3])]);
      expect(d.send(1, bytes.subarray(0, 1000))).to.equal(null);
      expect(d.send(1, bytes.subarray(1000, 2000))).to.equal(null);
      const last = d.send(1, bytes.subarray(2000));
      expect(last?.records.map((r) => r.length)).to.deep.equal([3000, 50]);
      expect(last?.info).to.equal('Application Data, Application Data');
      // The 3 trailing header bytes stay pending until the rest of that record arrives.
      expect(d.send(1, Buffer.from([0, 1, 0x42]))?.records.map((r) => r.length)).to.deep.equal([1]);
    });

    it('drops retransmitted segments: a duplicate of a delivered record reports nothing', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const rec = appData(100);
      expect(d.send(1, rec)?.content_types).to.deep.equal([23]);
      expect(d.send(1, rec, { seq: SERVER_ISN, flagged: true })).to.equal(null);
    });

    it('never completes a record with a hole, and reports the next record that starts a segment', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const rec = appData(2995);
      expect(d.send(1, rec.subarray(0, 1000))).to.equal(null);
      expect(d.send(1, rec.subarray(2000), { seq: SERVER_ISN + 2000 })).to.equal(null);
      expect(d.send(1, rec.subarray(1000, 2000), { seq: SERVER_ISN + 1000, flagged: true })).to.equal(null);
      expect(d.send(1, appData(10))?.records.map((r) => r.length)).to.deep.equal([10]);
    });

    it('hands the bytes after a pending record to TLS as a new buffer even when the record has a hole', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const rec = appData(2995);
      d.send(1, rec.subarray(0, 1000));
      // The middle segment is lost; this one ends the record and carries a whole next record.
      const info = d.send(1, Buffer.concat([rec.subarray(2000), appData(20)]), { seq: SERVER_ISN + 2000 });
      expect(info?.records.map((r) => r.length)).to.deep.equal([20]);
    });

    it('completes a record on the fast retransmission that fills its hole, then parses the rest of it', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const rec = appData(2995);
      const bytes = Buffer.concat([rec, appData(20)]);
      d.send(1, bytes.subarray(0, 1000));
      // The middle segment was lost before the capture point: the last one ends the record and carries another.
      expect(d.send(1, bytes.subarray(2000), { seq: SERVER_ISN + 2000 })?.records.map((r) => r.length)).to.deep.equal([20]);
      // A fast retransmission is not flagged retransmission for tshark's subdissector check.
      const info = d.send(1, bytes.subarray(1000, 3025), { seq: SERVER_ISN + 1000 });
      expect(info?.records.map((r) => r.length)).to.deep.equal([2995, 20]);
    });

    it('never stores a retransmitted segment: the hole it would fill stays open', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const rec = appData(3995);
      d.send(1, rec.subarray(0, 1000));
      d.send(1, rec.subarray(2000, 3000), { seq: SERVER_ISN + 2000 });
      expect(d.send(1, rec.subarray(1000, 2000), { seq: SERVER_ISN + 1000, flagged: true })).to.equal(null);
      expect(d.send(1, rec.subarray(3000), { seq: SERVER_ISN + 3000 })).to.equal(null);
    });

    it('stores an out-of-order segment: the record is reported on the later segment that completes it', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const rec = appData(3995);
      d.send(1, rec.subarray(0, 1000));
      d.send(1, rec.subarray(2000, 3000), { seq: SERVER_ISN + 2000 });
      expect(d.send(1, rec.subarray(1000, 2000), { seq: SERVER_ISN + 1000, outOfOrder: true })).to.equal(null);
      expect(d.send(1, rec.subarray(3000), { seq: SERVER_ISN + 3000 })?.records.map((r) => r.length)).to.deep.equal([3995]);
    });

    it('loses a record that an out-of-order segment completes', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const bytes = Buffer.concat([appData(2995), appData(20)]);
      d.send(1, bytes.subarray(0, 1000));
      d.send(1, bytes.subarray(2000), { seq: SERVER_ISN + 2000 });
      expect(d.send(1, bytes.subarray(1000, 2000), { seq: SERVER_ISN + 1000, outOfOrder: true })).to.equal(null);
      expect(d.send(1, appData(30))?.records.map((r) => r.length)).to.deep.equal([30]);
    });

    it('ignores a copy that starts where a reassembled record starts, and everything after it in the segment', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const bytes = Buffer.concat([appData(2995), appData(20)]);
      d.send(1, bytes.subarray(0, 1000));
      expect(d.send(1, bytes.subarray(1000))?.records.map((r) => r.length)).to.deep.equal([2995, 20]);
      expect(d.send(1, bytes, { seq: SERVER_ISN })).to.equal(null);
    });

    it('swallows a copy that lands inside a reassembled record, with the rest of the segment', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const bytes = Buffer.concat([appData(2995), appData(20)]);
      d.send(1, bytes.subarray(0, 1000));
      d.send(1, bytes.subarray(1000));
      expect(d.send(1, bytes.subarray(500), { seq: SERVER_ISN + 500 })).to.equal(null);
      expect(d.send(1, appData(30))?.records.map((r) => r.length)).to.deep.equal([30]);
    });

    it('keeps filling an older record after a newer one began past its end', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const bytes = Buffer.concat([appData(2995), appData(1995)]);
      d.send(1, bytes.subarray(0, 1000));
      // The record's middle is missing; this segment ends it and begins the next one.
      expect(d.send(1, bytes.subarray(2000, 4000), { seq: SERVER_ISN + 2000 })).to.equal(null);
      // A copy of the first segment is ignored (a record starts there); it does not replace the newer record.
      expect(d.send(1, bytes.subarray(0, 1000), { seq: SERVER_ISN })).to.equal(null);
      expect(d.send(1, bytes.subarray(1000, 2000), { seq: SERVER_ISN + 1000 })?.records.map((r) => r.length)).to.deep.equal([2995]);
      expect(d.send(1, bytes.subarray(4000), { seq: SERVER_ISN + 4000 })?.records.map((r) => r.length)).to.deep.equal([1995]);
    });

    it('reports a reassembled application-data record of an unknown-version session by its full bytes', function () {
      // Mid-stream start on port 443: the first record sets the version only once it is complete (spec §4.1).
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443, false);
      const rec = appData(4000);
      expect(d.send(1, rec.subarray(0, 1448))).to.equal(null);
      expect(d.send(1, rec.subarray(1448, 2896))).to.equal(null);
      const info = d.send(1, Buffer.concat([rec.subarray(2896), appData(16_000).subarray(0, 100)]));
      expect(info?.records).to.deep.equal([{ type: 23, version: 0x0303, length: 4000, opaque: false, handshake_types: [] }]);
      expect(info?.info).to.equal('Application Data');
      // Now TLS 1.2 is known: the next record's body is tracked by position only, with the same result.
      const rest = appData(16_000).subarray(100); // 15 905 bytes: ten full segments and 1 425 bytes
      for (let i = 0; i < 10; i++) expect(d.send(1, rest.subarray(i * 1448, (i + 1) * 1448))).to.equal(null);
      expect(d.send(1, rest.subarray(10 * 1448))?.records.map((r) => r.length)).to.deep.equal([16_000]);
    });

    it('names a HelloRetryRequest but reports its type as 2, with its suite and version', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      d.send(0, clientHelloRecord([clientSupportedVersions([0x0304])]));
      const hrr = record(22, handshake(2, serverHelloBody(0x1302, [tls13ServerVersion], true)));
      const info = d.send(1, Buffer.concat([hrr, record(20, Buffer.from([1]))]));
      expect(info?.handshake_types).to.deep.equal([2]);
      expect(info?.info).to.equal('Hello Retry Request, Change Cipher Spec');
      expect([info?.cipher_suite, info?.version, info?.supported_versions]).to.deep.equal([0x1302, 0x0304, [0x0304]]);
      // A CCS in a TLS 1.3 session does not make the next ServerHello look encrypted.
      d.send(0, Buffer.concat([record(20, Buffer.from([1])), clientHelloRecord()]));
      const sh = d.send(1, record(22, handshake(2, serverHelloBody(0x1302, [tls13ServerVersion]))));
      expect(sh?.handshake_types).to.deep.equal([2]);
    });

    it('marks application data after a TLS 1.3 ServerHello as opaque, also later in the same frame', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      d.send(0, clientHelloRecord());
      const sh = record(22, handshake(2, serverHelloBody(0x1301, [tls13ServerVersion])));
      const info = d.send(1, Buffer.concat([sh, record(20, Buffer.from([1])), appData(40)]));
      expect(info?.records.map((r) => r.opaque)).to.deep.equal([false, false, true]);
      expect(info?.info).to.equal('Server Hello, Change Cipher Spec, Application Data');
    });

    it('treats a ClientHello with early_data as TLS 1.3: its 0-RTT record is opaque', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const info = d.send(0, Buffer.concat([clientHelloRecord([extension(42, Buffer.alloc(0))]), appData(30)]));
      expect(info?.records.map((r) => r.opaque)).to.deep.equal([false, true]);
    });

    it('guesses encrypted handshake records: zero nonce after CCS in the same frame, anything after a CCS frame', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      d.send(0, clientHelloRecord());
      d.send(1, record(22, handshake(2, serverHelloBody(0xc02f))));
      const finished = record(22, Buffer.concat([Buffer.alloc(8), Buffer.alloc(32, 0x55)]));
      const cke = record(22, handshake(16, Buffer.alloc(33, 4)));
      const info = d.send(0, Buffer.concat([cke, record(20, Buffer.from([1])), finished]));
      expect(info?.info).to.equal('Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message');
      expect(info?.handshake_types).to.deep.equal([16]);
      const later = d.send(0, record(22, handshake(11, Buffer.alloc(40, 1))));
      expect(later?.info).to.equal('Encrypted Handshake Message');
      expect(later?.handshake_types).to.deep.equal([]);
    });

    it('reassembles a handshake message split over records and reports it on the completing record', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      d.send(0, clientHelloRecord());
      const sh = handshake(2, serverHelloBody(0xc02f));
      const cert = handshake(11, Buffer.alloc(900, 0x30));
      const first = d.send(1, Buffer.concat([record(22, Buffer.concat([sh, cert.subarray(0, 100)])), record(22, cert.subarray(100, 500))]));
      expect(first?.records.map((r) => r.handshake_types)).to.deep.equal([[2], []]);
      expect(first?.info).to.equal('Server Hello');
      const second = d.send(1, record(22, Buffer.concat([cert.subarray(500), handshake(14, Buffer.alloc(0))])));
      expect(second?.handshake_types).to.deep.equal([11, 14]);
      expect(second?.info).to.equal('Certificate, Server Hello Done');
    });

    it('shows a first-position fragment as [Certificate Fragment]', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const info = d.send(1, record(22, handshake(11, Buffer.alloc(900)).subarray(0, 100)));
      expect(info?.info).to.equal('[Certificate Fragment]');
      expect(info?.handshake_types).to.deep.equal([]);
    });

    it('reports plaintext and encrypted alerts', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const info = d.send(0, Buffer.concat([record(21, Buffer.from([2, 48])), record(21, Buffer.alloc(26, 1))]));
      expect(info?.alerts).to.deep.equal([{ level: 2, desc: 48 }, { level: null, desc: null }]);
      expect(info?.info).to.equal('Alert (Level: Fatal, Description: Unknown CA), Encrypted Alert');
    });

    it('reports an SSLv2 ClientHello with null type, version 2 and handshake type 1', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const hello = sslv2ClientHello();
      const info = d.send(0, hello);
      expect(json(info)).to.deep.include({
        records: [{ type: null, version: 2, length: hello.length - 2, opaque: false, handshake_types: [1] }],
        content_types: [null],
        handshake_types: [1],
        client_version: null,
      });
    });

    it('accepts an unknown port by heuristic only from a segment that starts with a record header', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40032, 41000, false);
      expect(d.send(1, Buffer.alloc(200, 0x9f))).to.equal(null);
      expect(d.send(1, appData(30))?.content_types).to.deep.equal([23]);
      // From then on TLS is the conversation's dissector in both directions.
      expect(d.send(0, record(21, Buffer.from([1, 0])))?.alerts).to.deep.equal([{ level: 1, desc: 0 }]);
    });

    it('refuses a first record that is an alert or has version 0x0304 in the heuristic', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40034, 41000, false);
      expect(d.send(1, record(21, Buffer.from([2, 40])))).to.equal(null);
      expect(d.send(1, record(23, Buffer.alloc(20), 0x0304))).to.equal(null);
    });

    it('finds an SSLv2 ClientHello by heuristic on an unknown port', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 41000);
      expect(d.send(0, sslv2ClientHello())?.handshake_types).to.deep.equal([1]);
    });

    it('shows no TLS on an HTTP port, even when the client port is a TLS port', function () {
      expect(new StreamDriver(createTlsAnalyzer(), 40000, 8080).send(0, clientHelloRecord())).to.equal(null);
      expect(new StreamDriver(createTlsAnalyzer(), 8080, 41000, false).send(0, clientHelloRecord())).to.equal(null);
      expect(new StreamDriver(createTlsAnalyzer(), 443, 8080).send(0, clientHelloRecord())).to.equal(null);
    });

    it('makes a conversation TLS when the client port is a TLS port', function () {
      expect(new StreamDriver(createTlsAnalyzer(), 993, 41000).send(1, clientHelloRecord())?.handshake_types).to.deep.equal([1]);
    });

    it('refuses a buffer whose first four bytes are printable, also on port 443', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      expect(d.send(0, Buffer.from('GET / HTTP/1.1\r\n\r\n'))).to.equal(null);
    });

    it('ignores an unknown record type in a TLS 1.2 session, with the rest of the segment', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      d.send(0, clientHelloRecord());
      d.send(1, record(22, handshake(2, serverHelloBody(0xc02f))));
      expect(d.send(1, Buffer.concat([record(0x30, Buffer.alloc(4)), appData(10)]))).to.equal(null);
      expect(d.send(1, appData(10))?.content_types).to.deep.equal([23]);
    });

    it('reports a zero-length record at the end of a segment and marks the frame malformed', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const info = d.send(1, record(23, Buffer.alloc(0)));
      expect(info?.records.map((r) => r.length)).to.deep.equal([0]);
      expect(info?.malformed).to.equal(true);
    });

    it('switches an SMTP conversation to TLS on the frame after the 220 reply to STARTTLS', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 25);
      expect(d.send(1, Buffer.from('220 mail.example.test ESMTP\r\n'))).to.equal(null);
      expect(d.send(0, Buffer.from('STARTTLS\r\n'))).to.equal(null);
      expect(d.send(1, Buffer.from('220 2.0.0 Ready to start TLS\r\n'))).to.equal(null);
      expect(d.send(0, clientHelloRecord())?.handshake_types).to.deep.equal([1]);
    });

    it('starts fresh TLS state for a new stream number', function () {
      const tls = createTlsAnalyzer();
      const a = new StreamDriver(tls, 40000, 443, true, 0);
      a.send(0, clientHelloRecord());
      a.send(1, record(22, handshake(2, serverHelloBody(0x1301, [tls13ServerVersion]))));
      expect(a.send(1, appData(10))?.records[0]?.opaque).to.equal(true);
      const b = new StreamDriver(tls, 40000, 443, true, 1);
      expect(b.send(1, appData(10))?.records[0]?.opaque).to.equal(false);
    });

    it('swallows data into a bogus 65535-byte record and reports it once complete, as tshark does', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      d.send(1, Buffer.concat([Buffer.from([23, 3, 3, 0xff, 0xff]), Buffer.alloc(100)]));
      const reported: number[][] = [];
      for (let i = 0; i < 60; i++) {
        const info = d.send(1, Buffer.alloc(1400, 0x9f));
        if (info !== null) reported.push(info.records.map((r) => r.length ?? -1));
      }
      expect(reported).to.deep.equal([[65535]]);
    });

    it('summarises each TLS stream for the conversation report', function () {
      const tls = createTlsAnalyzer();
      const d = new StreamDriver(tls, 40000, 443);
      d.send(0, clientHelloRecord([sniExtension('www.example.test'), alpnExtension(['h2', 'http/1.1'])]));
      d.send(1, Buffer.concat([record(22, handshake(2, serverHelloBody(0xc030, [alpnExtension(['http/1.1'])])))]));
      d.send(0, Buffer.concat([record(20, Buffer.from([1])), record(22, Buffer.alloc(40))]));
      d.send(1, record(21, Buffer.from([2, 40])));
      expect(tls.summarize()).to.deep.equal([
        {
          stream: 0,
          version: 0x0303,
          versionName: 'TLS 1.2',
          cipherSuite: 0xc030,
          cipherSuiteName: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
          sni: 'www.example.test',
          alpnOffered: ['h2', 'http/1.1'],
          suitesOffered: [0x1301, 0xc02f],
          resumed: false,
          alpnSelected: 'http/1.1',
          alerts: [{ frame: 4, direction: 1, level: 2, desc: 40, text: 'Alert (Level: Fatal, Description: Handshake Failure)' }],
          clientDirection: 0,
          clientHelloFrame: 1,
          helloRetryRequestFrame: undefined,
          serverHelloFrame: 2,
          changeCipherSpecFrames: [3, undefined],
          encryptedHandshakeFrames: [3, undefined],
          decrypted: false,
          decryptionNotes: [],
          requests: [],
          decryptedChunks: [],
          firstDecryptedSide: undefined,
        },
      ]);
    });

    it('never throws on arbitrary segments in either direction', function () {
      fc.assert(
        fc.property(
          fc.array(fc.record({ dir: fc.constantFrom<0 | 1>(0, 1), bytes: fc.uint8Array({ minLength: 1, maxLength: 200 }), skip: fc.nat(50) }), { maxLength: 30 }),
          (segments) => {
            const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
            for (const s of segments) {
              d.send(s.dir, Buffer.from(s.bytes), { seq: d.next[s.dir] + s.skip });
            }
          },
        ),
      );
    });

    it('does not count client_version from a ClientHello body built without extensions as malformed', function () {
      const d = new StreamDriver(createTlsAnalyzer(), 40000, 443);
      const info = d.send(0, record(22, handshake(1, clientHelloBody())));
      expect(info?.client_version).to.equal(0x0303);
      expect(info?.malformed).to.equal(false);
    });
  });
});
