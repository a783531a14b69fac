import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readCapture, readCaptureFile } from '../../../analyzer/capture/open-capture.js';
import { CaptureFormatError, ConfigError, FileNotFoundError } from '../../../analyzer/errors.js';
import { formatEpoch } from '../../../analyzer/report/frame-record.js';
import type { Frame } from '../../../analyzer/packet/frame.js';
import { handPcap, payload } from './capture-bytes.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CAPTURES = path.join(ROOT, 'test/fixtures/captures');

/** Every capture under test/fixtures/captures/<group>/ that has a tshark oracle. */
function fixtureCaptures(): string[] {
  const out: string[] = [];
  for (const group of readdirSync(CAPTURES).sort()) {
    for (const name of readdirSync(path.join(CAPTURES, group)).sort()) {
      if (name.endsWith('.oracle.jsonl')) out.push(path.join(CAPTURES, group, name.slice(0, -'.oracle.jsonl'.length)));
    }
  }
  return out;
}

/**
 * Bytes of pcap pseudo-header Wireshark strips from frame_len/cap_len (pcap-common.c); our Frames keep
 * the record as stored, e.g. LINKTYPE_PPP_WITH_DIR's direction byte.
 */
const PSEUDO_HEADER_BYTES: Readonly<Record<number, number>> = { 204: 1, 205: 1, 206: 1, 207: 1 };

async function collect(source: AsyncIterable<Frame>): Promise<{ frames: Frame[]; error: unknown }> {
  const frames: Frame[] = [];
  try {
    for await (const f of source) frames.push(f);
    return { frames, error: undefined };
  } catch (error) {
    return { frames, error };
  }
}

function summary(frames: Frame[]): string[] {
  return frames.map((f) => `${f.index} ${f.timestampNs} ${f.originalLength} ${f.data.toString('hex')}`);
}

const SAMPLE = handPcap(
  { le: true, nano: true },
  Array.from({ length: 50 }, (_, i) => ({ sec: 1_700_000_000 + i, frac: i * 1001, data: payload(60 + i, i) })),
);

describe('unit', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wirelab-capture-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('readCapture: fixtures against the tshark oracle', () => {
    const files = fixtureCaptures();
    it('finds the fixture captures', () => {
      expect(files.length).to.be.greaterThan(50);
    });
    for (const file of files) {
      const label = path.relative(CAPTURES, file);
      it(`reads ${label} with tshark's frame count, time_epoch, frame_len and cap_len`, async () => {
        const oracle = readFileSync(`${file}.oracle.jsonl`, 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as { frame: number; time_epoch: string; frame_len: number; cap_len: number });
        const frames = await readCaptureFile(file);
        expect(frames.length).to.equal(oracle.length);
        const ours = frames.map((f) => {
          const strip = PSEUDO_HEADER_BYTES[f.linkType] ?? 0;
          return [f.index, formatEpoch(f.timestampNs), f.originalLength - strip, f.data.length - strip];
        });
        expect(ours).to.deep.equal(oracle.map((o) => [o.frame, o.time_epoch, o.frame_len, o.cap_len]));
      });
    }
  });

  describe('readCapture', () => {
    it('yields frames and fills info once the header is read', async () => {
      const file = path.join(dir, 'sample.pcap');
      writeFileSync(file, SAMPLE);
      const capture = readCapture(file, { chunkBytes: 100 });
      expect(capture.info.format).to.equal(undefined);
      const { frames, error } = await collect(capture);
      expect(error).to.equal(undefined);
      expect(frames.length).to.equal(50);
      expect(capture.info).to.deep.include({ format: 'pcap', byteOrder: 'little', bytesConsumed: SAMPLE.length });
      expect(summary(frames)).to.deep.equal(summary(await readCaptureFile(file)));
    });

    it('groups frames into non-empty batches per chunk', async () => {
      const file = path.join(dir, 'batches.pcap');
      writeFileSync(file, SAMPLE);
      const sizes: number[] = [];
      let total = 0;
      for await (const batch of readCapture(file, { chunkBytes: 1000 }).batches()) {
        sizes.push(batch.length);
        total += batch.length;
      }
      expect(total).to.equal(50);
      expect(sizes.every((n) => n > 0)).to.equal(true);
      expect(sizes.length).to.be.greaterThan(3);
    });

    it('gunzips gzip files transparently, whatever the chunk size', async () => {
      const file = path.join(dir, 'sample.pcap.gz');
      writeFileSync(file, gzipSync(SAMPLE));
      for (const chunkBytes of [64, 1000, 1 << 20]) {
        expect(summary(await readCaptureFile(file, { chunkBytes }))).to.deep.equal(summary(await readCaptureFile(path.join(dir, 'sample.pcap'))));
      }
    });

    it('reads a byte stream delivered one byte at a time, gzipped or not', async () => {
      const expected = summary(await readCaptureFile(path.join(dir, 'sample.pcap')));
      for (const bytes of [SAMPLE, gzipSync(SAMPLE)]) {
        const pieces = Array.from(bytes, (b) => Buffer.from([b]));
        const { frames, error } = await collect(readCapture(Readable.from(pieces)));
        expect(error).to.equal(undefined);
        expect(summary(frames)).to.deep.equal(expected);
      }
    });

    it('reads stdin for "-", gzipped or not', async function () {
      this.timeout(30_000);
      const script = `import { readCapture } from ${JSON.stringify(path.join(ROOT, 'analyzer/capture/open-capture.ts'))};
        let n = 0; for await (const f of readCapture('-')) n += f.data.length; console.log(n);`;
      const expected = Array.from({ length: 50 }, (_, i) => 60 + i).reduce((a, b) => a + b, 0);
      for (const input of [SAMPLE, gzipSync(SAMPLE)]) {
        const out = await new Promise<string>((resolve, reject) => {
          const child = execFile(
            process.execPath,
            ['--import', 'tsx', '--input-type=module', '-e', script],
            { cwd: ROOT, timeout: 20_000 },
            (error, stdout) => (error ? reject(error) : resolve(stdout)),
          );
          child.stdin!.end(input);
        });
        expect(out.trim()).to.equal(String(expected));
      }
    });

    it('pulls chunks on demand instead of buffering the whole input', async () => {
      const chunkBytes = 256;
      let produced = 0;
      const big = handPcap({ le: true }, Array.from({ length: 2000 }, (_, i) => ({ sec: i, frac: 0, data: payload(100) })));
      const source = new Readable({
        highWaterMark: chunkBytes,
        read() {
          const off = produced * chunkBytes;
          produced += 1;
          this.push(off < big.length ? big.subarray(off, off + chunkBytes) : null);
        },
      });
      let frames = 0;
      for await (const batch of readCapture(source, { chunkBytes }).batches()) {
        frames += batch.length;
        if (frames >= 10) break;
      }
      expect(produced).to.be.lessThan(20);
      expect(Math.ceil(big.length / chunkBytes)).to.be.greaterThan(800);
    });

    it('delivers the frames before a damaged record, then rejects', async () => {
      const damaged = Buffer.concat([SAMPLE, Buffer.from('0000000000000000ffff0000', 'hex')]);
      const { frames, error } = await collect(readCapture(Readable.from([damaged]), { name: 'damaged.pcap' }));
      expect(frames.length).to.equal(50);
      expect(error).to.be.instanceOf(CaptureFormatError);
      expect((error as CaptureFormatError).message).to.equal(`damaged.pcap: truncated record header at offset ${SAMPLE.length}: 12 of 16 bytes`);
      expect((error as CaptureFormatError).offset).to.equal(SAMPLE.length);
    });

    it('rejects a gzip stream with a bad checksum', async () => {
      const gz = gzipSync(SAMPLE);
      gz.writeUInt32LE(gz.readUInt32LE(gz.length - 8) ^ 1, gz.length - 8);
      // zlib drops the output of the step that fails, so only a prefix of the frames may arrive.
      const { error } = await collect(readCapture(Readable.from([gz]), { name: 'x.pcap.gz' }));
      expect(error).to.be.instanceOf(CaptureFormatError);
      expect((error as CaptureFormatError).code).to.equal('ERR_CAPTURE_FORMAT');
      expect((error as Error).message).to.equal('x.pcap.gz: corrupt gzip stream: incorrect data check');
    });

    it('rejects a truncated gzip stream after yielding the frames decompressed before the cut', async () => {
      const gz = gzipSync(SAMPLE);
      const file = path.join(dir, 'cut.pcap.gz');
      writeFileSync(file, gz.subarray(0, gz.length - 20));
      const { frames, error } = await collect(readCapture(file, { chunkBytes: 256 }));
      expect(frames.length).to.be.greaterThan(20);
      expect(summary(frames)).to.deep.equal(summary(await readCaptureFile(path.join(dir, 'sample.pcap'))).slice(0, frames.length));
      expect(error).to.be.instanceOf(CaptureFormatError);
      expect((error as Error).message).to.equal(`${file}: corrupt gzip stream: unexpected end of file`);
    });

    it('rejects an empty stream as an empty file', async () => {
      const { error } = await collect(readCapture(Readable.from([]), { name: 'stdin' }));
      expect(error).to.be.instanceOf(CaptureFormatError);
      expect((error as Error).message).to.equal('stdin: empty file; expected a pcap or pcapng header');
    });

    it('reports a missing file in one line as ERR_FILE_NOT_FOUND, not as a capture-format error', async () => {
      const file = path.join(dir, 'missing.pcap');
      const { frames, error } = await collect(readCapture(file));
      expect(frames).to.have.length(0);
      expect(error).to.be.instanceOf(FileNotFoundError);
      expect((error as FileNotFoundError).code).to.equal('ERR_FILE_NOT_FOUND');
      expect((error as Error).message).to.equal(`${file}: no such file`);
      const { error: underFile } = await collect(readCapture(path.join(dir, 'sample.pcap', 'x.pcap')));
      expect((underFile as FileNotFoundError).code).to.equal('ERR_FILE_NOT_FOUND');
      expect((underFile as Error).message).to.match(/no such file \(a parent is not a directory\)$/);
    });

    it('reports a directory in one line', async () => {
      const { error } = await collect(readCapture(dir, { name: 'trace.pcap' }));
      expect(error).to.be.instanceOf(CaptureFormatError);
      expect((error as Error).message).to.equal('trace.pcap: is a directory; expected a capture file');
    });

    it('reports an unreadable file in one line', async function () {
      if (process.getuid?.() === 0) {
        this.test!.title += ' (skipped: root reads files whatever their mode)';
        this.skip();
      }
      const file = path.join(dir, 'secret.pcap');
      writeFileSync(file, SAMPLE);
      chmodSync(file, 0o000);
      const { error } = await collect(readCapture(file, { name: 'secret.pcap' }));
      expect((error as Error).message).to.equal('secret.pcap: permission denied');
    });

    it('stops with an AbortError when the signal fires', async () => {
      const file = path.join(dir, 'abort.pcap');
      writeFileSync(file, SAMPLE);
      const controller = new AbortController();
      const seen: number[] = [];
      let error: unknown;
      try {
        for await (const batch of readCapture(file, { chunkBytes: 64, signal: controller.signal }).batches()) {
          seen.push(batch.length);
          controller.abort();
        }
      } catch (e) {
        error = e;
      }
      expect(seen.length).to.equal(1);
      expect((error as Error).name).to.equal('AbortError');
    });

    it('can be iterated only once', async () => {
      const capture = readCapture(Readable.from([SAMPLE]), { name: 'once.pcap' });
      await collect(capture);
      const { error } = await collect(capture);
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.equal('once.pcap: a capture source can be iterated only once; call readCapture again');
    });

    it('rejects text streams and bad chunk sizes as configuration errors', async () => {
      const { error } = await collect(readCapture(Readable.from(['abcd']), { name: 's' }));
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.equal('s: the stream yields string chunks; pass a byte stream (do not call setEncoding)');
      expect(() => readCapture('x', { chunkBytes: 10 })).to.throw(ConfigError, 'readCapture: chunkBytes must be an integer of at least 64 (got 10)');
    });
  });
});
