/**
 * main.ts: the `wirelab` command line. Parses arguments with commander, runs one command, prints
 * any error once as `error [CODE]: message`, and exits 0 ok, 1 expectation failed, 2 bad input or environment.
 */
import { Command, CommanderError } from 'commander';
import { isExpectationError, isHarnessError } from '../analyzer/errors.js';
import { register as registerAnalyze } from './commands/analyze.js';
import { register as registerCapture } from './commands/capture.js';
import { register as registerCleanup } from './commands/cleanup.js';
import { register as registerInit } from './commands/init.js';
import { register as registerList } from './commands/list.js';
import { register as registerExplain } from './commands/explain.js';
import { register as registerReport } from './commands/report.js';
import { register as registerReplay } from './commands/replay.js';
import { register as registerRun } from './commands/run.js';
import { register as registerServe } from './commands/serve.js';

/** Exit codes of every wirelab command. */
export const ExitCode = { Ok: 0, ExpectationFailed: 1, BadInput: 2 } as const;

function report(e: unknown): number {
  if (isHarnessError(e)) {
    process.stderr.write(`error [${e.code}]: ${e.message}\n`);
    return isExpectationError(e) ? ExitCode.ExpectationFailed : ExitCode.BadInput;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`error [ERR_INTERNAL]: ${message} (a bug in wirelab: rerun with WIRELAB_DEBUG=1 for the stack)\n`);
  if (process.env['WIRELAB_DEBUG'] === '1' && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return ExitCode.BadInput;
}

async function run(action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (e) {
    process.exitCode = report(e);
  }
}

/** Builds the program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('wirelab')
    .description('Reproduce, capture and analyze TCP and TLS behaviour; flag-compatible with Wireshark 4.0.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // Each command loads its implementation only when it runs: `analyze` never loads the harness.
  registerAnalyze(program, run);
  registerRun(program, run);
  registerList(program, run);
  registerCleanup(program, run);
  registerServe(program, run);
  registerExplain(program, run);
  registerReport(program, run);
  registerInit(program, run);
  registerCapture(program, run);
  registerReplay(program, run);
  return program;
}

async function main(argv: readonly string[]): Promise<void> {
  // A reader that stops early (`wirelab --help | head`) closes the pipe: the rest of the text has
  // nowhere to go, which is not an error, and the command still finishes what it writes to files.
  // cli/output.ts also stops producing command output then.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed the message (or the help/version text).
      process.exitCode = e.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
      return;
    }
    process.exitCode = report(e);
  }
}

await main(process.argv);
