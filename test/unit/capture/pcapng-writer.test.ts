import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { SecretsType } from '../../../analyzer/capture/capture-format.js';
import { readCapture, readCaptureFile } from '../../../analyzer/capture/open-capture.js';
import { createPcapngWriter, encodePcapng, type PcapngFrame } from '../../../analyzer/capture/pcapng-writer.js';
import { formatEpoch } from '../../../analyzer/report/frame-record.js';
import { ConfigError, EnvironmentError } from '../../../analyzer/errors.js';
import type { Frame } from '../../../analyzer/packet/frame.js';
import { payload } from './capture-bytes.js';
import { parseAll } from './parse-all.js';
import { tsharkFrames, tsharkMissing } from './tshark.js';

const KEY_LOG = 'CLIENT_HANDSHAKE_TRAFFIC_SECRET 0011 2233\nSERVER_HANDSHAKE_TRAFFIC_SECRET 0011 4455\n';

/** Frames alternating between interface 0 (µs) and 1 (ns). */
const FRAMES: PcapngFrame[] = Array.from({ length: 20 }, (_, i) => ({
  interfaceId: i % 2,
  timestampNs: 1_700_000_000_000_000_000n + BigInt(i) * 987_654_321n,
  data: payload(50 + i * 13, i),
  ...(i % 4 === 0 ? { originalLength: 3000 } : {}),
}));

const INTERFACES = [
  { linkType: 1, name: 'veth-client' },
  { linkType: 113, snapLen: 128, tsResolutionNs: true },
];

/** What a reader must see for FRAMES written on INTERFACES. */
function expected(): unknown[][] {
  return FRAMES.map((f, i) => {
    const ns = f.interfaceId === 1;
    const capLen = ns ? Math.min(128, f.data.length) : f.data.length;
    return [
      i + 1,
      f.interfaceId,
      ns ? 113 : 1,
      ns ? f.timestampNs : (f.timestampNs / 1000n) * 1000n,
      f.originalLength ?? f.data.length,
      Buffer.from(f.data.subarray(0, capLen)).toString('hex'),
    ];
  });
}

function summary(frames: Frame[]): unknown[][] {
  return frames.map((f) => [f.index, f.interfaceId, f.linkType, f.timestampNs, f.originalLength, f.data.toString('hex')]);
}

describe('unit', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wirelab-pcapng-writer-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('encodePcapng', () => {
    it('round-trips interfaces, µs and ns timestamps, snap lengths and TLS secrets', () => {
      const { frames, parser } = parseAll(encodePcapng(FRAMES, { interfaces: INTERFACES, tlsKeyLog: KEY_LOG }), 'written.pcapng');
      expect(parser.info).to.deep.include({ format: 'pcapng', byteOrder: 'little', sectionCount: 1 });
      expect(parser.info.interfaces).to.deep.equal([
        { linkType: 1, snapLen: 262144, tsResolution: 1e6, tsOffsetSec: 0, name: 'veth-client' },
        { linkType: 113, snapLen: 128, tsResolution: 1e9, tsOffsetSec: 0 },
      ]);
      expect(parser.info.decryptionSecrets.map((s) => [s.type, s.data.toString()])).to.deep.equal([[SecretsType.TlsKeyLog, KEY_LOG]]);
      expect(summary(frames)).to.deep.equal(expected());
    });

    it('rejects frames on interfaces that were not added and bad interfaces', () => {
      expect(() => encodePcapng([{ timestampNs: 1n, data: payload(4), interfaceId: 2 }], { interfaces: INTERFACES })).to.throw(
        ConfigError,
        'encodePcapng: frame names interface 2, but only 2 interface(s) were added; call addInterface first',
      );
      expect(() => encodePcapng([], { interfaces: [{ linkType: 70000 }] })).to.throw(
        ConfigError,
        'encodePcapng: interface linkType must be an integer from 0 to 65535 (got 70000)',
      );
      expect(() => encodePcapng([{ timestampNs: -5n, data: payload(4) }], { interfaces: INTERFACES })).to.throw(
        ConfigError,
        "encodePcapng: timestamp -5 ns is outside pcapng's range (0 to 2^64-1 units after 1970)",
      );
    });
  });

  describe('createPcapngWriter', () => {
    it('writes a file equal to encodePcapng, with interfaces added between frames', async () => {
      const file = path.join(dir, 'out.pcapng');
      const writer = createPcapngWriter(file);
      expect(writer.addInterface(INTERFACES[0]!)).to.equal(0);
      writer.write(FRAMES[0]!);
      expect(writer.addInterface(INTERFACES[1]!)).to.equal(1);
      writer.writeDecryptionSecrets(KEY_LOG);
      for (const f of FRAMES.slice(1)) writer.write(f);
      await writer.close();
      const capture = readCapture(file);
      const frames: Frame[] = [];
      for await (const f of capture) frames.push(f);
      expect(summary(frames)).to.deep.equal(expected());
      expect(capture.info.decryptionSecrets[0]!.data.toString()).to.equal(KEY_LOG);
    });

    it('writes files tshark opens with the same frames, times and interfaces', async function () {
      const missing = tsharkMissing();
      if (missing !== undefined) {
        this.test!.title += ` (skipped: ${missing})`;
        this.skip();
      }
      const file = path.join(dir, 'tshark.pcapng');
      const writer = createPcapngWriter(file);
      for (const iface of INTERFACES) writer.addInterface(iface);
      writer.writeDecryptionSecrets(KEY_LOG);
      for (const f of FRAMES) writer.write(f);
      await writer.close();
      const ours = await readCaptureFile(file);
      const rows = await tsharkFrames(file);
      expect(rows).to.deep.equal(
        ours.map((f) => [String(f.index), formatEpoch(f.timestampNs), String(f.originalLength), String(f.data.length), String(f.interfaceId)]),
      );
    });

    it('buffers blocks and ends a stream passed in', async () => {
      let writes = 0;
      const chunks: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          writes += 1;
          chunks.push(chunk);
          done();
        },
      });
      const finished = new Promise<void>((resolve) => sink.on('finish', resolve));
      const writer = createPcapngWriter(sink);
      writer.addInterface({ linkType: 1 });
      for (let i = 0; i < 1000; i++) writer.write({ timestampNs: BigInt(i), data: payload(100, i) });
      await writer.close();
      await finished;
      expect(writes).to.be.lessThan(5);
      expect(parseAll(Buffer.concat(chunks), 'written.pcapng').frames.length).to.equal(1000);
    });

    it('reports write errors from close() and refuses writes afterwards', async () => {
      const file = path.join(dir, 'missing', 'x.pcapng');
      const writer = createPcapngWriter(file);
      writer.addInterface({ linkType: 1 });
      writer.write({ timestampNs: 1n, data: payload(10) });
      let error: unknown;
      await writer.close().catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(EnvironmentError);
      expect((error as Error).message).to.equal(`${file}: cannot write capture: no such directory`);
      expect(() => writer.write({ timestampNs: 1n, data: payload(10) })).to.throw(ConfigError, `${file}: write after close`);
      expect(() => writer.addInterface({ linkType: 1 })).to.throw(ConfigError, 'write after close');
      const again = await writer.close().catch((e: unknown) => e);
      expect(again).to.equal(error);
    });

    it('writes a readable empty capture when nothing but the header was written', async () => {
      const out = new PassThrough();
      const received: Buffer[] = [];
      out.on('data', (c: Buffer) => received.push(c));
      const writer = createPcapngWriter(out, { userApplication: 'test' });
      await writer.close();
      const { frames, parser } = parseAll(Buffer.concat(received), 'written.pcapng');
      expect(frames).to.deep.equal([]);
      expect(parser.info.sectionCount).to.equal(1);
    });
  });
});
