/**
 * compare-runs.ts: the original capture against the re-run of its inferred scenario, connection by
 * connection (handshake, bytes, analysis flags, teardown), with a similarity score. Pure; no I/O.
 */
import type { Analysis, ConversationReport } from '../analysis-result.js';
import { COMPARED_FLAGS, flagCountsAgree, type InferredScenario } from './infer-scenario.js';

/** One compared item of one connection. */
export interface ComparedItem {
  readonly label: string;
  readonly original: string;
  readonly rerun: string;
  /** Equal; for flag counts, both present and within ±1; for bytes, within 10%. */
  readonly agrees: boolean;
  /** Shown but not scored (client bytes: the re-run's requests are the lab client's own). */
  readonly scored: boolean;
}

export interface ConnectionComparison {
  readonly title: string;
  readonly originalStream: number;
  /** The re-run's stream, or undefined when it has no connection to pair with. */
  readonly rerunStream: number | undefined;
  readonly items: readonly ComparedItem[];
}

export interface RunComparison {
  readonly connections: readonly ConnectionComparison[];
  /** Connections of the re-run not paired with any of the original (extra connections). */
  readonly extraRerunStreams: readonly number[];
  readonly agreed: number;
  readonly total: number;
  /** agreed / total, 0–100, rounded. */
  readonly score: number;
}

function flagCountsByStream(analysis: Analysis): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  for (const f of analysis.frames) {
    if (f.stream === null) continue;
    let counts = out.get(f.stream);
    if (counts === undefined) out.set(f.stream, (counts = {}));
    for (const flag of f.flags) if (COMPARED_FLAGS.includes(flag)) counts[flag] = (counts[flag] ?? 0) + 1;
  }
  return out;
}

function handshakeText(c: ConversationReport): string {
  const tcp = c.handshake.complete ? 'TCP' : 'TCP (no full handshake)';
  const t = c.tls;
  if (t?.version === undefined) return tcp;
  return `${tcp} + ${t.version}${t.cipherSuite === undefined ? '' : ` ${t.cipherSuite}`}`;
}

function bytesText(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)} kB` : `${n} B`;
}

function within(a: number, b: number, fraction: number): boolean {
  return Math.abs(a - b) <= Math.max(a, b) * fraction;
}

/** Pairs the original's re-created connections with the re-run's: in order, spares with spares. */
function pair(inferred: InferredScenario, rerun: Analysis): { pairs: [number, number | undefined][]; extra: number[] } {
  const rerunConvs = rerun.conversations.filter((c) => c.teardown !== 'refused').sort((a, b) => a.firstFrame - b.firstFrame);
  const rerunSpares = new Set(rerun.parallelConnections.flatMap((g) => g.idleStreams));
  const free = { spare: rerunConvs.filter((c) => rerunSpares.has(c.stream)), busy: rerunConvs.filter((c) => !rerunSpares.has(c.stream)) };
  const pairs: [number, number | undefined][] = [];
  for (const c of inferred.connections) {
    const list = c.spare ? free.spare : free.busy;
    pairs.push([c.stream, list.shift()?.stream]);
  }
  return { pairs, extra: [...free.spare, ...free.busy].map((c) => c.stream).sort((a, b) => a - b) };
}

/** Compares the original with the re-run of `inferred`. */
export function compareRuns(original: Analysis, inferred: InferredScenario, rerun: Analysis): RunComparison {
  const originalFlags = flagCountsByStream(original);
  const rerunFlags = flagCountsByStream(rerun);
  const conv = (a: Analysis, stream: number | undefined) => (stream === undefined ? undefined : a.conversations.find((c) => c.stream === stream));
  const { pairs, extra } = pair(inferred, rerun);
  const connections: ConnectionComparison[] = [];
  let agreed = 0;
  let total = 0;
  for (const [o, r] of pairs) {
    const oc = conv(original, o)!;
    const rc = conv(rerun, r);
    const inferredConn = inferred.connections.find((c) => c.stream === o)!;
    const items: ComparedItem[] = [];
    const missing = '(no connection)';
    items.push({ label: 'handshake', original: handshakeText(oc), rerun: rc === undefined ? missing : handshakeText(rc), agrees: rc !== undefined && handshakeText(oc) === handshakeText(rc), scored: true });
    items.push({
      label: 'bytes server→client',
      original: bytesText(oc.bytes[1]),
      rerun: rc === undefined ? missing : bytesText(rc.bytes[1]),
      agrees: rc !== undefined && within(oc.bytes[1], rc.bytes[1], 0.1),
      scored: true,
    });
    items.push({ label: 'bytes client→server', original: bytesText(oc.bytes[0]), rerun: rc === undefined ? missing : bytesText(rc.bytes[0]), agrees: rc !== undefined && within(oc.bytes[0], rc.bytes[0], 0.1), scored: false });
    const of = originalFlags.get(o) ?? {};
    const rf = r === undefined ? {} : (rerunFlags.get(r) ?? {});
    for (const flag of COMPARED_FLAGS) {
      const a = of[flag] ?? 0;
      const b = rf[flag] ?? 0;
      if (a === 0 && b === 0) continue;
      items.push({ label: flag, original: String(a), rerun: rc === undefined ? missing : String(b), agrees: rc !== undefined && flagCountsAgree(flag, a, b), scored: true });
    }
    items.push({ label: 'teardown', original: oc.teardown, rerun: rc === undefined ? missing : rc.teardown, agrees: rc !== undefined && oc.teardown === rc.teardown, scored: true });
    for (const item of items) {
      if (!item.scored) continue;
      total++;
      if (item.agrees) agreed++;
    }
    const title = `original stream ${o} (${oc.client.address}:${oc.client.port} → ${oc.server.address}:${oc.server.port}${inferredConn.spare ? ', idle spare' : ''}) ↔ re-run stream ${r ?? '–'}`;
    connections.push({ title, originalStream: o, rerunStream: r, items });
  }
  total += extra.length; // an extra connection in the re-run is a difference
  return { connections, extraRerunStreams: extra, agreed, total, score: total === 0 ? 100 : Math.round((agreed / total) * 100) };
}

/** The side-by-side text report, with its legend. */
export function formatComparison(comparison: RunComparison): string {
  const lines: string[] = [];
  const rows = comparison.connections.flatMap((c) => c.items);
  const w0 = Math.max(9, ...rows.map((i) => i.label.length));
  const w1 = Math.max(8, ...rows.map((i) => i.original.length));
  const w2 = Math.max(6, ...rows.map((i) => i.rerun.length));
  for (const c of comparison.connections) {
    lines.push(c.title);
    lines.push(`  ${'item'.padEnd(w0)}  ${'original'.padEnd(w1)}  ${'re-run'.padEnd(w2)}`);
    for (const i of c.items) lines.push(`  ${i.label.padEnd(w0)}  ${i.original.padEnd(w1)}  ${i.rerun.padEnd(w2)}  ${i.scored ? (i.agrees ? 'same' : 'DIFFERS') : '(not scored)'}`);
  }
  if (comparison.extraRerunStreams.length > 0) lines.push(`re-run streams ${comparison.extraRerunStreams.join(', ')} have no counterpart in the original (each counts as a difference)`);
  lines.push(`similarity ${comparison.score}%: ${comparison.agreed} of ${comparison.total} items the same`);
  lines.push('  (same: equal text; flag counts within ±1 and present in both, except duplicate_ack, keep_alive and');
  lines.push('   zero_window_probe_ack, which follow the receiver\'s ACK timing: within ±1 or ±5%, and a single one may be');
  lines.push("   missing; server→client bytes within 10%. Client→server bytes are not scored: the re-run's requests are the lab");
  lines.push("   client's own.)");
  return `${lines.join('\n')}\n`;
}
