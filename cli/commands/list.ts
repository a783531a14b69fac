/** list.ts: the `list` command; the scenarios load only when it runs. */
import type { Command } from 'commander';
import type { CommandRunner } from '../runner.js';

/** Adds `wirelab list` to the program. */
export function register(program: Command, run: CommandRunner): void {
  program
    .command('list')
    .description('list the bundled scenarios')
    .action(() =>
      run(async () => {
        const { listCommand } = await import('../actions/list.js');
        process.stdout.write(`${listCommand().join('\n')}\n`);
        return 0;
      }),
    );
}
