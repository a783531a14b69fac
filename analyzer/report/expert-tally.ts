/**
 * expert-tally.ts: counts findings as they stream past, per id and per summary text (the rows of
 * `tshark -z expert`), so reports need not keep every finding. Pure; no I/O.
 */
import type { ExpertSummaryRow, Finding } from '../analysis-result.js';
import { Expert, renderExpertSummary } from '../analysis/expert.js';
import type { ExpertId, ExpertSeverity } from '../analysis/expert.js';

/** Running counts of findings. */
export interface ExpertTally {
  add(finding: Finding): void;
  /** Count per finding id. */
  readonly counts: Record<string, number>;
  /** Summary rows, most severe first, in order of first appearance within a severity. */
  rows(): ExpertSummaryRow[];
}

const SEVERITY_RANK: Readonly<Record<ExpertSeverity, number>> = { error: 0, warn: 1, note: 2, chat: 3 };

/** Creates an empty tally. */
export function createExpertTally(): ExpertTally {
  const counts: Record<string, number> = {};
  const rows = new Map<string, { severity: ExpertSeverity; group: string; summary: string; count: number }>();
  return {
    counts,
    add(finding: Finding): void {
      counts[finding.id] = (counts[finding.id] ?? 0) + 1;
      const info = Expert[finding.id as ExpertId];
      const summary = renderExpertSummary(finding.id as ExpertId, finding.detail);
      const key = `${finding.id}\u0000${summary}`;
      const row = rows.get(key);
      if (row === undefined) rows.set(key, { severity: info.severity, group: info.group, summary, count: 1 });
      else row.count++;
    },
    rows(): ExpertSummaryRow[] {
      return [...rows.values()]
        .map((r, order) => ({ r, order }))
        .sort((a, b) => SEVERITY_RANK[a.r.severity] - SEVERITY_RANK[b.r.severity] || a.order - b.order)
        .map(({ r }) => ({ ...r }));
    },
  };
}
