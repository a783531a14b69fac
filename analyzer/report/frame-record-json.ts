/**
 * frame-record-json.ts: one FrameRecord as a JSON line, the same text as JSON.stringify(record) but
 * about twice as fast for the JSONL output (a template per record; JSON.stringify only for strings
 * and the rare TLS object). A record with other keys than expected is left to JSON.stringify. Pure.
 */
import type { FrameRecord } from '../analysis-result.js';

/** The keys buildFrameRecord writes, in its order: the template below follows them. */
const KEYS = [
  'frame', 'time_epoch', 'frame_len', 'cap_len', 'protocols', 'ip_version', 'src', 'dst', 'stream', 'sport', 'dport',
  'tcp_flags', 'seq', 'ack', 'seq_raw', 'ack_raw', 'nxtseq', 'tcp_len', 'win', 'win_raw', 'flags', 'dup_ack_num',
  'dup_ack_frame', 'tcp_in_error', 'completeness', 'tls', 'encap', 'info',
] as const;

function sameKeys(record: FrameRecord): boolean {
  const keys = Object.keys(record);
  if (keys.length !== KEYS.length) return false;
  // An undefined value is a key JSON.stringify leaves out: not for the template.
  for (let i = 0; i < keys.length; i++) if (keys[i] !== KEYS[i] || (record as unknown as Record<string, unknown>)[KEYS[i]!] === undefined) return false;
  return true;
}

/** A number or null as JSON.stringify writes it (non-finite numbers become null). */
function num(v: number | null): string {
  return v === null || !Number.isFinite(v) ? 'null' : String(v);
}

function str(v: string | null): string {
  return v === null ? 'null' : JSON.stringify(v);
}

function strings(list: readonly string[]): string {
  if (list.length === 0) return '[]';
  let out = JSON.stringify(list[0]);
  for (let i = 1; i < list.length; i++) out += `,${JSON.stringify(list[i])}`;
  return `[${out}]`;
}

/** `JSON.stringify(record)`, faster for the records buildFrameRecord makes. */
export function frameRecordJson(record: FrameRecord): string {
  const r = record;
  if (!sameKeys(r) || typeof r.tcp_in_error !== 'boolean' || !Array.isArray(r.flags) || !Array.isArray(r.encap)) return JSON.stringify(r);
  return (
    `{"frame":${num(r.frame)},"time_epoch":${str(r.time_epoch)},"frame_len":${num(r.frame_len)},"cap_len":${num(r.cap_len)}` +
    `,"protocols":${str(r.protocols)},"ip_version":${num(r.ip_version)},"src":${str(r.src)},"dst":${str(r.dst)}` +
    `,"stream":${num(r.stream)},"sport":${num(r.sport)},"dport":${num(r.dport)},"tcp_flags":${num(r.tcp_flags)}` +
    `,"seq":${num(r.seq)},"ack":${num(r.ack)},"seq_raw":${num(r.seq_raw)},"ack_raw":${num(r.ack_raw)}` +
    `,"nxtseq":${num(r.nxtseq)},"tcp_len":${num(r.tcp_len)},"win":${num(r.win)},"win_raw":${num(r.win_raw)}` +
    `,"flags":${strings(r.flags)},"dup_ack_num":${num(r.dup_ack_num)},"dup_ack_frame":${num(r.dup_ack_frame)}` +
    `,"tcp_in_error":${r.tcp_in_error},"completeness":${num(r.completeness)},"tls":${r.tls === null ? 'null' : JSON.stringify(r.tls)}` +
    `,"encap":${strings(r.encap)},"info":${str(r.info)}}`
  );
}
