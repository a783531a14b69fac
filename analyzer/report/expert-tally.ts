/**
 * expert-tally.ts: counts findings as they stream past, per id and per summary text (the rows of
 * `tshark -z expert`), so reports need not keep every finding. Pure; no I/O.
 */
import type { ExpertSummaryRow, Finding } from '../analysis-result.js';
import { Expert, renderExpertSummary } from '../analysis/expert.js';
import type { ExpertId, ExpertSeverity, FindingDetail } from '../analysis/expert.js';

/** Running counts of findings. */
export interface ExpertTally {
  add(finding: Finding): void;
  /** Count per finding id. */
  readonly counts: Record<string, number>;
  /** Summary rows, most severe first, in order of first appearance within a severity. */
  rows(): ExpertSummaryRow[];
}

const SEVERITY_RANK: Readonly<Record<ExpertSeverity, number>> = { error: 0, warn: 1, note: 2, chat: 3 };

interface Row {
  severity: ExpertSeverity;
  group: string;
  summary: string;
  count: number;
}

/**
 * How rows of one id are told apart without rendering the summary of every finding (findings
 * arrive at hundreds of thousands per second): by nothing when the template has no placeholder,
 * by the one placeholder's value as fill() prints it when it has one, else by the rendered text.
 */
interface IdRows {
  /** The one `{placeholder}` of the summary template, or undefined for none or several. */
  readonly field: keyof FindingDetail | undefined;
  readonly constant: boolean;
  /** Rows keyed by the placeholder's printed value (or the whole summary when `field` is undefined). */
  readonly byText: Map<string, Row>;
}

function idRowsOf(id: ExpertId): IdRows {
  const names = [...Expert[id].summary.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as keyof FindingDetail);
  return { field: names.length === 1 ? names[0] : undefined, constant: names.length === 0, byText: new Map() };
}

/** Creates an empty tally. */
export function createExpertTally(): ExpertTally {
  const counts: Record<string, number> = {};
  const perId = new Map<string, IdRows>();
  /** Every row once, in order of first appearance. */
  const ordered: Row[] = [];
  return {
    counts,
    add(finding: Finding): void {
      const id = finding.id as ExpertId;
      counts[id] = (counts[id] ?? 0) + 1;
      let idRows = perId.get(id);
      if (idRows === undefined) perId.set(id, (idRows = idRowsOf(id)));
      let text: string;
      if (idRows.constant) {
        text = '';
      } else if (idRows.field !== undefined) {
        // The same text fill() substitutes, so two findings share a row exactly when their summaries are equal.
        const value = finding.detail?.[idRows.field];
        text = value === undefined ? '?' : String(value);
      } else {
        text = renderExpertSummary(id, finding.detail);
      }
      const row = idRows.byText.get(text);
      if (row === undefined) {
        const info = Expert[id];
        const added = { severity: info.severity, group: info.group, summary: renderExpertSummary(id, finding.detail), count: 1 };
        idRows.byText.set(text, added);
        ordered.push(added);
      } else {
        row.count++;
      }
    },
    rows(): ExpertSummaryRow[] {
      return ordered
        .map((r, order) => ({ r, order }))
        .sort((a, b) => SEVERITY_RANK[a.r.severity] - SEVERITY_RANK[b.r.severity] || a.order - b.order)
        .map(({ r }) => ({ ...r }));
    },
  };
}
