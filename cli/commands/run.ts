/**
 * run.ts: the `run` command's flags and help. The harness and the scenarios load only when it runs.
 */
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../runner.js';
import type { RunCommandOptions } from '../actions/run.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds `wirelab run` to the program. */
export function register(program: Command, run: CommandRunner): void {
  program
    .command('run')
    .description('run scenarios over an impaired path between network namespaces (root)')
    .argument('[targets...]', 'bundled scenario names (see wirelab list), scenario files (.ts, .mts, .js, .mjs), directories or globs')
    .option('--all', 'every bundled scenario')
    .option('-o, --out <dir>', 'artefact directory; each run writes DIR/NAME/', 'runs')
    .option('--seed <n>', 'seed of the impairments (repeats use seed+1, seed+2, …)')
    .option('--capture <point>', 'capture point: client, server or both')
    .option('--repeat <n>', 'run each scenario N times and report pass rates per expectation', '1')
    .option('--parallel <n>', 'run N scenarios at once, each in its own process', '1')
    .option('--shard <i/n>', "run only this CI machine's part of the suite, e.g. 1/2 (deterministic)")
    .option('--dry-run', 'list the scenarios this invocation (and shard) would run, one per line, and run none')
    .option('--reporter <spec>', 'extra report: junit:FILE (JUnit XML) or github (::error annotations; on by itself when GITHUB_ACTIONS=true); repeatable', collect)
    .option('--junit <file>', 'write a JUnit XML report (the same as --reporter junit:FILE)')
    .option('--uplink <expr>', 'replace the client→server impairments, e.g. "drop-nth 3 data"')
    .option('--downlink <expr>', 'replace the server→client impairments, e.g. "delay 50ms | drop-nth 20 data"')
    .option('--replay-impairments <file>', "replay an earlier run from its impairments.jsonl (its seed and chains; its decisions on the same segments)")
    .option('--format <format>', 'text or json', 'text')
    .option('--report', "write report.html (as wirelab report) beside each run's artefacts")
    // The --parallel workers' filter: one scenario of a file that defines several.
    .addOption(new Option('--only <name>', 'run only the scenario of this name').argParser(collect).hideHelp())
    .action((names: string[], opts: RunCommandOptions) =>
      run(async () => (await import('../actions/run.js')).runCommand(names, opts)),
    );
}
