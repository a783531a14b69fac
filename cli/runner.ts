/** runner.ts: how a command's action reports its exit code (see main.ts's `run`). */
export type CommandRunner = (action: () => Promise<number>) => Promise<void>;
