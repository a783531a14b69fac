/**
 * analyze.ts: the `analyze` command's flags and help. The analyzer loads only when the command runs,
 * so `wirelab --help` starts fast.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../analyzer/errors.js';
import type { CommandRunner } from '../runner.js';
import type { AnalyzeCommandOptions } from '../actions/analyze.js';

function parseStreamId(value: string, previous: number[] = []): number[] {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`--stream takes a stream number ≥ 0 (got "${value}")`);
  return [...previous, n];
}

function parseFollow(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`--follow takes a stream number ≥ 0 (got "${value}")`);
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds `analyze` to the program. */
export function register(program: Command, run: CommandRunner): void {
  program
    .command('analyze')
    .description('decode a pcap/pcapng capture (or - for stdin, gzip allowed) and report what TCP and TLS did')
    .argument('<file>', 'capture file, or - for standard input')
    .option('-f, --format <format>', 'text (packet list, conversations, expert summary), jsonl (one object per frame, tshark oracle schema) or json', 'text')
    .option('-s, --stream <n>', 'only this tcp.stream (repeatable)', parseStreamId)
    .option('--flag <id>', 'only frames with this finding, e.g. fast_retransmission or tcp.connection.rst (repeatable)', collect)
    .option('--no-packets', 'text format: leave out the packet list')
    .option('--keylog <file>', 'TLS key log (NSS format, SSLKEYLOGFILE) to decrypt with (repeatable; default $SSLKEYLOGFILE; a pcapng\'s own Decryption Secrets Blocks are always used)', collect)
    .option('--follow <n>', 'print tcp.stream N\'s decrypted bytes both ways, like tshark -z follow,tls,ascii,N', parseFollow)
    .option('--raw', 'with --follow: write the decrypted bytes as they are')
    .addHelpText(
      'after',
      '\nExamples:\n  wirelab analyze trace.pcapng\n  wirelab analyze trace.pcap --format jsonl > frames.jsonl\n  tcpdump -i lo -w - port 443 | wirelab analyze -\n  wirelab analyze trace.pcap --flag fast_retransmission --flag duplicate_ack\n  wirelab analyze trace.pcap --keylog sslkeylog.txt --format jsonl\n  wirelab analyze runs/lab-report/capture.pcapng --follow 0',
    )
    .action((file: string, options: AnalyzeCommandOptions) =>
      run(async () => (await import('../actions/analyze.js')).analyzeCommand(file, options)),
    );
}
