/**
 * explain.ts: the `explain` command's flags and help. The analyzer loads only when it runs.
 */
import type { Command } from 'commander';
import type { CommandRunner } from '../runner.js';
import type { ExplainCommandOptions } from '../actions/explain.js';

/** Adds `wirelab explain` to the program. */
export function register(program: Command, run: CommandRunner): void {
  program
    .command('explain')
    .description("tell what happened in a capture, in the lab report's order, each claim citing its frames (Markdown)")
    .argument('<input>', 'capture file, run directory of wirelab run, or - for standard input')
    .option('--lang <lang>', 'en or zh', 'en')
    .addHelpText('after', '\nExamples:\n  wirelab explain runs/lab-report\n  wirelab explain lab.pcapng --lang zh > 实验解释.md')
    .action((input: string, options: ExplainCommandOptions) => run(async () => (await import('../actions/explain.js')).explainCommand(input, options)));
}
