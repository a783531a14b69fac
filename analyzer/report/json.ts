/**
 * json.ts: the `--format json` document: conversations, findings and expert counts, with bigint
 * times as strings so the document is plain JSON. Pure; no I/O.
 */
import type { Analysis } from '../analysis-result.js';

/** The JSON report; `streams`/`flagIds` narrow conversations and findings when given. */
export function toJsonReport(
  analysis: Analysis,
  streams?: ReadonlySet<number>,
  flagIds?: ReadonlySet<string>,
): Record<string, unknown> {
  const conversations = analysis.conversations
    .filter((c) => streams === undefined || streams.has(c.stream))
    .map((c) => ({ ...c, startNs: c.startNs.toString(), endNs: c.endNs.toString() }));
  const findings = analysis.findings.filter(
    (f) =>
      (streams === undefined || (f.stream !== undefined && streams.has(f.stream))) &&
      (flagIds === undefined || flagIds.has(f.id)),
  );
  return {
    source: analysis.source,
    frameCount: analysis.frameCount,
    conversations,
    parallelConnections: analysis.parallelConnections,
    expertCounts: analysis.expertCounts,
    expertSummary: analysis.expertSummary,
    findings,
    ...(analysis.keyLogWarnings === undefined ? {} : { keyLogWarnings: analysis.keyLogWarnings }),
    ...(analysis.readError === undefined
      ? {}
      : { readError: { code: analysis.readError.code, message: analysis.readError.message, offset: analysis.readError.offset } }),
  };
}
