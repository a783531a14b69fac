/**
 * init.ts: the `init` command's flags and help.
 */
import type { Command } from 'commander';
import type { CommandRunner } from '../runner.js';

/** Adds `wirelab init` to the program. */
export function register(program: Command, run: CommandRunner): void {
  program
    .command('init')
    .description("write a starter scenario, a mocha test and a GitHub Actions workflow into a project")
    .argument('[dir]', 'the project directory', '.')
    .option('--force', 'overwrite files that already exist')
    .action((dir: string, opts: { force?: boolean }) => run(async () => (await import('../actions/init.js')).initCommand(dir, opts)));
}
