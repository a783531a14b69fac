/**
 * replay.ts: the `replay` command's flags and help. The harness loads only when it runs.
 */
import type { Command } from 'commander';
import type { CommandRunner } from '../runner.js';
import type { ReplayCommandOptions } from '../actions/replay.js';

/** Adds `wirelab replay` to the program. */
export function register(program: Command, run: CommandRunner): void {
  program
    .command('replay')
    .description("send a capture's frames onto a veth of a wirelab topology (addresses rewritten into the run's own ranges), capture and analyze them live on the far side, and check that against wirelab analyze (root)")
    .argument('<capture>', 'pcap or pcapng file (Ethernet, Linux cooked, raw IP or loopback)')
    .option('--speed <x>', 'timing as recorded, this many times faster (default 1)')
    .option('--pps <n>', 'a fixed rate of N packets per second instead')
    .option('--topspeed', 'as fast as possible')
    .option('--loop <n>', 'send the capture N times', '1')
    .option('--limit <n>', 'send at most N frames (of each loop)')
    .option('-o, --out <dir>', 'where received.pcapng and live.jsonl go', 'runs/replay')
    .option('--no-compare', 'skip the frame-for-frame check against wirelab analyze CAPTURE')
    .option('-q, --quiet', 'no status line')
    .addHelpText(
      'after',
      '\nExit codes: 0 when the live analysis agrees with the file\'s frame for frame, 1 when it differs, 2 for bad input or a missing privilege.\n\nExamples:\n  wirelab replay trace.pcap\n  wirelab replay trace.pcap --speed 10\n  wirelab replay trace.pcap --topspeed --limit 10000\n  wirelab replay trace.pcap --pps 5000 --loop 3 --no-compare',
    )
    .action((capture: string, options: ReplayCommandOptions) => run(async () => (await import('../actions/replay.js')).replayCommand(capture, options)));
}
