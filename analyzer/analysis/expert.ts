/**
 * expert.ts: THE table of findings wirelab can report (ids = Wireshark filter names), their
 * texts, flag bits and the Info-column tag order. Pure data and formatting; imports only errors.
 */
import { ConfigError } from '../errors.js';

/** Severity levels of Wireshark's expert system, lowest first. */
export type ExpertSeverity = 'chat' | 'note' | 'warn' | 'error';

/** Expert groups we use: TCP sequence analysis, decode problems, protocol events. */
export type ExpertGroup = 'sequence' | 'malformed' | 'protocol';

/** One row of the expert table. */
export interface ExpertInfo {
  readonly severity: ExpertSeverity;
  readonly group: ExpertGroup;
  /** `tshark -z expert` summary; `{name}` marks a value taken from the finding's detail. */
  readonly summary: string;
  /** Info-column tag without brackets, when Wireshark shows one; same `{name}` convention. */
  readonly infoTag?: string;
  /**
   * The bit of a `tcp.analysis.*` flag in TcpFrameAnalysis.flags (analysis-flag.ts names them).
   * Fast and spurious retransmissions have their own bit; tshark also lists them as retransmissions.
   */
  readonly flagBit?: number;
}

/**
 * Every finding id with its severity, group and texts (spec/tcp-analysis.md §11). Ids are
 * Wireshark display-filter names, so any finding can be checked with `tshark -Y <id>`.
 * Detection code refers to ids only; text is rendered from here by `report/`.
 */
export const Expert = {
  'tcp.analysis.retransmission': {
    flagBit: 0x0001,
    severity: 'note',
    group: 'sequence',
    summary: 'This frame is a (suspected) retransmission',
    infoTag: 'TCP Retransmission',
  },
  'tcp.analysis.fast_retransmission': {
    flagBit: 0x0400,
    severity: 'note',
    group: 'sequence',
    summary: 'This frame is a (suspected) fast retransmission',
    infoTag: 'TCP Fast Retransmission',
  },
  'tcp.analysis.spurious_retransmission': {
    flagBit: 0x4000,
    severity: 'note',
    group: 'sequence',
    summary: 'This frame is a (suspected) spurious retransmission',
    infoTag: 'TCP Spurious Retransmission',
  },
  'tcp.analysis.out_of_order': {
    flagBit: 0x0200,
    severity: 'warn',
    group: 'sequence',
    summary: 'This frame is a (suspected) out-of-order segment',
    infoTag: 'TCP Out-Of-Order',
  },
  'tcp.analysis.lost_segment': {
    flagBit: 0x0002,
    severity: 'warn',
    group: 'sequence',
    summary: 'Previous segment(s) not captured (common at capture start)',
    infoTag: 'TCP Previous segment not captured',
  },
  'tcp.analysis.ack_lost_segment': {
    flagBit: 0x0004,
    severity: 'warn',
    group: 'sequence',
    summary: "ACKed segment that wasn't captured (common at capture start)",
    infoTag: 'TCP ACKed unseen segment',
  },
  'tcp.analysis.duplicate_ack': {
    flagBit: 0x0010,
    severity: 'note',
    group: 'sequence',
    summary: 'Duplicate ACK (#{dupAckNum})',
    infoTag: 'TCP Dup ACK {dupAckFrame}#{dupAckNum}',
  },
  'tcp.analysis.keep_alive': {
    flagBit: 0x0008,
    severity: 'note',
    group: 'sequence',
    summary: 'TCP keep-alive segment',
    infoTag: 'TCP Keep-Alive',
  },
  'tcp.analysis.keep_alive_ack': {
    flagBit: 0x0100,
    severity: 'note',
    group: 'sequence',
    summary: 'ACK to a TCP keep-alive segment',
    infoTag: 'TCP Keep-Alive ACK',
  },
  'tcp.analysis.zero_window': {
    flagBit: 0x0020,
    severity: 'warn',
    group: 'sequence',
    summary: 'TCP Zero Window segment',
    infoTag: 'TCP ZeroWindow',
  },
  'tcp.analysis.zero_window_probe': {
    flagBit: 0x0040,
    severity: 'note',
    group: 'sequence',
    summary: 'TCP Zero Window Probe',
    infoTag: 'TCP ZeroWindowProbe',
  },
  'tcp.analysis.zero_window_probe_ack': {
    flagBit: 0x0080,
    severity: 'note',
    group: 'sequence',
    summary: 'ACK to a TCP Zero Window Probe',
    infoTag: 'TCP ZeroWindowProbeAck',
  },
  'tcp.analysis.window_update': {
    flagBit: 0x0800,
    severity: 'chat',
    group: 'sequence',
    summary: 'TCP window update',
    infoTag: 'TCP Window Update',
  },
  'tcp.analysis.window_full': {
    flagBit: 0x1000,
    severity: 'warn',
    group: 'sequence',
    summary: 'TCP window specified by the receiver is now completely full',
    infoTag: 'TCP Window Full',
  },
  'tcp.analysis.reused_ports': {
    flagBit: 0x2000,
    severity: 'note',
    group: 'sequence',
    summary: 'A new tcp session is started with the same ports as an earlier session in this trace',
    infoTag: 'TCP Port numbers reused',
  },
  'tcp.analysis.tfo_syn': { flagBit: 0x8000, severity: 'note', group: 'sequence', summary: 'TCP SYN with TFO Cookie' },
  'tcp.analysis.tfo_ack': { flagBit: 0x10000, severity: 'note', group: 'sequence', summary: 'TCP SYN-ACK accepting TFO data' },
  'tcp.analysis.tfo_ignored': { flagBit: 0x20000, severity: 'note', group: 'sequence', summary: 'TCP SYN-ACK ignoring TFO data' },
  'tcp.connection.syn': {
    severity: 'chat',
    group: 'sequence',
    summary: 'Connection establish request (SYN): server port {serverPort}',
  },
  'tcp.connection.synack': {
    severity: 'chat',
    group: 'sequence',
    summary: 'Connection establish acknowledge (SYN+ACK): server port {serverPort}',
  },
  'tcp.connection.fin': { severity: 'chat', group: 'sequence', summary: 'Connection finish (FIN)' },
  'tcp.connection.rst': { severity: 'warn', group: 'sequence', summary: 'Connection reset (RST)' },
  'tcp.connection.fin_active': {
    severity: 'note',
    group: 'sequence',
    summary: 'This frame initiates the connection closing',
  },
  'tcp.connection.fin_passive': {
    severity: 'note',
    group: 'sequence',
    summary: 'This frame undergoes the connection closing',
  },
  // Wireshark's own name for a dissection exception; we raise it for every DecodeIssue.
  '_ws.malformed': {
    severity: 'error',
    group: 'malformed',
    summary: 'Malformed Packet: {message}',
    infoTag: 'Malformed Packet',
  },
} as const satisfies Record<string, ExpertInfo>;

/** A finding id: a key of the expert table. */
export type ExpertId = keyof typeof Expert;

const TCP_ANALYSIS_PREFIX = 'tcp.analysis.';

/**
 * The full finding id of a flag name: `fast_retransmission` → `tcp.analysis.fast_retransmission`.
 * Ids that already contain a dot (`tcp.connection.rst`, `_ws.malformed`) are kept as they are.
 * Whether the id is known is `isExpertId`'s question; an empty name is an ERR_CONFIG.
 */
export function normalizeFlagId(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new ConfigError('flag id: expected a name such as fast_retransmission or tcp.analysis.duplicate_ack');
  return trimmed.includes('.') ? trimmed : `${TCP_ANALYSIS_PREFIX}${trimmed}`;
}

/** The short name of a finding id: `tcp.analysis.fast_retransmission` → `fast_retransmission`. */
export function shortFlagName(id: string): string {
  return id.startsWith(TCP_ANALYSIS_PREFIX) ? id.slice(TCP_ANALYSIS_PREFIX.length) : id;
}

/** True for a key of the expert table. */
export function isExpertId(id: string): id is ExpertId {
  return Object.prototype.hasOwnProperty.call(Expert, id);
}

/** Values a finding may carry; they fill the `{name}` slots of the texts. */
export interface FindingDetail {
  readonly dupAckNum?: number;
  readonly dupAckFrame?: number;
  readonly serverPort?: number;
  readonly message?: string;
}

/** One finding: data only, presentation happens in report/. */
export interface Finding {
  /** 1-based frame number. */
  readonly frame: number;
  /** tcp.stream of the frame, undefined for findings outside TCP (e.g. malformed non-TCP frames). */
  readonly stream: number | undefined;
  readonly id: ExpertId;
  readonly detail?: FindingDetail;
}

/**
 * Ids that have an Info-column tag, in the left-to-right order Wireshark 4.0 shows them
 * (spec §7: the tags are prepended, so this is the reverse of the order they are added).
 */
export const INFO_TAG_ORDER = [
  'tcp.analysis.zero_window_probe_ack',
  'tcp.analysis.zero_window',
  'tcp.analysis.zero_window_probe',
  'tcp.analysis.duplicate_ack',
  'tcp.analysis.keep_alive_ack',
  'tcp.analysis.keep_alive',
  'tcp.analysis.window_full',
  'tcp.analysis.window_update',
  'tcp.analysis.ack_lost_segment',
  'tcp.analysis.lost_segment',
  'tcp.analysis.out_of_order',
  'tcp.analysis.spurious_retransmission',
  'tcp.analysis.fast_retransmission',
  'tcp.analysis.retransmission',
  'tcp.analysis.reused_ports',
] as const satisfies readonly ExpertId[];

function fill(template: string, detail: FindingDetail | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = detail?.[name as keyof FindingDetail];
    return value === undefined ? '?' : String(value);
  });
}

/** The `tshark -z expert` summary of a finding, e.g. `Duplicate ACK (#3)`. */
export function renderExpertSummary(id: ExpertId, detail?: FindingDetail): string {
  return fill(Expert[id].summary, detail);
}

/**
 * The Info-column tags of one frame's findings, in Wireshark's order, e.g.
 * `[TCP Dup ACK 43#3] [TCP ACKed unseen segment]`. A frame that is a fast or spurious
 * retransmission shows only that tag, not `[TCP Retransmission]` as well (spec §7).
 * @example renderInfoTags([{ frame: 45, stream: 0, id: 'tcp.analysis.duplicate_ack', detail: { dupAckFrame: 43, dupAckNum: 3 } }])
 *   // → '[TCP Dup ACK 43#3]'
 */
export function renderInfoTags(findings: readonly Finding[]): string {
  const ids = new Set(findings.map((f) => f.id));
  const parts: string[] = [];
  for (const id of INFO_TAG_ORDER) {
    if (!ids.has(id)) continue;
    if (
      id === 'tcp.analysis.retransmission' &&
      (ids.has('tcp.analysis.fast_retransmission') || ids.has('tcp.analysis.spurious_retransmission'))
    ) {
      continue;
    }
    const finding = findings.find((f) => f.id === id);
    parts.push(`[${fill(Expert[id].infoTag, finding?.detail)}]`);
  }
  return parts.join(' ');
}
