// Unit tests of the pure TLS parsers in analyzer/decode/tls on hand-built records.
import { expect } from 'chai';
import fc from 'fast-check';
import { decodeAlert, formatAlert } from '../../../analyzer/decode/tls/tls-alert.js';
import { cipherSuiteName } from '../../../analyzer/decode/tls/tls-cipher-suites.js';
import {
  alertDescriptionName,
  handshakeFragmentName,
  handshakeTypeName,
  isKnownHandshakeType,
  tlsVersionName,
} from '../../../analyzer/decode/tls/tls-constants.js';
import { decodeClientHello, decodeServerHello } from '../../../analyzer/decode/tls/tls-hello.js';
import {
  isHeuristicSslv2ClientHello,
  isHeuristicTlsRecordHeader,
  isPlausibleSslv2Message,
  looksLikeSslv2Record,
  looksLikeTlsRecord,
  readSslv2RecordHeader,
  readTlsRecordHeader,
  startsWithPrintableText,
} from '../../../analyzer/decode/tls/tls-record.js';
import {
  alpnExtension,
  clientHelloBody,
  clientSupportedVersions,
  extension,
  serverHelloBody,
  sniExtension,
  sslv2ClientHello,
  tls13ServerVersion,
} from './tls-builders.js';

describe('unit', function () {
  describe('readTlsRecordHeader', function () {
    it('reads type, version and length of a 5-byte header', function () {
      expect(readTlsRecordHeader(Buffer.from('1603010200ff', 'hex'), 0)).to.deep.equal({ type: 22, version: 0x0301, length: 0x200 });
    });
    it('returns undefined when fewer than 5 bytes remain', function () {
      expect(readTlsRecordHeader(Buffer.from('16030102', 'hex'), 0)).to.equal(undefined);
      expect(readTlsRecordHeader(Buffer.from('aa1603010200', 'hex'), 2)).to.equal(undefined);
    });
  });

  describe('readSslv2RecordHeader', function () {
    it('reads the 2-byte form (bit 7 set, 15-bit length)', function () {
      expect(readSslv2RecordHeader(Buffer.from('803b01', 'hex'), 0)).to.deep.equal({ headerLength: 2, length: 59 });
    });
    it('reads the 3-byte form (14-bit length and padding byte)', function () {
      expect(readSslv2RecordHeader(Buffer.from('4010ff', 'hex'), 0)).to.deep.equal({ headerLength: 3, length: 16 });
    });
    it('returns undefined for a header cut short', function () {
      expect(readSslv2RecordHeader(Buffer.from('40', 'hex'), 0)).to.equal(undefined);
    });
  });

  describe('record recognition', function () {
    it('accepts handshake and application-data headers with SSLv3–TLS 1.2 versions in the heuristic', function () {
      expect(isHeuristicTlsRecordHeader(Buffer.from('1603010005', 'hex'))).to.equal(true);
      expect(isHeuristicTlsRecordHeader(Buffer.from('1703030040', 'hex'))).to.equal(true);
    });
    it('refuses alerts, version 0x0304, zero and oversized lengths in the heuristic', function () {
      expect(isHeuristicTlsRecordHeader(Buffer.from('1503030002', 'hex'))).to.equal(false);
      expect(isHeuristicTlsRecordHeader(Buffer.from('1703040040', 'hex'))).to.equal(false);
      expect(isHeuristicTlsRecordHeader(Buffer.from('1603030000', 'hex'))).to.equal(false);
      expect(isHeuristicTlsRecordHeader(Buffer.from('1603034800', 'hex'))).to.equal(false);
    });
    it('recognises an SSLv2-format ClientHello in the heuristic', function () {
      expect(isHeuristicSslv2ClientHello(sslv2ClientHello())).to.equal(true);
      const bad = Buffer.from(sslv2ClientHello());
      bad.writeUInt16BE(31, 9); // challenge length must be 32
      expect(isHeuristicSslv2ClientHello(bad)).to.equal(false);
    });
    it('tells SSLv2 and SSLv3/TLS record starts apart as tshark does', function () {
      expect(looksLikeSslv2Record(Buffer.from('802001', 'hex'), 0)).to.equal(true);
      expect(looksLikeSslv2Record(Buffer.from('802003', 'hex'), 0)).to.equal(false);
      expect(looksLikeTlsRecord(Buffer.from('170304', 'hex'), 0)).to.equal(true);
      expect(looksLikeTlsRecord(Buffer.from('300303', 'hex'), 0)).to.equal(false);
    });
    it('checks SSLv2 message plausibility by its version field', function () {
      expect(isPlausibleSslv2Message(sslv2ClientHello().subarray(2))).to.equal(true);
      expect(isPlausibleSslv2Message(Buffer.from('01abcd', 'hex'))).to.equal(false);
    });
    it('detects four printable ASCII bytes only when at least five bytes are present', function () {
      expect(startsWithPrintableText(Buffer.from('GET / HTTP/1.1'))).to.equal(true);
      expect(startsWithPrintableText(Buffer.from('GET '))).to.equal(false);
      expect(startsWithPrintableText(Buffer.from('1603010005', 'hex'))).to.equal(false);
    });
  });

  describe('decodeClientHello', function () {
    it('reads version, suites, SNI, ALPN, supported_versions, early_data and key_share', function () {
      const body = clientHelloBody([
        sniExtension('www.example.test'),
        alpnExtension(['h2', 'http/1.1']),
        clientSupportedVersions([0x0304, 0x0303]),
        extension(42, Buffer.alloc(0)),
        extension(51, Buffer.from('0000', 'hex')),
      ]);
      const hello = decodeClientHello(body);
      expect(hello).to.include({ legacyVersion: 0x0303, earlyData: true, keyShare: true, complete: true });
      expect(hello?.cipherSuites).to.deep.equal([0x1301, 0xc02f]);
      expect(hello?.serverNames).to.deep.equal(['www.example.test']);
      expect(hello?.alpn).to.deep.equal(['h2', 'http/1.1']);
      expect(hello?.supportedVersions).to.deep.equal([0x0304, 0x0303]);
    });
    it('keeps what it read and reports incomplete when the body is cut, without throwing', function () {
      const body = clientHelloBody([sniExtension('a.test')]);
      const hello = decodeClientHello(body.subarray(0, body.length - 3));
      expect(hello?.complete).to.equal(false);
      expect(hello?.legacyVersion).to.equal(0x0303);
      expect(decodeClientHello(Buffer.from([3]))).to.equal(undefined);
    });
    it('never throws on arbitrary bytes', function () {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          decodeClientHello(Buffer.from(bytes));
          decodeServerHello(Buffer.from(bytes));
        }),
      );
    });
  });

  describe('decodeServerHello', function () {
    it('takes the negotiated version from supported_versions and keeps the raw list', function () {
      const hello = decodeServerHello(serverHelloBody(0x1302, [tls13ServerVersion]));
      expect(hello).to.include({ cipherSuite: 0x1302, negotiatedVersion: 0x0304, helloRetryRequest: false });
      expect(hello?.supportedVersions).to.deep.equal([0x0304]);
    });
    it('detects a HelloRetryRequest by its special random', function () {
      expect(decodeServerHello(serverHelloBody(0x1302, [tls13ServerVersion], true))?.helloRetryRequest).to.equal(true);
    });
    it('uses legacy_version and reads the selected ALPN of a TLS 1.2 ServerHello', function () {
      const hello = decodeServerHello(serverHelloBody(0xc030, [alpnExtension(['http/1.1'])]));
      expect(hello?.negotiatedVersion).to.equal(0x0303);
      expect(hello?.alpn).to.deep.equal(['http/1.1']);
    });
  });

  describe('alerts and names', function () {
    it('decodes a 2-byte alert and formats it as tshark', function () {
      const alert = decodeAlert(Buffer.from([2, 48]));
      expect(alert).to.deep.equal({ level: 2, description: 48 });
      expect(formatAlert(alert!)).to.equal('Alert (Level: Fatal, Description: Unknown CA)');
    });
    it('treats any other alert body length as encrypted', function () {
      expect(decodeAlert(Buffer.alloc(26))).to.equal(undefined);
    });
    it('names cipher suites by IANA and unknown ones as hex', function () {
      expect(cipherSuiteName(0x1301)).to.equal('TLS_AES_128_GCM_SHA256');
      expect(cipherSuiteName(0xc02b)).to.equal('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
      expect(cipherSuiteName(0xcca9)).to.equal('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
      expect(cipherSuiteName(0x0004)).to.equal('TLS_RSA_WITH_RC4_128_MD5');
      expect(cipherSuiteName(0x002f)).to.equal('TLS_RSA_WITH_AES_128_CBC_SHA');
      expect(cipherSuiteName(0x0035)).to.equal('TLS_RSA_WITH_AES_256_CBC_SHA');
      expect(cipherSuiteName(0x0a0a)).to.equal('0x0a0a');
    });
    it('names versions, handshake types and alert descriptions as tshark 4.0.17', function () {
      expect([0x0002, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304].map(tlsVersionName)).to.deep.equal([
        'SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3',
      ]);
      expect(tlsVersionName(0x7f1c)).to.equal('TLS 1.3 (draft 28)');
      expect(handshakeTypeName(14)).to.equal('Server Hello Done');
      expect(handshakeTypeName(67)).to.equal('Encrypted Extensions');
      expect(handshakeTypeName(7)).to.equal(undefined);
      expect(isKnownHandshakeType(25)).to.equal(true);
      expect(handshakeFragmentName(11)).to.equal('[Certificate Fragment]');
      expect(alertDescriptionName(40)).to.equal('Handshake Failure');
      expect(alertDescriptionName(200)).to.equal('Unknown');
    });
  });
});
