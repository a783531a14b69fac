import { expect } from 'chai';
import { createCaptureParser, type CaptureParser } from '../../../analyzer/capture/capture-parser.js';
import { CaptureFormatError } from '../../../analyzer/errors.js';
import type { Frame } from '../../../analyzer/packet/frame.js';
import { block, dsb, epb, handPcap, i64, idb, option, payload, richPcapng, shb, spb } from './capture-bytes.js';

interface Outcome {
  frames: Frame[];
  error: CaptureFormatError | undefined;
  parser: CaptureParser;
}

/** Parses `bytes` pushed in pieces of the given sizes (the rest in one piece), then ends. */
function parse(bytes: Buffer, name = 'x.pcap', pieces: number[] = []): Outcome {
  const parser = createCaptureParser(name);
  const frames: Frame[] = [];
  let error: CaptureFormatError | undefined;
  try {
    let off = 0;
    for (const size of pieces) {
      parser.push(bytes.subarray(off, off + size), (f) => frames.push(f));
      off += size;
    }
    if (off < bytes.length) parser.push(bytes.subarray(off), (f) => frames.push(f));
    parser.end();
  } catch (e) {
    if (!(e instanceof CaptureFormatError)) throw e;
    error = e;
  }
  return { frames, error, parser };
}

function parseOk(bytes: Buffer, name = 'x.pcap', pieces: number[] = []): Frame[] {
  const out = parse(bytes, name, pieces);
  if (out.error) throw out.error;
  return out.frames;
}

/** Frames as plain comparable records. */
function plain(frames: Frame[]): object[] {
  return frames.map((f) => ({
    index: f.index,
    timestampNs: f.timestampNs,
    linkType: f.linkType,
    originalLength: f.originalLength,
    data: f.data.toString('hex'),
    interfaceId: f.interfaceId,
  }));
}

function expectFailure(bytes: Buffer, name: string, message: string, offset: number, framesBefore: number): void {
  const out = parse(bytes, name);
  expect(out.error, 'expected a CaptureFormatError').to.be.instanceOf(CaptureFormatError);
  expect(out.error!.code).to.equal('ERR_CAPTURE_FORMAT');
  expect(out.error!.message).to.equal(message);
  expect(out.error!.offset).to.equal(offset);
  expect(out.frames.length).to.equal(framesBefore);
  // Chunking must not change the outcome: byte by byte gives the same frames and error.
  const bytewise = parse(bytes, name, Array.from({ length: bytes.length }, () => 1));
  expect(bytewise.error?.message).to.equal(message);
  expect(bytewise.error?.offset).to.equal(offset);
  expect(plain(bytewise.frames)).to.deep.equal(plain(out.frames));
}

const SEC = 1_700_000_000;

function records(n: number): { sec: number; frac: number; data: Buffer; originalLength?: number }[] {
  return Array.from({ length: n }, (_, i) => ({ sec: SEC + i, frac: 1000 * i + 7, data: payload(40 + i, i) }));
}

describe('unit', () => {
  describe('createCaptureParser: classic pcap', () => {
    for (const le of [true, false]) {
      for (const nano of [false, true]) {
        it(`reads ${nano ? 'ns' : 'µs'} records in ${le ? 'little' : 'big'}-endian files with exact timestamps`, () => {
          const recs = records(3);
          recs[1]!.originalLength = 1514;
          const bytes = handPcap({ le, nano, linkType: 113, snapLen: 65535 }, recs);
          const { frames, error, parser } = parse(bytes);
          expect(error).to.equal(undefined);
          expect(parser.info).to.deep.include({ format: 'pcap', byteOrder: le ? 'little' : 'big', sectionCount: 1, bytesConsumed: bytes.length });
          expect(parser.info.interfaces).to.deep.equal([{ linkType: 113, snapLen: 65535, tsResolution: nano ? 1e9 : 1e6, tsOffsetSec: 0 }]);
          expect(plain(frames)).to.deep.equal(
            recs.map((r, i) => ({
              index: i + 1,
              timestampNs: BigInt(r.sec) * 1_000_000_000n + BigInt(r.frac) * (nano ? 1n : 1000n),
              linkType: 113,
              originalLength: r.originalLength ?? r.data.length,
              data: r.data.toString('hex'),
              interfaceId: 0,
            })),
          );
        });
      }
    }

    it('ignores the FCS bits in the top of the link-type word', () => {
      const frames = parseOk(handPcap({ le: true, linkType: 0xf000_0000 | 0x0400_0000 | 1 }, records(1)));
      expect(frames[0]!.linkType).to.equal(1);
    });

    it('keeps timestamps exact for the largest 32-bit seconds and fraction fields', () => {
      const frames = parseOk(handPcap({ le: true, nano: true }, [{ sec: 0xffffffff, frac: 999_999_999, data: payload(1) }]));
      expect(frames[0]!.timestampNs).to.equal(4_294_967_295_999_999_999n);
    });

    it('accepts a header with no records', () => {
      expect(parseOk(handPcap({ le: true }, []))).to.deep.equal([]);
    });

    it('hands out views into the pushed chunk instead of copies', () => {
      const bytes = handPcap({ le: true }, records(2));
      const frames = parseOk(bytes);
      expect(frames[0]!.data.buffer).to.equal(bytes.buffer);
      expect(frames[0]!.data.byteOffset).to.equal(bytes.byteOffset + 24 + 16);
      expect(Buffer.isBuffer(frames[0]!.data)).to.equal(true);
    });
  });

  describe('createCaptureParser: pcapng', () => {
    for (const le of [true, false]) {
      it(`reads EPB, SPB and obsolete PB and skips NRB, ISB, custom and unknown blocks (${le ? 'little' : 'big'}-endian)`, () => {
        const { frames, error, parser } = parse(richPcapng(le), 'x.pcapng');
        expect(error).to.equal(undefined);
        expect(parser.info.format).to.equal('pcapng');
        expect(parser.info.byteOrder).to.equal(le ? 'little' : 'big');
        expect(parser.info.interfaces).to.deep.equal([
          { linkType: 1, snapLen: 0, tsResolution: 1e6, tsOffsetSec: 0, name: 'eth0' },
          { linkType: 113, snapLen: 96, tsResolution: 1e9, tsOffsetSec: -10 },
        ]);
        expect(parser.info.decryptionSecrets.map((s) => [s.type, s.data.toString()])).to.deep.equal([[0x544c534b, 'CLIENT_RANDOM aa bb\n']]);
        expect(plain(frames)).to.deep.equal([
          { index: 1, timestampNs: 1_700_000_000_123_456_000n, linkType: 1, originalLength: 60, data: payload(60).toString('hex'), interfaceId: 0 },
          {
            index: 2,
            timestampNs: 1_700_000_000_123_456_789n - 10_000_000_000n,
            linkType: 113,
            originalLength: 1500,
            data: payload(96, 2).toString('hex'),
            interfaceId: 1,
          },
          // SPB: interface 0, no timestamp; snaplen 0 means no limit, so all 70 bytes are captured.
          { index: 3, timestampNs: 0n, linkType: 1, originalLength: 70, data: payload(70, 3).toString('hex'), interfaceId: 0 },
          {
            index: 4,
            timestampNs: 1_700_000_001_000_000_000n - 10_000_000_000n,
            linkType: 113,
            originalLength: 33,
            data: payload(33, 4).toString('hex'),
            interfaceId: 1,
          },
        ]);
      });
    }

    it('cuts a simple packet block to the snap length of interface 0', () => {
      const frames = parseOk(Buffer.concat([shb(true), idb(true, 1, 64), spb(true, 1514, payload(64))]), 'x.pcapng');
      expect(frames[0]!.originalLength).to.equal(1514);
      expect(frames[0]!.data.length).to.equal(64);
    });

    it('scales timestamps by if_tsresol, decimal and binary, truncating below 1 ns', () => {
      const le = true;
      const bytes = Buffer.concat([
        shb(le),
        idb(le, 1, 0, [option(9, Buffer.from([0]), le)]), // 1 s units
        idb(le, 1, 0, [option(9, Buffer.from([3]), le)]), // ms
        idb(le, 1, 0, [option(9, Buffer.from([12]), le)]), // ps
        idb(le, 1, 0, [option(9, Buffer.from([0x80 | 20]), le)]), // 2^-20 s
        idb(le, 1, 0, [option(9, Buffer.from([0x80 | 30]), le), option(14, i64(100n, le), le)]),
        epb(le, 0, 1_700_000_000n, payload(1)),
        epb(le, 1, 1_700_000_000_123n, payload(1)),
        epb(le, 2, 12_345_678_901_234_567n, payload(1)),
        epb(le, 3, (1_700_000_000n << 20n) + 1n, payload(1)),
        epb(le, 4, (5n << 30n) + 3n, payload(1)),
      ]);
      const { frames, parser } = parse(bytes, 'x.pcapng');
      expect(parser.info.interfaces.map((i) => i.tsResolution)).to.deep.equal([1, 1e3, 1e12, 2 ** 20, 2 ** 30]);
      expect(frames.map((f) => f.timestampNs)).to.deep.equal([
        1_700_000_000_000_000_000n,
        1_700_000_000_123_000_000n,
        12_345_678_901_234n, // 12345.678901234567 s in ps, cut to ns
        1_700_000_000_000_000_953n, // 1e9 / 2^20 = 953.67 ns
        105_000_000_002n, // 5 s + 3 * 0.93 ns + 100 s offset
      ]);
    });

    it('starts each section with no interfaces, in its own byte order, numbering frames on', () => {
      const bytes = Buffer.concat([
        shb(true),
        idb(true, 1, 0),
        epb(true, 0, 10n, payload(10)),
        shb(false),
        idb(false, 101, 0),
        idb(false, 113, 0, [option(9, Buffer.from([9]), false)]),
        epb(false, 1, 20n, payload(20)),
        epb(false, 0, 30n, payload(30)),
      ]);
      const { frames, parser } = parse(bytes, 'x.pcapng');
      expect(parser.info.sectionCount).to.equal(2);
      expect(parser.info.byteOrder).to.equal('big');
      expect(parser.info.interfaces.map((i) => i.linkType)).to.deep.equal([101, 113]);
      expect(frames.map((f) => [f.index, f.interfaceId, f.linkType, f.timestampNs])).to.deep.equal([
        [1, 0, 1, 10_000n],
        [2, 1, 113, 20n],
        [3, 0, 101, 30_000n],
      ]);
    });

    it('forgets the previous section’s interfaces at a new section header', () => {
      const bytes = Buffer.concat([shb(true), idb(true, 1, 0), idb(true, 1, 0), shb(true), idb(true, 1, 0), epb(true, 1, 1n, payload(4))]);
      const at = bytes.length - 36;
      expectFailure(bytes, 'x.pcapng', `x.pcapng: enhanced packet block at offset ${at} references interface 1, but this section defines only 1 interface`, at, 0);
    });
  });

  describe('createCaptureParser: chunk boundaries', () => {
    const inputs: [string, Buffer][] = [
      ['pcap µs little-endian', handPcap({ le: true }, records(4))],
      ['pcap ns big-endian', handPcap({ le: false, nano: true }, records(4))],
      ['pcapng little-endian', richPcapng(true)],
      ['pcapng big-endian', richPcapng(false)],
    ];
    for (const [label, bytes] of inputs) {
      it(`gives the same frames for a ${label} stream pushed byte by byte or split at any offset`, () => {
        const whole = plain(parseOk(bytes));
        expect(whole.length).to.equal(4);
        expect(plain(parseOk(bytes, 'x', Array.from({ length: bytes.length }, () => 1)))).to.deep.equal(whole);
        for (let cut = 1; cut < bytes.length; cut++) {
          expect(plain(parseOk(bytes, 'x', [cut])), `cut at ${cut}`).to.deep.equal(whole);
        }
      });
    }

    it('copies a record that straddles chunks and never writes into pushed chunks', () => {
      const bytes = handPcap({ le: true }, records(2));
      const copy = Buffer.from(bytes);
      const frames = parseOk(bytes, 'x', [50]);
      expect(bytes.equals(copy)).to.equal(true);
      // The first record straddles the cut at 50, so it is a copy; the second is a view.
      bytes.fill(0xee);
      expect(frames[0]!.data.equals(copy.subarray(40, 80))).to.equal(true);
      expect(frames[1]!.data[0]).to.equal(0xee);
    });

    it('counts bytesConsumed in whole units only', () => {
      const bytes = handPcap({ le: true }, records(2));
      const parser = createCaptureParser('x');
      parser.push(bytes.subarray(0, 30), () => {});
      expect(parser.info.bytesConsumed).to.equal(24);
      parser.push(bytes.subarray(30), () => {});
      expect(parser.info.bytesConsumed).to.equal(bytes.length);
    });
  });

  describe('createCaptureParser: damaged input', () => {
    const good = handPcap({ le: true }, records(2));
    const rec2 = 24 + 16 + 40; // offset of the second record

    it('rejects an empty file', () => {
      expectFailure(Buffer.alloc(0), 'x.pcap', 'x.pcap: empty file; expected a pcap or pcapng header', 0, 0);
    });

    it('rejects an unknown magic, naming both formats', () => {
      expectFailure(
        Buffer.from('7f454c4602010100', 'hex'),
        'trace.pcap',
        'trace.pcap: unknown magic 0x7f454c46 at offset 0; expected pcap (0xa1b2c3d4/0xa1b23c4d, either byte order) or pcapng (0x0a0d0d0a)',
        0,
        0,
      );
    });

    it('rejects a file shorter than the magic', () => {
      expectFailure(Buffer.from([0xd4, 0xc3, 0xb2]), 'x.pcap', 'x.pcap: truncated magic at offset 0: 3 of 4 bytes', 0, 0);
    });

    it('rejects a truncated pcap file header', () => {
      expectFailure(good.subarray(0, 10), 'x.pcap', 'x.pcap: truncated pcap file header at offset 0: 10 of 24 bytes', 0, 0);
    });

    it('rejects pcap versions before 2.0', () => {
      expectFailure(handPcap({ le: true, major: 1 }, []), 'x.pcap', 'x.pcap: unsupported pcap version 1.4 at offset 4; expected 2.x', 4, 0);
    });

    it('rejects a truncated record header after delivering the complete records', () => {
      expectFailure(good.subarray(0, rec2 + 7), 'x.pcap', `x.pcap: truncated record header at offset ${rec2}: 7 of 16 bytes`, rec2, 1);
    });

    it('rejects a truncated record body after delivering the complete records', () => {
      expectFailure(good.subarray(0, good.length - 1), 'x.pcap', `x.pcap: truncated record at offset ${rec2}: 56 of 57 bytes`, rec2, 1);
    });

    it('rejects a captured length above max(snaplen, 256 KiB)', () => {
      const bytes = handPcap({ le: true }, [{ sec: 1, frac: 0, data: payload(8), capLenField: 0xffffffff }]);
      expectFailure(bytes, 'x.pcap', 'x.pcap: record at offset 24 claims 4294967295 captured bytes, more than the 262144-byte limit', 24, 0);
      const big = handPcap({ le: false, snapLen: 1 << 20 }, [{ sec: 1, frac: 0, data: payload(8), capLenField: (1 << 20) + 1 }]);
      expectFailure(big, 'x.pcap', 'x.pcap: record at offset 24 claims 1048577 captured bytes, more than the 1048576-byte limit', 24, 0);
    });

    it('rejects garbage after a valid prefix at the garbage’s offset', () => {
      const bytes = Buffer.concat([good, Buffer.from('garbage!garbage!garbage!')]);
      expectFailure(
        bytes,
        'x.pcap',
        `x.pcap: record at offset ${good.length} claims 1651663207 captured bytes, more than the 262144-byte limit`,
        good.length,
        2,
      );
    });

    it('keeps failing with the same error after the first one', () => {
      const parser = createCaptureParser('x.pcap');
      expect(() => parser.push(Buffer.from('nonsense'), () => {})).to.throw(CaptureFormatError);
      expect(() => parser.push(good, () => {})).to.throw(CaptureFormatError, 'unknown magic 0x6e6f6e73');
      expect(() => parser.end()).to.throw(CaptureFormatError, 'unknown magic 0x6e6f6e73');
    });

    describe('pcapng', () => {
      const head = Buffer.concat([shb(true), idb(true, 1, 0)]);
      const at = head.length;
      const withBlock = (b: Buffer, ...more: Buffer[]): Buffer => Buffer.concat([head, epb(true, 0, 1n, payload(4)), b, ...more]);
      const after = at + 36; // offset of the block following the first EPB

      const cases: [string, Buffer, string, number, number][] = [
        ['a block length that is not a multiple of 4', withBlock(block(6, payload(20), true, { lead: 31 })), `enhanced packet block at offset ${after} has length 31, not a multiple of 4`, after, 1],
        ['a block shorter than its type allows', withBlock(block(6, payload(8), true)), `enhanced packet block at offset ${after} has length 20, less than its 32-byte minimum`, after, 1],
        ['a block length over 16 MiB', withBlock(block(0x99, payload(8), true, { lead: 0x7ffffffc })), `block of type 0x00000099 at offset ${after} claims 2147483644 bytes, more than the 16777216-byte limit`, after, 1],
        ['a trailing length that differs from the leading one', withBlock(block(4, payload(8), true, { trail: 24 })), `name resolution block at offset ${after} ends with length 24, expected 20 as at its start`, after, 1],
        ['a packet on an undefined interface', withBlock(epb(true, 3, 1n, payload(4))), `enhanced packet block at offset ${after} references interface 3, but this section defines only 1 interface`, after, 1],
        ['a captured length beyond the block body', withBlock(epb(true, 0, 1n, payload(4), 100, 100)), `enhanced packet block at offset ${after} claims 100 captured bytes in a 4-byte body`, after, 1],
        ['a simple packet block longer than its body', withBlock(spb(true, 100, payload(8))), `simple packet block at offset ${after} needs 100 captured bytes but its body holds 8`, after, 1],
        ['a decryption secrets length beyond the body', withBlock(dsb(true, 0x544c534b, payload(8), 9)), `decryption secrets block at offset ${after} claims 9 secret bytes in a 8-byte body`, after, 1],
        ['an interface option running past the block', withBlock(block(1, Buffer.concat([payload(8), Buffer.from([2, 0, 40, 0]), payload(4)]), true)), `interface description block at offset ${after}: option 2 at offset ${after + 16} has length 40, past the block end`, after, 1],
        ['a truncated block header', withBlock(payload(5)), `truncated block header at offset ${after}: 5 of 8 bytes`, after, 1],
        ['a truncated block', withBlock(epb(true, 0, 1n, payload(40)).subarray(0, 50)), `truncated enhanced packet block at offset ${after}: 50 of 72 bytes`, after, 1],
        ['a truncated section header', withBlock(shb(false).subarray(0, 10)), `truncated block header at offset ${after}: 10 of 12 bytes`, after, 1],
        ['a bad byte-order magic', withBlock(Buffer.from('0a0d0d0a1c00000012345678', 'hex')), `section header block at offset ${after} has byte-order magic 0x12345678; expected 1a2b3c4d or 4d3c2b1a`, after, 1],
        ['an unsupported section version', withBlock(shb(false, { major: 2 })), `section header block at offset ${after} has pcapng version 2.0; expected 1.x`, after, 1],
      ];
      for (const [what, bytes, message, offset, before] of cases) {
        it(`rejects ${what}`, () => {
          expectFailure(bytes, 'x.pcapng', `x.pcapng: ${message}`, offset, before);
        });
      }

      it('rejects a simple packet block before any interface', () => {
        expectFailure(
          Buffer.concat([shb(true), spb(true, 4, payload(4))]),
          'x.pcapng',
          'x.pcapng: simple packet block at offset 28 references interface 0, but this section defines 0 interfaces',
          28,
          0,
        );
      });
    });
  });
});
