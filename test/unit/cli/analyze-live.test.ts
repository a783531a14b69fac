/**
 * `wirelab analyze -` on a pipe that stays open: each frame prints as it arrives (one pass, like tshark
 * without -2), not when the writer ends; the conversation line then carries the final completeness.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;

/** The pcap file header and its first `count` records (little-endian µs pcap). */
function pcapPrefix(bytes: Buffer, count: number): { prefix: Buffer; rest: Buffer } {
  let off = 24;
  for (let i = 0; i < count; i++) off += 16 + bytes.readUInt32LE(off + 8);
  return { prefix: bytes.subarray(0, off), rest: bytes.subarray(off) };
}

describe('wirelab analyze - (live pipe)', function () {
  this.timeout(60_000);
  for (const format of ['text', 'jsonl'] as const) {
    it(`prints the ${format} of each frame while the pipe is still open`, async () => {
      const bytes = readFileSync(join(root, 'test/fixtures/captures/kernel/02_lost_fast_retrans.pcap'));
      const { prefix, rest } = pcapPrefix(bytes, 10);
      const child = spawn(process.execPath, [join(root, 'bin/wirelab.js'), 'analyze', '-', '--format', format]);
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      try {
        child.stdin.write(prefix);
        const lines = (): string[] => stdout.split('\n').filter((l) => (format === 'text' ? /^\s+\d+\s+\d+\.\d{6} /.test(l) : l.startsWith('{')));
        const deadline = Date.now() + 20_000;
        while (lines().length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        // Ten frames printed, and the writer has not closed the pipe.
        expect(lines()).to.have.length(10);
        expect(child.exitCode).to.equal(null);
        if (format === 'jsonl') expect((JSON.parse(lines()[0]!) as { completeness: unknown }).completeness).to.equal(null);
        child.stdin.end(rest);
        expect(await exited).to.equal(0);
        expect(lines()).to.have.length(410);
        if (format === 'text') expect(stdout).to.contain('completeness 31 (SYN, SYN-ACK, ACK, DATA, FIN)');
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  }
});
