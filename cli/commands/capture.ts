/**
 * capture.ts: the `capture` command's flags and help. libpcap (`cap`) loads only when it runs.
 */
import type { Command } from 'commander';
import type { CommandRunner } from '../runner.js';
import type { CaptureCommandOptions } from '../actions/capture.js';

/** Adds `wirelab capture` to the program. */
export function register(program: Command, run: CommandRunner): void {
  program
    .command('capture')
    .description('capture live traffic with libpcap into pcapng (with the TLS keys inside), and/or print it as it arrives (root)')
    .option('-i, --interface <device>', 'device to capture on', 'lo')
    .option('-f, --filter <bpf>', 'capture filter (pcap-filter syntax), e.g. "tcp port 8443"', '')
    .option('-w, --write <file>', 'write pcapng here (without -w the packet list is printed)')
    .option('--keylog <file>', 'TLS key log to store in the file as a Decryption Secrets Block (read when each file is closed)')
    .option('-c, --count <n>', 'stop after N packets')
    .option('-a, --autostop <cond>', 'stop condition duration:SECONDS')
    .option('-b, --ring-buffer <spec>', 'ring buffer filesize:MB,files:N (FILE_00001.pcapng, …; the oldest are deleted)')
    .option('-s, --snaplen <bytes>', 'bytes kept of each packet', '262144')
    .option('--analyze', 'print the packet list and analysis flags as frames arrive, then the conversations')
    .option('-q, --quiet', 'no status line')
    .addHelpText(
      'after',
      '\nExamples:\n  wirelab capture -i lo -f "tcp port 8443" -w lab.pcapng --keylog sslkeylog.txt -a duration:60\n  wirelab capture -i lo -f "tcp port 8443" --analyze\n  wirelab capture -i eth0 -w ring.pcapng -b filesize:10,files:5',
    )
    .action((options: CaptureCommandOptions) => run(async () => (await import('../actions/capture.js')).captureCommand(options)));
}
