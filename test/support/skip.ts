/**
 * skip.ts: skip a test with a reason that shows in the report (mocha's this.skip() takes none).
 */
import type { Context } from 'mocha';

/** Marks the running test pending and appends `(skipped: reason)` to its title. */
export function skipBecause(ctx: Context, reason: string): never {
  if (ctx.test !== undefined) ctx.test.title += ` (skipped: ${reason})`;
  ctx.skip();
}
