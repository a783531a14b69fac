import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createCaptureParser } from '../../../analyzer/capture/capture-parser.js';
import { readCapture } from '../../../analyzer/capture/open-capture.js';
import { CaptureFormatError } from '../../../analyzer/errors.js';
import { richPcapng } from './capture-bytes.js';

const CAPTURES = fileURLToPath(new URL('../../fixtures/captures/', import.meta.url));

/** Seeds: every container variant we read (pcap µs LE, ns LE, µs BE; pcapng LE/BE with every block type). */
const SEEDS: Buffer[] = [
  readFileSync(path.join(CAPTURES, 'kernel/09_rst_abort.pcap')),
  readFileSync(path.join(CAPTURES, 'wild/tcp-handshake-nano.pcap')),
  readFileSync(path.join(CAPTURES, 'wild/dssetup_big_endian.cap')),
  readFileSync(path.join(CAPTURES, 'wild/custom_rules_multiple_ports.pcapng')),
  richPcapng(true),
  richPcapng(false),
];

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'u32'; at: number; value: number; le: boolean }
  | { kind: 'delta'; at: number; delta: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({
    kind: fc.constant('u32' as const),
    at: fc.nat(),
    value: fc.constantFrom(0, 1, 3, 4, 8, 12, 16, 28, 0x7fffffff, 0xffffffff, 0x0a0d0d0a, 0x1a2b3c4d, 0x00040000),
    le: fc.boolean(),
  }),
  // Length-field edits: small changes to whatever 32-bit word sits there.
  fc.record({ kind: fc.constant('delta' as const), at: fc.nat(), delta: fc.integer({ min: -16, max: 16 }) }),
);

function mutate(seed: Buffer, mutations: Mutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    switch (m.kind) {
      case 'flip':
        b[at] = b[at]! ^ (1 << m.bit);
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case 'u32':
        if (at + 4 <= b.length) {
          if (m.le) b.writeUInt32LE(m.value, at);
          else b.writeUInt32BE(m.value, at);
        }
        break;
      case 'delta':
        if (at + 4 <= b.length) b.writeUInt32LE((b.readUInt32LE(at) + m.delta) >>> 0, at);
        break;
    }
  }
  return b;
}

interface Outcome {
  frames: string[];
  error: string | undefined;
}

/** Parses with the given chunk sizes; any error other than CaptureFormatError escapes and fails the property. */
function run(bytes: Buffer, pieces: number[]): Outcome {
  const parser = createCaptureParser('fuzz.pcap');
  const frames: string[] = [];
  const onFrame = (f: { index: number; timestampNs: bigint; originalLength: number; data: Buffer; interfaceId: number }): void => {
    frames.push(`${f.index} ${f.interfaceId} ${f.timestampNs} ${f.originalLength} ${f.data.toString('hex')}`);
  };
  try {
    let off = 0;
    for (const size of pieces) {
      if (off >= bytes.length) break;
      parser.push(bytes.subarray(off, off + size), onFrame);
      off += size;
    }
    if (off < bytes.length) parser.push(bytes.subarray(off), onFrame);
    parser.end();
    return { frames, error: undefined };
  } catch (error) {
    if (!(error instanceof CaptureFormatError)) throw error;
    expect(error.code).to.equal('ERR_CAPTURE_FORMAT');
    expect(error.message).to.match(/^fuzz\.pcap: [^\n]+$/);
    expect(error.offset).to.be.a('number');
    return { frames, error: `${error.offset} ${error.message}` };
  }
}

const MAX_CASE_MS = 2000;

describe('unit', () => {
  describe('createCaptureParser: fuzzing', () => {
    it('yields frames or throws CaptureFormatError, the same for any chunking, on thousands of mutated captures', function () {
      this.timeout(120_000);
      fc.assert(
        fc.property(
          fc.nat({ max: SEEDS.length - 1 }),
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 30 }),
          (seedIndex, mutations, pieces) => {
            const bytes = mutate(SEEDS[seedIndex]!, mutations);
            const started = performance.now();
            const whole = run(bytes, []);
            const chunked = run(bytes, pieces);
            expect(performance.now() - started).to.be.lessThan(MAX_CASE_MS);
            expect(chunked).to.deep.equal(whole);
            whole.frames.forEach((f, i) => expect(f.startsWith(`${i + 1} `)).to.equal(true));
          },
        ),
        { numRuns: 4000 },
      );
    });

    it('never rejects readCapture with anything but CaptureFormatError, gzipped or not, within a time bound', async function () {
      this.timeout(120_000);
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: SEEDS.length - 1 }),
          fc.array(mutation, { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          fc.integer({ min: 64, max: 4096 }),
          async (seedIndex, mutations, gzip, chunkBytes) => {
            const plain = mutate(SEEDS[seedIndex]!, mutations);
            // Mutating after compression also exercises corrupt gzip streams.
            const bytes = gzip ? mutate(gzipSync(plain), mutations.slice(0, 1)) : plain;
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`readCapture did not settle within ${MAX_CASE_MS} ms`)), MAX_CASE_MS);
            });
            const read = (async () => {
              let frames = 0;
              try {
                for await (const batch of readCapture(Readable.from([bytes]), { name: 'fuzz.pcap', chunkBytes }).batches()) frames += batch.length;
              } catch (error) {
                if (!(error instanceof CaptureFormatError)) throw error;
              }
              return frames;
            })();
            try {
              await Promise.race([read, timeout]);
            } finally {
              clearTimeout(timer);
            }
          },
        ),
        { numRuns: 400 },
      );
    });
  });
});
