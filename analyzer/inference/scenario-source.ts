/**
 * scenario-source.ts: an InferredScenario as a readable `.scenario.ts` in the DSL of `scenarios/`, with a
 * comment per step and impairment saying what in the original it stands for. Pure text; no I/O.
 * harness/replay/as-scenario.ts builds the same scenario as objects (a test keeps the two equal).
 */
import { ACK_TIMING_FLAGS, flagTolerance, type InferredAction, type InferredEvent, type InferredScenario } from './infer-scenario.js';

/** The expectations of a re-run: each flag the original showed, within its tolerance (and at least once, unless it follows ACK timing). */
export function flagBounds(inferred: InferredScenario): { flag: string; min: number; max: number }[] {
  return Object.entries(inferred.flagCounts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([flag, n]) => ({ flag, min: Math.max(ACK_TIMING_FLAGS.has(flag) ? 0 : 1, n - flagTolerance(flag, n)), max: n + flagTolerance(flag, n) }));
}

/** Each distinct teardown class of the connections re-created, in order of appearance. */
export function teardownKinds(inferred: InferredScenario): string[] {
  return [...new Set(inferred.connections.map((c) => c.teardown))];
}

/** Events of one direction in chain order: drops, reorders, capture drops; then the rate; then copies. */
export function eventsInChainOrder(inferred: InferredScenario, direction: 'uplink' | 'downlink'): { before: InferredEvent[]; after: InferredEvent[] } {
  const order = { 'drop-syn': 0, drop: 0, reorder: 1, 'capture-drop': 2, duplicate: 3 } as const;
  const events = inferred.events.filter((e) => e.direction === direction).sort((a, b) => order[a.kind] - order[b.kind] || a.offset - b.offset);
  return { before: events.filter((e) => e.kind !== 'duplicate'), after: events.filter((e) => e.kind === 'duplicate') };
}

/** The scenario's client timeout: the default 30 s, or three times a long original. */
export function timeoutFor(inferred: InferredScenario): number | undefined {
  const last = inferred.steps.reduce((ms, s) => (s.relative ? ms + s.atMs : Math.max(ms, s.atMs)), 0);
  return last * 3 > 30_000 ? Math.min(120_000, Math.ceil(last * 3)) : undefined;
}

function q(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function matchSource(e: InferredEvent): string {
  const what = e.kind === 'drop-syn' ? 'isSyn' : `coversOffset(${e.offset})`;
  return e.conn === undefined ? what : `allOf(inConnection(${e.conn}), ${what})`;
}

function eventSource(e: InferredEvent): string {
  const m = matchSource(e);
  switch (e.kind) {
    case 'drop':
    case 'drop-syn':
      return `dropWhere(${m}, { count: ${e.count} })`;
    case 'reorder':
      return `reorder({ hold: 1, after: ${e.after}, match: ${m}, past: isDataSegment })`;
    case 'capture-drop':
      return `captureDrop(${m}, { nth: 1 })`;
    case 'duplicate':
      return `duplicate({ nth: 1, match: ${m} })`;
  }
}

function actionSource(a: InferredAction): string {
  const on = a.connection === 'main' ? '' : `connection: ${q(a.connection)}`;
  switch (a.kind) {
    case 'connect':
      return `client.connect(${on === '' ? '' : `{ ${on} }`})`;
    case 'get': {
      const opts = [on, a.stallMs === undefined ? '' : `stallMs: ${a.stallMs}`].filter((x) => x !== '');
      return `client.get(${q(a.path)}${opts.length === 0 ? '' : `, { ${opts.join(', ')} }`})`;
    }
    case 'page':
      return `client.page({ ${[on, `connections: ${a.connections}`, `spareClose: ${q(a.spareClose)}`].filter((x) => x !== '').join(', ')} })`;
    case 'close':
      return `client.close(${q(a.mode)}${on === '' ? '' : `, { ${on} }`})`;
  }
}

function timeSource(atMs: number, relative: boolean): string {
  return relative ? q(`+${atMs}ms`) : String(atMs);
}

/**
 * The scenario file. `importFrom` is the module the DSL comes from: 'wirelab/scenario' for a user's
 * project, or a path to the checkout's harness/scenario/index.js.
 */
export function renderScenarioSource(inferred: InferredScenario, importFrom = 'wirelab/scenario'): string {
  const lines: string[] = [];
  lines.push('/**');
  lines.push(` * ${inferred.name}: written by \`wirelab replay ${inferred.source.replace(/\*\//g, '*\\/')} --as-scenario\`.`);
  lines.push(` * ${inferred.description}.`);
  lines.push(` * Path: RTT ${inferred.rttMs} ms${inferred.mss === undefined ? '' : `, MSS ${inferred.mss}`}${inferred.rateKbps === undefined ? '' : `, ${inferred.rateKbps} kbit/s bottleneck`}; the original was captured on the ${inferred.capture} side.`);
  if (inferred.notes.length > 0) {
    lines.push(' * Not re-created:');
    for (const n of inferred.notes) lines.push(` * - ${n.replace(/\*\//g, '*\\/')}`);
  }
  lines.push(' */');
  const names = new Set(['defineScenario', 'at', 'client', 'between']);
  for (const e of inferred.events) {
    names.add(e.kind === 'drop-syn' ? 'isSyn' : 'coversOffset');
    if (e.conn !== undefined) names.add('allOf').add('inConnection');
    names.add(e.kind === 'drop' || e.kind === 'drop-syn' ? 'dropWhere' : e.kind === 'reorder' ? 'reorder' : e.kind === 'capture-drop' ? 'captureDrop' : 'duplicate');
    if (e.kind === 'reorder') names.add('isDataSegment');
  }
  if (inferred.rateKbps !== undefined) names.add('rate');
  const bounds = flagBounds(inferred);
  if (bounds.length > 0) names.add('count');
  if (inferred.tls !== undefined) names.add('tls');
  if (inferred.parallel !== undefined) names.add('parallel');
  if (inferred.connections.length > 0) names.add('teardown');
  if (bounds.length === 0) names.delete('between');
  lines.push(`import { ${[...names].sort().join(', ')} } from ${q(importFrom)};`);
  lines.push('');
  lines.push('export default defineScenario({');
  lines.push(`  name: ${q(inferred.name)},`);
  lines.push(`  description: ${q(inferred.description)},`);
  const topo = [`rttMs: ${inferred.rttMs}`];
  if (inferred.mss !== undefined) topo.push(`mss: ${inferred.mss}`);
  const sysctls = Object.entries(inferred.sysctls);
  if (sysctls.length > 0) topo.push(`sysctls: { ${sysctls.map(([k, v]) => `${q(k)}: ${q(v)}`).join(', ')} }`);
  lines.push(`  topology: { ${topo.join(', ')} },`);
  lines.push(`  capture: ${q(inferred.capture)},`);
  if (inferred.tls !== undefined) {
    const t = [`version: ${q(inferred.tls.version)}`];
    if (inferred.tls.ciphers !== undefined) t.push(`ciphers: ${q(inferred.tls.ciphers)}`);
    lines.push(`  tls: { ${t.join(', ')} },`);
  }
  if (inferred.media !== undefined) lines.push(`  media: { imageBytes: ${inferred.media.imageBytes}, audioBytes: ${inferred.media.audioBytes}, videoBytes: ${inferred.media.videoBytes} },`);
  const impair: string[] = [];
  for (const direction of ['uplink', 'downlink'] as const) {
    const { before, after } = eventsInChainOrder(inferred, direction);
    const stages: string[] = [];
    for (const e of before) stages.push(`      ${eventSource(e)}, // ${e.why}: frame ${e.frames.join(', ')}`);
    if (direction === 'downlink' && inferred.rateKbps !== undefined) stages.push(`      rate({ kbps: ${inferred.rateKbps}, queuePackets: 1000 }), // evenly spaced arrivals`);
    for (const e of after) stages.push(`      ${eventSource(e)}, // ${e.why}: frames ${e.frames.join(', ')}`);
    if (stages.length > 0) impair.push(`    ${direction}: [\n${stages.join('\n')}\n    ],`);
  }
  if (impair.length > 0) lines.push(`  impair: {\n${impair.join('\n')}\n  },`);
  lines.push('  timeline: [');
  for (const s of inferred.steps) lines.push(`    at(${timeSource(s.atMs, s.relative)}, ${actionSource(s.action)}), // ${s.comment.replace(/\n/g, ' ')}`);
  lines.push('  ],');
  const timeout = timeoutFor(inferred);
  if (timeout !== undefined) lines.push(`  timeoutMs: ${timeout},`);
  lines.push('  expect: [');
  if (inferred.tls !== undefined) {
    const t = [`version: ${q(inferred.tls.version)}`];
    if (inferred.tls.cipherSuite !== undefined) t.push(`cipherSuite: ${q(inferred.tls.cipherSuite)}`);
    lines.push(`    tls({ ${t.join(', ')} }, 'all'),`);
  }
  if (inferred.parallel !== undefined) lines.push(`    parallel({ connections: ${inferred.parallel.connections}, idle: ${inferred.parallel.idle} }),`);
  for (const kind of teardownKinds(inferred)) lines.push(`    teardown('any', ${q(kind)}),`);
  for (const b of bounds) lines.push(`    count(${q(b.flag)}, between(${b.min}, ${b.max})), // the original: ${inferred.flagCounts[b.flag]}`);
  lines.push('  ],');
  lines.push('});');
  return `${lines.join('\n')}\n`;
}
