/**
 * report.ts: the `report` command's flags and help. The analyzer loads only when it runs.
 */
import type { Command } from 'commander';
import type { CommandRunner } from '../runner.js';
import type { ReportCommandOptions } from '../actions/report.js';

/** Adds `wirelab report` to the program. */
export function register(program: Command, run: CommandRunner): void {
  program
    .command('report')
    .description('write one self-contained HTML report of a capture: tables, flow and time-sequence graphs, expert summary, explanation')
    .argument('<input>', 'capture file, run directory of wirelab run, or - for standard input')
    .option('-o, --out <file>', 'the HTML file to write', 'report.html')
    .option('--lang <lang>', 'en or zh (headings and the explanation)', 'en')
    .addHelpText('after', '\nExamples:\n  wirelab report runs/lab-report -o lab.html\n  wirelab report lab.pcapng --lang zh -o 报告.html')
    .action((input: string, options: ReportCommandOptions) => run(async () => (await import('../actions/report.js')).reportCommand(input, options)));
}
