/**
 * infer-scenario.test.ts: the capture → scenario inference on captures alone (no namespaces): our own
 * scenarios' captures (test/fixtures/captures/scenario-runs/, from `wirelab run`) give back the impairments
 * those scenarios made, the written file loads and equals the scenario built for the run, and every
 * fixture capture (ours, tcpdump's, public ones) yields a scenario the DSL accepts.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCapture } from '../../../analyzer/analyze-capture.js';
import type { Analysis } from '../../../analyzer/analysis-result.js';
import { compareRuns, formatComparison } from '../../../analyzer/inference/compare-runs.js';
import { flagCountsAgree, inferScenario, type InferredScenario } from '../../../analyzer/inference/infer-scenario.js';
import { renderScenarioSource } from '../../../analyzer/inference/scenario-source.js';
import { loadScenarioFile } from '../../../cli/actions/load-scenarios.js';
import { scenarioFromInference } from '../../../harness/replay/as-scenario.js';
import type { Scenario } from '../../../harness/scenario/define-scenario.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CAPTURES = join(ROOT, 'test', 'fixtures', 'captures');
const RUNS = join(CAPTURES, 'scenario-runs');

async function infer(name: string): Promise<{ analysis: Analysis; inferred: InferredScenario }> {
  const analysis = await analyzeCapture(join(RUNS, name));
  return { analysis, inferred: inferScenario(analysis) };
}

function kinds(inferred: InferredScenario): string[] {
  return inferred.events.map((e) => `${e.direction} ${e.kind}`);
}

/** What of a scenario can be compared as data. */
function shape(s: Scenario): unknown {
  return {
    name: s.name,
    rttMs: s.rttMs,
    mtu: s.mtu,
    sysctls: s.sysctls,
    capture: s.capture,
    tls: s.tls,
    media: s.media,
    impair: { uplink: s.impair.uplink.map((i) => i.label), downlink: s.impair.downlink.map((i) => i.label) },
    timeline: s.timeline,
    expect: s.expect.map((e) => e.label),
    timeoutMs: s.timeoutMs,
  };
}

describe('inferScenario: a capture → the scenario that re-creates it', function () {
  this.timeout(60_000);

  it('out-of-order: one held-back server segment, at the byte the late frame carries', async () => {
    const { analysis, inferred } = await infer('out-of-order.pcapng');
    expect(kinds(inferred)).to.deep.equal(['downlink reorder']);
    const late = analysis.frames.find((f) => f.flags.includes('out_of_order'))!;
    expect(inferred.events[0]).to.include({ offset: late.seq! - 1, after: 1 });
    expect(inferred.events[0]!.frames).to.deep.equal([late.frame]);
    expect(inferred.capture).to.equal('client');
    expect(inferred.rttMs).to.be.within(40, 46);
    expect(inferred.steps.map((s) => s.action.kind)).to.deep.equal(['get', 'close']);
    expect(inferred.steps[0]!.action).to.include({ path: '/bytes/128k' }); // from the decrypted request
    expect(inferred.flagCounts).to.include({ out_of_order: 1, lost_segment: 1 });
    expect(inferred.notes).to.deep.equal([]);
  });

  it('fast-retransmission: a server-side capture, one drop after the capture point, SACK off as its handshake shows', async () => {
    const { inferred } = await infer('fast-retransmission.pcapng');
    expect(inferred.capture).to.equal('server');
    expect(kinds(inferred)).to.deep.equal(['downlink drop']);
    expect(inferred.events[0]).to.include({ count: 1, conn: undefined });
    expect(inferred.sysctls).to.deep.equal({ 'net.ipv4.tcp_sack': '0' });
    expect(inferred.flagCounts).to.include({ fast_retransmission: 1, retransmission: 1 });
  });

  it('lab-report (cut at 200 bytes): drop, reorder, hidden segment and copy; 2 Mbit/s, MSS 1400, a fixed receive buffer, the dual connection', async () => {
    const { inferred } = await infer('lab-report-snap200.pcap');
    expect(kinds(inferred)).to.deep.equal(['downlink drop', 'downlink reorder', 'downlink capture-drop', 'downlink duplicate']);
    expect(inferred.rateKbps).to.equal(2000);
    expect(inferred.mss).to.equal(1400);
    expect(inferred.rttMs).to.be.within(175, 185);
    expect(inferred.sysctls).to.deep.equal({ 'net.ipv4.tcp_moderate_rcvbuf': '0' });
    expect(inferred.parallel).to.deep.equal({ connections: 2, idle: 1 });
    expect(inferred.steps[0]!.action).to.deep.equal({ kind: 'page', connection: 'main', connections: 2, spareClose: 'fin-then-rst' });
    expect(inferred.tls).to.deep.equal({ version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
    expect(inferred.connections.map((c) => [c.teardown, c.spare])).to.deep.equal([['fin-close', false], ['fin-then-rst', true]]);
  });

  it('zero-window (cut at 128 bytes): a stalled reader of about 800 ms with a fixed receive buffer', async () => {
    const { inferred } = await infer('zero-window-snap128.pcap');
    const get = inferred.steps.find((s) => s.action.kind === 'get')!.action as { path: string; stallMs?: number };
    expect(get.stallMs).to.be.within(750, 1000);
    expect(Number(get.path.slice('/bytes/'.length))).to.be.within(1_040_000, 1_060_000); // 1 MiB, judged from the wire
    expect(inferred.sysctls).to.include({ 'net.ipv4.tcp_moderate_rcvbuf': '0' });
    expect(inferred.notes.join(' ')).to.include('TLS version is not visible');
  });

  it('teardown-fin-rst: no impairment, the client closes with FIN then RST', async () => {
    const { inferred } = await infer('teardown-fin-rst.pcapng');
    expect(inferred.events).to.deep.equal([]);
    expect(inferred.steps.at(-1)!.action).to.deep.equal({ kind: 'close', connection: 'main', mode: 'fin-then-rst' });
  });

  it('kernel/12 (tcpdump of real Linux TCP): a lost SYN, from the resent one', async () => {
    const analysis = await analyzeCapture(join(CAPTURES, 'kernel', '12_syn_retrans.pcap'));
    const inferred = inferScenario(analysis);
    expect(inferred.events).to.have.length(1);
    expect(inferred.events[0]).to.include({ kind: 'drop-syn', count: 1, direction: 'uplink' });
    expect(scenarioFromInference(inferred).impair.uplink.map((i) => i.label)).to.deep.equal(['drop-where syn count 1']);
  });

  it('the written .scenario file loads and is the very scenario the run uses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelab-infer-'));
    try {
      for (const name of ['lab-report-snap200.pcap', 'out-of-order.pcapng', 'zero-window-snap128.pcap', 'fast-retransmission.pcapng']) {
        const { inferred } = await infer(name);
        const file = join(dir, `${inferred.name}.scenario.mts`);
        writeFileSync(file, renderScenarioSource(inferred, join(ROOT, 'harness', 'scenario', 'index.ts')));
        const [loaded] = await loadScenarioFile(file);
        expect(shape(loaded!), name).to.deep.equal(shape(scenarioFromInference(inferred)));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compares a capture with itself as 100% and with another run of other phenomena as less', async () => {
    const a = await infer('out-of-order.pcapng');
    const same = compareRuns(a.analysis, a.inferred, a.analysis);
    expect(same.score).to.equal(100);
    const other = await analyzeCapture(join(RUNS, 'fast-retransmission.pcapng'));
    const differs = compareRuns(a.analysis, a.inferred, other);
    expect(differs.score).to.be.lessThan(100);
    const text = formatComparison(differs);
    expect(text).to.match(/out_of_order +1 +0 +DIFFERS/);
    expect(text).to.include('similarity');
  });

  it('counts agree within ±1 and when present in both; ACK-timing flags within 5% and may miss a single one', () => {
    expect(flagCountsAgree('retransmission', 2, 3)).to.equal(true);
    expect(flagCountsAgree('retransmission', 1, 0)).to.equal(false);
    expect(flagCountsAgree('retransmission', 0, 1)).to.equal(false);
    expect(flagCountsAgree('duplicate_ack', 1, 0)).to.equal(true);
    expect(flagCountsAgree('duplicate_ack', 51, 53)).to.equal(true);
    expect(flagCountsAgree('duplicate_ack', 23, 16)).to.equal(false);
  });

  it('every fixture capture (ours, tcpdump\'s, public ones) gives a scenario the DSL accepts, or says why not', async () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(n)) files.push(p);
      }
    };
    walk(CAPTURES);
    expect(files.length).to.be.greaterThan(100);
    let planned = 0;
    for (const file of files) {
      const analysis = await analyzeCapture(file);
      const inferred = inferScenario(analysis);
      if (inferred.connections.length === 0) continue;
      expect(() => scenarioFromInference(inferred), file).to.not.throw();
      expect(renderScenarioSource(inferred), file).to.include('defineScenario({');
      planned++;
    }
    expect(planned).to.be.greaterThan(80);
  });
});
