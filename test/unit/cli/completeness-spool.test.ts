import { expect } from 'chai';
import { createCompletenessSpool } from '../../../cli/completeness-spool.js';

function lines(count: number): { line: string; stream: number | null }[] {
  return Array.from({ length: count }, (_, i) => ({
    // Multi-byte text on both sides of the placeholder, as the Info column has.
    line: JSON.stringify({ frame: i + 1, src: '10.0.0.1 → x', stream: i % 3 === 0 ? null : i % 5, completeness: null, info: `é${'→'.repeat(i % 40)}"completeness":null` }),
    stream: i % 3 === 0 ? null : i % 5,
  }));
}

function expected(input: { line: string; stream: number | null }[], final: (s: number) => number | undefined): string {
  return input
    .map(({ line, stream }) => {
      const v = stream === null ? undefined : final(stream);
      return `${v === undefined ? line : line.replace('"completeness":null', `"completeness":${v}`)}\n`;
    })
    .join('');
}

describe('unit', () => {
  describe('completeness spool', () => {
    const final = (s: number): number | undefined => (s === 4 ? undefined : s * 10 + 1);
    for (const [name, memoryChars] of [['in memory', 1 << 30], ['spilled to disk', 100]] as const) {
      it(`fills each line's completeness from its stream's final value, in order (${name})`, () => {
        const input = lines(3000);
        const spool = createCompletenessSpool(memoryChars);
        for (const { line, stream } of input) spool.add(line, stream);
        let out = '';
        spool.drain(final, (t) => (out += t));
        expect(out).to.equal(expected(input, final));
      });
    }

    it('writes nothing for no lines', () => {
      let out = '';
      createCompletenessSpool().drain(final, (t) => (out += t));
      expect(out).to.equal('');
    });
  });
});
