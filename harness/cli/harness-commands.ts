/**
 * harness-commands.ts: the commands that drive the network harness (`run`, `list`, `cleanup`).
 * Their modules never load `cap` at import time: it loads only when a proxy starts.
 */
import type { Command } from 'commander';

type Runner = (action: () => Promise<number>) => Promise<void>;

/** Adds `run`, `list` and `cleanup` to the program; their modules load only when one runs. */
export async function registerHarnessCommands(program: Command, run: Runner): Promise<void> {
  const [runCommand, listCommand] = await Promise.all([
    import('./commands/run.js'),
    import('./commands/list.js'),
  ]);
  runCommand.register(program, run);
  listCommand.register(program, run);
  program
    .command('cleanup')
    .description('remove namespaces, veths, processes and state files left by wirelab runs that were killed (SIGKILL)')
    .action(() =>
      run(async () => {
        const { sweepLeftovers } = await import('../cleanup.js');
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
