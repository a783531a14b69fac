/**
 * as-scenario.ts: an InferredScenario (analyzer/inference/) as a Scenario the runner plays, built with the
 * same DSL calls the written `.scenario.ts` makes (renderScenarioSource), so what runs is what the file says.
 * Pure; must not import node I/O modules.
 */
import type { InferredAction, InferredEvent, InferredScenario } from '../../analyzer/inference/infer-scenario.js';
import { eventsInChainOrder, flagBounds, teardownKinds, timeoutFor } from '../../analyzer/inference/scenario-source.js';
import type { Teardown } from '../../analyzer/analysis-result.js';
import { captureDrop } from '../impair/capture-drop.js';
import { dropWhere } from '../impair/drop-nth.js';
import { duplicate } from '../impair/duplicate.js';
import type { Impairment } from '../impair/impairment.js';
import { allOf, coversOffset, inConnection, isDataSegment, isSyn, type Match } from '../impair/match.js';
import { rate } from '../impair/rate.js';
import { reorder } from '../impair/reorder.js';
import { defineScenario, type Scenario } from '../scenario/define-scenario.js';
import { between, count, parallel, teardown, tls, type Expectation, type FlagId } from '../scenario/expect.js';
import { at, client, type TimelineEntry } from '../scenario/timeline.js';

function matchOf(e: InferredEvent): Match {
  const what = e.kind === 'drop-syn' ? isSyn : coversOffset(e.offset);
  return e.conn === undefined ? what : allOf(inConnection(e.conn), what);
}

function impairmentOf(e: InferredEvent): Impairment {
  const match = matchOf(e);
  switch (e.kind) {
    case 'drop':
    case 'drop-syn':
      return dropWhere(match, { count: e.count });
    case 'reorder':
      return reorder({ hold: 1, after: e.after, match, past: isDataSegment });
    case 'capture-drop':
      return captureDrop(match, { nth: 1 });
    case 'duplicate':
      return duplicate({ nth: 1, match });
  }
}

function chainOf(inferred: InferredScenario, direction: 'uplink' | 'downlink'): Impairment[] {
  const { before, after } = eventsInChainOrder(inferred, direction);
  const stages = before.map(impairmentOf);
  if (direction === 'downlink' && inferred.rateKbps !== undefined) stages.push(rate({ kbps: inferred.rateKbps, queuePackets: 1000 }));
  return [...stages, ...after.map(impairmentOf)];
}

function entryOf(atMs: number, relative: boolean, a: InferredAction): TimelineEntry {
  const time = relative ? `+${atMs}ms` : atMs;
  const on = a.connection === 'main' ? {} : { connection: a.connection };
  switch (a.kind) {
    case 'connect':
      return at(time, client.connect(on));
    case 'get':
      return at(time, client.get(a.path, { ...on, ...(a.stallMs === undefined ? {} : { stallMs: a.stallMs }) }));
    case 'page':
      return at(time, client.page({ ...on, connections: a.connections, spareClose: a.spareClose }));
    case 'close':
      return at(time, client.close(a.mode, on));
  }
}

/**
 * The scenario of an inference, ready for runScenario.
 * @throws ConfigError when the plan is outside what the DSL allows (defineScenario's message).
 */
export function scenarioFromInference(inferred: InferredScenario): Scenario {
  const expect: Expectation[] = [];
  if (inferred.tls !== undefined) {
    expect.push(tls({ version: inferred.tls.version, ...(inferred.tls.cipherSuite === undefined ? {} : { cipherSuite: inferred.tls.cipherSuite }) }, 'all'));
  }
  if (inferred.parallel !== undefined) expect.push(parallel(inferred.parallel));
  for (const kind of teardownKinds(inferred)) expect.push(teardown('any', kind as Teardown));
  for (const b of flagBounds(inferred)) expect.push(count(b.flag as FlagId, between(b.min, b.max)));
  const timeoutMs = timeoutFor(inferred);
  return defineScenario({
    name: inferred.name,
    description: inferred.description,
    topology: {
      rttMs: inferred.rttMs,
      ...(inferred.mss === undefined ? {} : { mss: inferred.mss }),
      ...(Object.keys(inferred.sysctls).length === 0 ? {} : { sysctls: inferred.sysctls }),
    },
    capture: inferred.capture,
    ...(inferred.tls === undefined ? {} : { tls: { version: inferred.tls.version, ...(inferred.tls.ciphers === undefined ? {} : { ciphers: inferred.tls.ciphers }) } }),
    ...(inferred.media === undefined ? {} : { media: inferred.media }),
    impair: { uplink: chainOf(inferred, 'uplink'), downlink: chainOf(inferred, 'downlink') },
    timeline: inferred.steps.map((s) => entryOf(s.atMs, s.relative, s.action)),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    expect,
  });
}
