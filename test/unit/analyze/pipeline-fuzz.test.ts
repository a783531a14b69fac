/**
 * Property test of the whole analyzer: mutated captures (bit flips, byte edits, cuts, splices)
 * never crash or hang it. Each either analyses fully or stops with a CaptureFormatError in
 * `readError`, after analysing the frames before the damage.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { analyzeCapture } from '../../../analyzer/analyze-capture.js';
import { isCaptureFormatError } from '../../../analyzer/errors.js';

const root = new URL('../../../', import.meta.url).pathname;
const seeds = [
  'tls/23_tls12_full_handshake.pcap',
  'synth/s19_edges.pcap',
  'wild/custom_rules_multiple_ports.pcapng',
  'wild/simple_http_sll2.pcap',
  'synth/s13_ipv6.pcap',
].map((rel) => readFileSync(join(root, 'test/fixtures/captures', rel)));

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 64 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(input: Buffer, edits: readonly Mutation[]): Buffer {
  let b = Buffer.from(input);
  for (const m of edits) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === 'flip') b[at] = b[at]! ^ (1 << m.bit);
    else if (m.kind === 'set') b[at] = m.value;
    else if (m.kind === 'cut') b = b.subarray(0, at);
    else b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
  }
  return b;
}

describe('analyzeCapture on mutated captures', function () {
  this.timeout(120_000);

  it('never throws anything but a capture-format error and never hangs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }), async (which, edits) => {
        const bytes = mutate(seeds[which]!, edits);
        const started = Date.now();
        try {
          const analysis = await analyzeCapture(Readable.from([bytes]), { name: 'fuzz.pcap' });
          if (analysis.readError !== undefined) expect(analysis.readError.code).to.equal('ERR_CAPTURE_FORMAT');
        } catch (e) {
          // Only a file that cannot be opened at all (bad magic, empty) may throw, and only this kind.
          expect(isCaptureFormatError(e), String(e)).to.equal(true);
        }
        expect(Date.now() - started).to.be.below(5_000);
      }),
      { numRuns: 1500, seed: 20261124 },
    );
  });
});
