/**
 * run.ts: the `run` command's flags and help. The harness and the scenarios load only when it runs.
 */
import type { Command } from 'commander';
import type { CommandRunner } from '../runner.js';
import type { RunCommandOptions } from '../actions/run.js';

/** Adds `wirelab run` to the program. */
export function register(program: Command, run: CommandRunner): void {
  program
    .command('run')
    .description('run scenarios over an impaired path between network namespaces (root)')
    .argument('<names...>', 'scenario names (see wirelab list)')
    .option('-o, --out <dir>', 'artefact directory; each run writes DIR/NAME/', 'runs')
    .option('--seed <n>', 'seed of the impairments (repeats use seed+1, seed+2, …)')
    .option('--capture <point>', 'capture point: client, server or both')
    .option('--repeat <n>', 'run each scenario N times and report the pass rate', '1')
    .option('--uplink <expr>', 'replace the client→server impairments, e.g. "drop-nth 3 data"')
    .option('--downlink <expr>', 'replace the server→client impairments, e.g. "delay 50ms | drop-nth 20 data"')
    .option('--replay-impairments <file>', "repeat an earlier run's decisions from its impairments.jsonl")
    .option('--format <format>', 'text or json', 'text')
    .option('--report', "write report.html (as wirelab report) beside each run's artefacts")
    .action((names: string[], opts: RunCommandOptions) =>
      run(async () => (await import('../actions/run.js')).runCommand(names, opts)),
    );
}
