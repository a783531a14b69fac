/** cleanup.ts: the `cleanup` command: sweeps what SIGKILLed runs left behind. */
import type { Command } from 'commander';
import type { CommandRunner } from '../runner.js';

/** Adds `wirelab cleanup` to the program. */
export function register(program: Command, run: CommandRunner): void {
  program
    .command('cleanup')
    .description('remove namespaces, veths, processes and state files left by wirelab runs that were killed (SIGKILL)')
    .action(() =>
      run(async () => {
        const { sweepLeftovers } = await import('../../harness/cleanup.js');
        const swept = await sweepLeftovers();
        const total = swept.netns.length + swept.links.length + swept.killedPids.length + swept.stateFiles.length;
        if (total === 0) {
          process.stdout.write('nothing to clean up\n');
        } else {
          process.stdout.write(
            `removed ${swept.netns.length} namespace(s), ${swept.links.length} veth(s), ${swept.killedPids.length} process(es), ${swept.stateFiles.length} state file(s)\n`,
          );
        }
        return 0;
      }),
    );
}
