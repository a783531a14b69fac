import { expect } from 'chai';
import { defineScenario } from '../../../../harness/scenario/define-scenario.js';
import { count } from '../../../../harness/scenario/expect.js';
import { resolveTcpBehaviour } from '../../../../harness/scenario/tcp-behaviour.js';
import { createTopology } from '../../../../harness/topology.js';
import { at, client } from '../../../../harness/scenario/timeline.js';

const base = { name: 'pinned', description: 'pinned TCP', timeline: [at(0, client.get('/'))], expect: [count('retransmission', { exactly: 0 })] };

describe('unit', () => {
  describe('topology tcp options and presets', () => {
    it('maps deterministic-loss to sysctls and route attributes, with tcp and sysctls on top', () => {
      const s = defineScenario({ ...base, topology: { preset: 'deterministic-loss', tcp: { initialCwnd: 4 }, sysctls: { 'net.ipv4.tcp_ecn': '2' } } });
      expect(s.sysctls).to.include({ 'net.ipv4.tcp_sack': '0', 'net.ipv4.tcp_dsack': '0', 'net.ipv4.tcp_recovery': '0', 'net.ipv4.tcp_early_retrans': '0', 'net.ipv4.tcp_ecn': '2' });
      expect(s.route).to.deep.equal({ quickack: true, initcwnd: 4 });
      expect(s.tcp).to.include({ sack: false, initialCwnd: 4 });
    });
    it('pins single switches without a preset and leaves the rest to the defaults', () => {
      const r = resolveTcpBehaviour(undefined, { sack: true, tlp: true, congestionControl: 'reno' });
      expect(r.sysctls).to.deep.equal({ 'net.ipv4.tcp_sack': '1', 'net.ipv4.tcp_dsack': '1', 'net.ipv4.tcp_early_retrans': '3', 'net.ipv4.tcp_congestion_control': 'reno' });
      expect(r.route).to.deep.equal({});
    });
    it('maps reproducible to deterministic-loss plus Reno and fixed 4 MiB buffers', () => {
      const r = resolveTcpBehaviour('reproducible');
      expect(r.sysctls).to.include({ 'net.ipv4.tcp_sack': '0', 'net.ipv4.tcp_recovery': '0', 'net.ipv4.tcp_early_retrans': '0', 'net.ipv4.tcp_congestion_control': 'reno' });
      expect(r.sysctls).to.include({ 'net.ipv4.tcp_rmem': '4096 4194304 4194304', 'net.ipv4.tcp_wmem': '4096 4194304 4194304', 'net.ipv4.tcp_moderate_rcvbuf': '0' });
      expect(r.route).to.deep.equal({ quickack: true, initcwnd: 10 });
      expect(resolveTcpBehaviour('reproducible', { fixedBuffers: false }).sysctls).to.not.have.property('net.ipv4.tcp_rmem');
    });
    it('rejects a sysctl value with an "=", a tab or doubled spaces before touching the system', async () => {
      for (const value of ['1=2', '4096\t8192', '4096  8192', ' 1']) {
        const failure = await createTopology({ sysctls: { 'net.ipv4.tcp_rmem': value } }).then(() => undefined, (e: Error) => e);
        expect(failure?.message, JSON.stringify(value)).to.contain('is not a valid sysctl name/value pair');
      }
    });
    it('rejects an unknown preset and out-of-range values, naming the scenario', () => {
      expect(() => defineScenario({ ...base, topology: { preset: 'fast' as never } })).to.throw('scenario "pinned": topology.preset "fast": expected one of deterministic-loss, reproducible');
      expect(() => defineScenario({ ...base, topology: { tcp: { initialCwnd: 0 } } })).to.throw('topology.tcp.initialCwnd must be an integer from 1 to 100 (got 0)');
      expect(() => defineScenario({ ...base, topology: { tcp: { sack: 'yes' as never } } })).to.throw('topology.tcp.sack must be true or false (got yes)');
      expect(() => defineScenario({ ...base, topology: { tcp: { fixedBuffers: 1 as never } } })).to.throw('topology.tcp.fixedBuffers must be true or false (got 1)');
    });
  });
});
