/**
 * The request expectations (http, requests, sameConnection, before with request names) on a real
 * decrypted capture: the harness's lab-report run with its key log (page and media on stream 0, the
 * spare stream 1 carries none), and the same capture without keys, where they fail and say why.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { analyzeCapture } from '../../../../analyzer/analyze-capture.js';
import type { Analysis } from '../../../../analyzer/analysis-result.js';
import { parseKeyLog } from '../../../../analyzer/keys/key-log.js';
import { before as happensBefore, exactly, http, requests, sameConnection } from '../../../../harness/scenario/expect.js';

const BASE = fileURLToPath(new URL('../../../fixtures/captures/tls-decrypt/harness-lab-report', import.meta.url));

describe('unit', () => {
  describe('request expectations on a decrypted capture', () => {
    let decrypted: Analysis;
    let encrypted: Analysis;
    before(async () => {
      const { keyLog } = parseKeyLog([{ text: readFileSync(`${BASE}.keys`, 'utf8'), source: 'harness-lab-report.keys' }]);
      decrypted = await analyzeCapture(`${BASE}.pcapng`, { keyLog });
      encrypted = await analyzeCapture(`${BASE}.pcapng`, { captureSecrets: false });
    });

    it('http() finds a request on some connection, in a stream, and on none', () => {
      expect(http('GET /media/video.mp4').evaluate(decrypted)).to.deep.include({ ok: true, frames: [219] });
      expect(http('GET /', 0).evaluate(decrypted)).to.deep.include({ ok: true, frames: [22] });
      expect(http('GET /', 1).evaluate(decrypted)).to.include({ ok: false, found: 'stream 1: no request' });
      expect(http('GET /favicon.ico', 'none').evaluate(decrypted).ok).to.equal(true);
      expect(http('GET /', 'every').evaluate(decrypted).ok).to.equal(false);
    });

    it('requests() counts per stream, in all, and on the idle spare of the dual connection', () => {
      expect(requests(0, exactly(4)).evaluate(decrypted)).to.include({ ok: true });
      expect(requests('all', exactly(4)).evaluate(decrypted).ok).to.equal(true);
      expect(requests('spare', exactly(0)).evaluate(decrypted)).to.include({ ok: true, found: '0 (stream 1: no request)' });
    });

    it('sameConnection() names the stream that carried the page and its media', () => {
      const outcome = sameConnection('GET /', 'GET /media/image.jpg', 'GET /media/audio.mp3', 'GET /media/video.mp4').evaluate(decrypted);
      expect(outcome).to.include({ ok: true, found: 'stream 0' });
    });

    it('before() orders requests by the frames that completed them', () => {
      expect(happensBefore('GET /', 'GET /media/image.jpg').evaluate(decrypted)).to.include({ ok: true, found: 'first GET / at frame 22, first GET /media/image.jpg at frame 25' });
      expect(happensBefore('GET /media/image.jpg', 'GET /').evaluate(decrypted).ok).to.equal(false);
    });

    it('without keys the request expectations fail and say nothing was decrypted', () => {
      const outcome = http('GET /').evaluate(encrypted);
      expect(outcome.ok).to.equal(false);
      expect(outcome.found).to.include('nothing was decrypted');
      expect(requests('all', exactly(0)).evaluate(encrypted).ok).to.equal(true);
    });

    it('rejects what is no request name', () => {
      expect(() => http('video.mp4' as never)).to.throw(`http(): "video.mp4" is no request: write the method and the path, e.g. 'GET /media/video.mp4'`);
      expect(() => sameConnection('GET /')).to.throw('sameConnection(): name at least two requests');
    });
  });
});
