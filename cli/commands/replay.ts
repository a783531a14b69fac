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
    .description("send a capture's frames onto a veth of a wirelab topology or, with --interface lo, onto loopback (addresses rewritten into the run's own ranges), capture and analyze them live on the far side, and check that against wirelab analyze; or, with --as-scenario, re-create the capture's TCP behaviour as a scenario and run it (root)")
    .argument('<capture>', 'pcap or pcapng file (Ethernet, Linux cooked, raw IP or loopback)')
    .option('--speed <x>', 'timing as recorded, this many times faster (default 1)')
    .option('--pps <n>', 'a fixed rate of N packets per second instead')
    .option('--topspeed', 'as fast as possible')
    .option('--loop <n>', 'send the capture N times', '1')
    .option('--limit <n>', 'send at most N frames (of each loop)')
    .option('--interface <name>', 'send and capture on this loopback interface (lo) instead of a fresh topology\'s veth; other interfaces are refused: wirelab sends nothing onto a network it did not make')
    .option('-o, --out <dir>', 'where received.pcapng and live.jsonl go (with --as-scenario: the scenario file and the run)', 'runs/replay')
    .option('--as-scenario', "infer a scenario from the capture (connections, turns, TLS, RTT, MSS, rate, the losses, reorders, copies and zero windows its flags show), write it as NAME.scenario.ts, run it and compare the re-run with the original")
    .option('--write <file>', 'with --as-scenario: only write the scenario to FILE, do not run it')
    .option('--no-compare', 'skip the frame-for-frame check against wirelab analyze CAPTURE')
    .option('-q, --quiet', 'no status line')
    .addHelpText(
      'after',
      '\nExit codes: 0 when the live analysis agrees with the file\'s frame for frame, 1 when it differs (with --as-scenario: when the re-run misses the flags, teardowns or TLS of the original), 2 for bad input or a missing privilege.\n\nExamples:\n  wirelab replay trace.pcap\n  wirelab replay trace.pcap --speed 10\n  wirelab replay trace.pcap --interface lo\n  wirelab replay trace.pcap --topspeed --limit 10000\n  wirelab replay trace.pcap --pps 5000 --loop 3 --no-compare\n  wirelab replay trace.pcap --as-scenario\n  wirelab replay trace.pcap --as-scenario --write mine.scenario.ts',
    )
    .action((capture: string, options: ReplayCommandOptions & { asScenario?: boolean; write?: string }) =>
      run(async () =>
        options.asScenario === true || options.write !== undefined
          ? (await import('../actions/replay-as-scenario.js')).replayAsScenario(capture, options)
          : (await import('../actions/replay.js')).replayCommand(capture, options),
      ),
    );
}
