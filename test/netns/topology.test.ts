/**
 * topology.test.ts: @netns tests of the namespace pair: readiness, addresses, sysctls, offloads,
 * cleanup (normal, SIGTERM, SIGKILL + sweep) and two runs at once. Needs root; skipped otherwise.
 */
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { STATE_DIR, sweepLeftovers } from '../../harness/cleanup.js';
import { liveEnvironmentProblem } from '../../harness/env-check.js';
import { createTopology, type Topology } from '../../harness/topology.js';
import { skipBecause } from '../support/skip.js';

const HOLD = fileURLToPath(new URL('./fixtures/hold-topology.ts', import.meta.url));

function leftovers(runId: string): string[] {
  const netns = execFileSync('ip', ['netns', 'list']).toString();
  const links = execFileSync('ip', ['-br', 'link']).toString();
  return [...netns.split('\n'), ...links.split('\n')].filter((l) => l.includes(runId));
}

async function holdInChild(): Promise<{ child: ReturnType<typeof spawn>; runId: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLD], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, runId: chunk.toString().trim() };
}

describe('createTopology @netns', function () {
  this.timeout(20_000);
  const open: Topology[] = [];
  before(function () {
    const problem = liveEnvironmentProblem();
    if (problem !== undefined) {
      console.warn(`skipping @netns topology tests: ${problem}`);
      this.skip();
    }
  });
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });

  it('creates a ready client/server pair and leaves nothing behind after close', async () => {
    const t = await createTopology();
    open.push(t);
    expect(leftovers(t.id)).to.have.length.greaterThan(0);
    expect(t.client.ipv4).to.match(/^198\.1[89]\./);
    expect(t.server.ipv6).to.match(/^fd00:/);
    const ping = execFileSync('ip', ['netns', 'exec', t.client.netns, 'ip', '-j', 'addr', 'show', 'dev', t.client.ifname]).toString();
    expect(ping).to.include(t.client.ipv4);
    await t.close();
    await t.close();
    expect(leftovers(t.id)).to.deep.equal([]);
    expect(existsSync(`${STATE_DIR}/${t.id}.json`)).to.equal(false);
  });

  it('sets up and tears down within 0.5 s each way on a quiet machine', async function () {
    // A timing target: meaningless when other work holds the cores (it failed at load average 29 on 2 cores).
    const load = loadavg()[0]!;
    const cores = availableParallelism();
    if (load > cores / 2) skipBecause(this, `needs a quiet machine: load average ${load.toFixed(1)} on ${cores} cores`);
    const t = await createTopology();
    open.push(t);
    await t.close();
    expect(t.timings.setupMs).to.be.below(500, `setup took ${t.timings.setupMs} ms`);
    expect(t.timings.teardownMs).to.be.below(500, `teardown took ${t.timings.teardownMs} ms`);
  });

  it('turns offloads off on all four veth ends and applies the MTU', async () => {
    const t = await createTopology({ mtu: 1440 });
    open.push(t);
    const features = (ns: string | undefined, dev: string): string =>
      (ns === undefined ? execFileSync('ethtool', ['-k', dev]) : execFileSync('ip', ['netns', 'exec', ns, 'ethtool', '-k', dev])).toString();
    for (const [ns, dev] of [[t.client.netns, t.client.ifname], [t.server.netns, t.server.ifname], [undefined, t.clientLink], [undefined, t.serverLink]] as const) {
      const out = features(ns, dev);
      for (const feature of ['tcp-segmentation-offload', 'generic-segmentation-offload', 'generic-receive-offload']) {
        expect(out, `${dev} ${feature}`).to.match(new RegExp(`${feature}: off`));
      }
    }
    const link = execFileSync('ip', ['netns', 'exec', t.client.netns, 'ip', '-j', 'link', 'show', t.client.ifname]).toString();
    expect(JSON.parse(link)[0].mtu).to.equal(1440);
  });

  it('pins and records the sysctls, with overrides', async () => {
    const t = await createTopology({ sysctls: { 'net.ipv4.tcp_sack': '0' } });
    open.push(t);
    expect(t.sysctls.client['net.ipv4.tcp_sack']).to.equal('0');
    expect(t.sysctls.server['net.ipv4.tcp_timestamps']).to.equal('1');
    expect(t.sysctls.client['net.ipv4.tcp_congestion_control']).to.be.a('string').and.not.equal('');
    const live = execFileSync('ip', ['netns', 'exec', t.client.netns, 'sysctl', '-n', 'net.ipv4.tcp_sack']).toString().trim();
    expect(live).to.equal('0');
  });

  it('runs two topologies at once with distinct names and subnets', async () => {
    const [a, b] = await Promise.all([createTopology(), createTopology()]);
    open.push(a, b);
    expect(a.id).to.not.equal(b.id);
    expect(a.client.netns).to.not.equal(b.client.netns);
    expect(a.ipv4Subnet).to.not.equal(b.ipv4Subnet);
  });

  it('rejects a bad runId with a ConfigError', async () => {
    let caught: unknown;
    try {
      await createTopology({ runId: 'Bad_Id' });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.have.property('code', 'ERR_CONFIG');
    expect((caught as Error).message).to.equal(
      'topology runId "Bad_Id" must be 4 to 11 characters of [0-9a-z] (interface names are limited to 15)',
    );
  });

  it('cleans up and re-raises when the run gets SIGTERM', async () => {
    const { child, runId } = await holdInChild();
    expect(leftovers(runId)).to.have.length.greaterThan(0);
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect({ code, signal }).to.deep.equal({ code: null, signal: 'SIGTERM' });
    expect(leftovers(runId)).to.deep.equal([]);
  });

  it('sweeps a SIGKILLed run: namespaces, veths, its processes and its state file', async () => {
    const { child, runId } = await holdInChild();
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(leftovers(runId)).to.have.length.greaterThan(0);
    const report = await sweepLeftovers();
    expect(report.netns).to.include.members([`wl-${runId}-c`, `wl-${runId}-s`]);
    expect(report.killedPids).to.have.length.greaterThan(0);
    expect(leftovers(runId)).to.deep.equal([]);
    expect(existsSync(`${STATE_DIR}/${runId}.json`)).to.equal(false);
  });

  it('never sweeps the resources of a live run', async () => {
    const t = await createTopology();
    open.push(t);
    const report = await sweepLeftovers();
    expect(report.netns).to.not.include(t.client.netns);
    expect(leftovers(t.id)).to.have.length.greaterThan(0);
  });
});
