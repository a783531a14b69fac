/**
 * explain.ts: why an expected retransmission flag is missing, in Wireshark's terms: which frame resent
 * the segment instead, the label Wireshark gave it, and the rule that decided (spec/tcp-analysis.md §5).
 * Pure; reads only the analysis' frame records.
 */
import type { Analysis, FrameRecord } from '../../analyzer/analysis-result.js';
import { parseEpoch } from '../../analyzer/report/frame-record.js';

/** Wireshark's fast-retransmission window: the resend must follow the peer's last segment by less. */
const FAST_RETRANSMIT_WINDOW_MS = 20;
/** Dup ACKs Wireshark needs before a resend is "fast" (two suffice, spec Q6). */
const FAST_RETRANSMIT_DUP_ACKS = 2;
/** The most explained resends per outcome: a failure message, not a report. */
const MAX_EXPLAINED = 3;

/** The retransmission family, most specific label first (one frame gets only the first that applies). */
const RESEND_LABELS = [
  ['tcp.analysis.spurious_retransmission', 'a Spurious Retransmission'],
  ['tcp.analysis.fast_retransmission', 'a Fast Retransmission'],
  ['tcp.analysis.out_of_order', 'Out-Of-Order'],
  ['tcp.analysis.retransmission', 'a Retransmission'],
] as const;

type ResendId = (typeof RESEND_LABELS)[number][0];

function isResendId(id: string): id is ResendId {
  return RESEND_LABELS.some(([r]) => r === id);
}

/** Frame records carry tshark's short names ('out_of_order'); findings the full ids. */
function resendLabel(record: FrameRecord): { id: ResendId; text: string } | undefined {
  for (const [id, text] of RESEND_LABELS) if (record.flags.includes(id.slice('tcp.analysis.'.length))) return { id, text };
  return undefined;
}

function millisBetween(a: FrameRecord, b: FrameRecord): number {
  return Number(parseEpoch(b.time_epoch) - parseEpoch(a.time_epoch)) / 1e6;
}

/** Why Wireshark did not call `resend` a fast retransmission: the first of its conditions that failed. */
function notFastBecause(resend: FrameRecord, lastPeer: FrameRecord | undefined): string {
  if (lastPeer === undefined) return 'no segment of the peer preceded it';
  const dupAcks = lastPeer.dup_ack_num ?? 0;
  if (dupAcks === 0) return `no dup ACK preceded it (Wireshark needs ${FAST_RETRANSMIT_DUP_ACKS})`;
  if (dupAcks < FAST_RETRANSMIT_DUP_ACKS) return `only ${dupAcks} dup ACK preceded it (Wireshark needs ${FAST_RETRANSMIT_DUP_ACKS})`;
  if (lastPeer.ack !== resend.seq) return `the peer's last ACK (frame ${lastPeer.frame}) is for seq ${lastPeer.ack}, not ${resend.seq}`;
  const gap = millisBetween(lastPeer, resend);
  return `it came ${gap.toFixed(1)} ms after the peer's last segment (frame ${lastPeer.frame}), not within Wireshark's ${FAST_RETRANSMIT_WINDOW_MS} ms`;
}

/** What made the resend carry the label it has, for a missing label other than fast retransmission. */
function labelBecause(resend: FrameRecord, label: ResendId, lastPeer: FrameRecord | undefined): string {
  switch (label) {
    case 'tcp.analysis.spurious_retransmission':
      return `the peer had already acknowledged seq ${resend.seq}`;
    case 'tcp.analysis.fast_retransmission':
      return `${lastPeer?.dup_ack_num ?? 0} dup ACKs of seq ${resend.seq} preceded it within ${FAST_RETRANSMIT_WINDOW_MS} ms`;
    case 'tcp.analysis.out_of_order':
      return `${notFastBecause(resend, lastPeer)} and it came soon after the previous segment (within the out-of-order window)`;
    case 'tcp.analysis.retransmission':
      return notFastBecause(resend, lastPeer);
  }
}

/**
 * Sentences on why the analysis has too few `id` findings, and the frames they name; empty when `id` is
 * not of the retransmission family.
 * @example explainMissing(analysis, 'tcp.analysis.fast_retransmission', undefined).lines
 *   // → ['frame 95 resends seq 41985 but only 1 dup ACK preceded it (Wireshark needs 2), so it is Out-Of-Order', …]
 */
export function explainMissing(analysis: Analysis, id: string, stream: number | undefined): { lines: string[]; frames: number[] } {
  if (!isResendId(id)) return { lines: [], frames: [] };
  const inScope = analysis.frames.filter((f) => f.stream !== null && (stream === undefined || f.stream === stream));
  const resends = inScope.filter((f) => {
    const label = resendLabel(f);
    return label !== undefined && label.id !== id;
  });
  if (resends.length === 0) {
    const where = stream === undefined ? '' : ` in stream ${stream}`;
    return { lines: [`no frame resends a segment${where}: nothing was lost before the capture point, or the resend is outside the capture`], frames: [] };
  }
  const lines: string[] = [];
  const frames: number[] = [];
  let earlyResend = false;
  for (const resend of resends.slice(0, MAX_EXPLAINED)) {
    const label = resendLabel(resend)!;
    const sender = `${resend.src}:${resend.sport}`;
    let lastPeer: FrameRecord | undefined;
    for (const f of inScope) {
      if (f.frame >= resend.frame) break;
      if (f.stream === resend.stream && `${f.src}:${f.sport}` !== sender) lastPeer = f;
    }
    // Spurious is decided before fast (spec §5), so its own reason is the one that counts.
    const reason = id === 'tcp.analysis.fast_retransmission' && label.id !== 'tcp.analysis.spurious_retransmission' ? notFastBecause(resend, lastPeer) : labelBecause(resend, label.id, lastPeer);
    lines.push(`frame ${resend.frame} resends seq ${resend.seq} but ${reason}, so it is ${label.text}`);
    frames.push(resend.frame);
    if (lastPeer !== undefined) frames.push(lastPeer.frame);
    const isSyn = ((resend.tcp_flags ?? 0) & 0x02) !== 0;
    if (!isSyn && (lastPeer?.dup_ack_num ?? 0) < 3 && label.id !== 'tcp.analysis.spurious_retransmission') earlyResend = true;
  }
  if (resends.length > MAX_EXPLAINED) lines.push(`… and ${resends.length - MAX_EXPLAINED} more resends labelled otherwise`);
  if (earlyResend && id === 'tcp.analysis.fast_retransmission') {
    lines.push("the kernel resent before 3 dup ACKs arrived (RACK, a tail loss probe or an RTO); to pin classic fast retransmit use topology: { preset: 'deterministic-loss' }");
  }
  return { lines, frames };
}
