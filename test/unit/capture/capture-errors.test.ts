import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../../analyzer/capture/open-capture.js';
import { CaptureFormatError } from '../../../analyzer/errors.js';
import { errorFixtures } from './make-error-fixtures.js';

const DIR = fileURLToPath(new URL('../../fixtures/capture-errors/', import.meta.url));

/** name → [frames delivered before the error, offset, message after "name: "]. */
const EXPECTED: Record<string, [number, number | undefined, string]> = {
  'empty.pcap': [0, 0, 'empty file; expected a pcap or pcapng header'],
  'elf-magic.pcap': [0, 0, 'unknown magic 0x7f454c46 at offset 0; expected pcap (0xa1b2c3d4/0xa1b23c4d, either byte order) or pcapng (0x0a0d0d0a)'],
  'truncated-header.pcap': [0, 0, 'truncated pcap file header at offset 0: 10 of 24 bytes'],
  'truncated-record.pcap': [1, 100, 'truncated record at offset 100: 46 of 76 bytes'],
  'huge-caplen.pcap': [0, 24, 'record at offset 24 claims 4294967295 captured bytes, more than the 262144-byte limit'],
  'garbage-tail.pcap': [2, 176, 'record at offset 176 claims 1651663207 captured bytes, more than the 262144-byte limit'],
  'bad-block-length.pcapng': [1, 140, 'enhanced packet block at offset 140 has length 42, not a multiple of 4'],
  'trailer-mismatch.pcapng': [1, 140, 'name resolution block at offset 140 ends with length 24, expected 20 as at its start'],
  'undefined-interface.pcapng': [1, 140, 'enhanced packet block at offset 140 references interface 5, but this section defines only 1 interface'],
  'truncated.pcap.gz': [0, undefined, 'corrupt gzip stream: unexpected end of file'],
};

describe('unit', () => {
  describe('readCapture: damaged fixtures', () => {
    it('has one expectation per fixture, and the fixtures match their generator', () => {
      const generated = errorFixtures();
      expect(Object.keys(generated).sort()).to.deep.equal(Object.keys(EXPECTED).sort());
      for (const [name, bytes] of Object.entries(generated)) expect(readFileSync(DIR + name).equals(bytes), name).to.equal(true);
    });

    for (const [name, [before, offset, message]] of Object.entries(EXPECTED)) {
      it(`reports ${name} with its offset after ${before} frame(s)`, async () => {
        let frames = 0;
        let error: unknown;
        try {
          for await (const batch of readCapture(DIR + name, { name }).batches()) frames += batch.length;
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(CaptureFormatError);
        expect((error as CaptureFormatError).code).to.equal('ERR_CAPTURE_FORMAT');
        expect((error as CaptureFormatError).message).to.equal(`${name}: ${message}`);
        expect((error as CaptureFormatError).offset).to.equal(offset);
        expect(frames).to.equal(before);
      });
    }
  });
});
