import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { readCaptureFile } from '../../../analyzer/capture/open-capture.js';
import { createPcapWriter, encodePcap, type WritableFrame } from '../../../analyzer/capture/pcap-writer.js';
import { formatEpoch } from '../../../analyzer/report/frame-record.js';
import { ConfigError, EnvironmentError } from '../../../analyzer/errors.js';
import { payload } from './capture-bytes.js';
import { parseAll } from './parse-all.js';
import { tsharkFrames, tsharkMissing } from './tshark.js';

const FRAMES: WritableFrame[] = Array.from({ length: 20 }, (_, i) => ({
  timestampNs: 1_700_000_000_000_000_000n + BigInt(i) * 1_234_567_891n,
  data: payload(60 + i * 7, i),
  ...(i % 5 === 0 ? { originalLength: 2000 } : {}),
}));

describe('unit', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wirelab-pcap-writer-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('encodePcap', () => {
    for (const nanosecond of [false, true]) {
      it(`round-trips frames through a ${nanosecond ? 'ns' : 'µs'} pcap, keeping lengths and link type`, () => {
        const { frames, parser } = parseAll(encodePcap(FRAMES, { linkType: 113, nanosecond }), 'written.pcap');
        expect(parser.info.interfaces).to.deep.equal([{ linkType: 113, snapLen: 262144, tsResolution: nanosecond ? 1e9 : 1e6, tsOffsetSec: 0 }]);
        expect(frames.map((f) => [f.index, f.timestampNs, f.linkType, f.originalLength, f.data.toString('hex')])).to.deep.equal(
          FRAMES.map((f, i) => [
            i + 1,
            nanosecond ? f.timestampNs : (f.timestampNs / 1000n) * 1000n, // µs files keep whole µs
            113,
            f.originalLength ?? f.data.length,
            Buffer.from(f.data).toString('hex'),
          ]),
        );
      });
    }

    it('cuts frames to the snap length and keeps their original length', () => {
      const { frames, parser } = parseAll(encodePcap([{ timestampNs: 5n, data: payload(100) }], { linkType: 1, snapLen: 64 }), 'written.pcap');
      expect(parser.info.interfaces[0]!.snapLen).to.equal(64);
      expect(frames[0]!.data.length).to.equal(64);
      expect(frames[0]!.originalLength).to.equal(100);
    });

    it('writes an empty capture as a bare header', () => {
      expect(encodePcap([], { linkType: 1 }).length).to.equal(24);
    });

    it('rejects options and frames pcap cannot store', () => {
      expect(() => encodePcap([], { linkType: -1 })).to.throw(ConfigError, 'encodePcap: linkType must be an integer from 0 to 268435455 (got -1)');
      expect(() => encodePcap([], { linkType: 1, snapLen: 0 })).to.throw(ConfigError, 'encodePcap: snapLen must be an integer from 1 to 2147483647 (got 0)');
      expect(() => encodePcap([{ timestampNs: -1n, data: payload(1) }], { linkType: 1 })).to.throw(
        ConfigError,
        "encodePcap: timestamp -1 ns is outside pcap's range (0 to 2^32-1 s after 1970)",
      );
      expect(() => encodePcap([{ timestampNs: 1n << 63n, data: payload(1) }], { linkType: 1 })).to.throw(ConfigError, "outside pcap's range");
      expect(() => encodePcap([{ timestampNs: 1n, data: payload(10), originalLength: 5 }], { linkType: 1 })).to.throw(
        ConfigError,
        'encodePcap: originalLength 5 must be an integer of at least the 10 captured bytes',
      );
    });
  });

  describe('createPcapWriter', () => {
    it('writes a file that reads back frame for frame', async () => {
      const file = path.join(dir, 'out.pcap');
      const writer = createPcapWriter(file, { linkType: 1, nanosecond: true });
      for (const f of FRAMES) writer.write(f);
      await writer.close();
      expect(readFileSync(file).equals(encodePcap(FRAMES, { linkType: 1, nanosecond: true }))).to.equal(true);
      const frames = await readCaptureFile(file);
      expect(frames.map((f) => f.timestampNs)).to.deep.equal(FRAMES.map((f) => f.timestampNs));
    });

    for (const nanosecond of [false, true]) {
      it(`writes ${nanosecond ? 'ns' : 'µs'} files that tshark opens with the same frames and times`, async function () {
        const missing = tsharkMissing();
        if (missing !== undefined) {
          this.test!.title += ` (skipped: ${missing})`;
          this.skip();
        }
        const file = path.join(dir, `tshark-${nanosecond ? 'ns' : 'us'}.pcap`);
        const writer = createPcapWriter(file, { linkType: 1, nanosecond });
        for (const f of FRAMES) writer.write(f);
        await writer.close();
        const ours = await readCaptureFile(file);
        const rows = await tsharkFrames(file);
        expect(rows.map((r) => r.slice(0, 4))).to.deep.equal(
          ours.map((f) => [String(f.index), formatEpoch(f.timestampNs), String(f.originalLength), String(f.data.length)]),
        );
      });
    }

    it('buffers records instead of writing each one', async () => {
      let writes = 0;
      const chunks: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          writes += 1;
          chunks.push(chunk);
          done();
        },
      });
      const writer = createPcapWriter(sink, { linkType: 1 });
      const frames = Array.from({ length: 1000 }, (_, i) => ({ timestampNs: BigInt(i) * 1000n, data: payload(100, i) }));
      for (const f of frames) writer.write(f);
      await writer.close();
      expect(writes).to.be.lessThan(5);
      expect(Buffer.concat(chunks).equals(encodePcap(frames, { linkType: 1 }))).to.equal(true);
    });

    it('ends a stream passed in when closed', async () => {
      const out = new PassThrough();
      const received: Buffer[] = [];
      out.on('data', (c: Buffer) => received.push(c));
      const ended = new Promise<void>((resolve) => out.on('end', resolve));
      const writer = createPcapWriter(out, { linkType: 1 });
      writer.write(FRAMES[0]!);
      writer.flush();
      await writer.close();
      await ended;
      expect(parseAll(Buffer.concat(received), 'written.pcap').frames.length).to.equal(1);
    });

    it('reports an unwritable path from close()', async () => {
      const file = path.join(dir, 'no-such-dir', 'out.pcap');
      const writer = createPcapWriter(file, { linkType: 1 });
      writer.write(FRAMES[0]!);
      let error: unknown;
      await writer.close().catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(EnvironmentError);
      expect((error as EnvironmentError).code).to.equal('ERR_ENVIRONMENT');
      expect((error as Error).message).to.equal(`${file}: cannot write capture: no such directory`);
    });

    it('reports a stream write error from close()', async () => {
      const sink = new Writable({
        write(_chunk, _encoding, done) {
          done(new Error('disk on fire'));
        },
      });
      const writer = createPcapWriter(sink, { linkType: 1, name: 'live.pcap' });
      writer.write(FRAMES[0]!);
      writer.flush();
      writer.write(FRAMES[1]!);
      let error: unknown;
      await writer.close().catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(EnvironmentError);
      expect((error as Error).message).to.equal('live.pcap: cannot write capture: disk on fire');
    });

    it('refuses writes after close and validates options before creating the file', async () => {
      const writer = createPcapWriter(new PassThrough().resume(), { linkType: 1, name: 'w.pcap' });
      await writer.close();
      expect(() => writer.write(FRAMES[0]!)).to.throw(ConfigError, 'w.pcap: write after close');
      const file = path.join(dir, 'never.pcap');
      expect(() => createPcapWriter(file, { linkType: 1.5 })).to.throw(ConfigError, `${file}: linkType must be an integer`);
      expect(() => readFileSync(file)).to.throw(/ENOENT/);
    });
  });
});
