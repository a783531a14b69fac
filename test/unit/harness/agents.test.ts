import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { AgentProcess } from '../../../harness/agents/agent-process.js';
import { loadCertificate } from '../../../harness/certs.js';
import { defineScenario } from '../../../harness/scenario/define-scenario.js';
import { count } from '../../../harness/scenario/expect.js';
import { runScenarioTrafficOnLoopback } from '../../../harness/scenario/run-scenario.js';
import { at, client } from '../../../harness/scenario/timeline.js';

describe('unit', function () {
  this.timeout(30_000);
  describe('agents on loopback', () => {
    it('play a scenario timeline: page load on two connections, a stalled GET, then a FIN close', async () => {
      const scenario = defineScenario({
        name: 'unit-loopback',
        description: 'agents smoke test',
        tls: { version: 'TLS 1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
        timeline: [at(0, client.page()), at('+0', client.get('/bytes/256k', { stallMs: 50 })), at('+20ms', client.close('fin'))],
        expect: [count('duplicate_ack', { exactly: 0 })],
      });
      const steps = await runScenarioTrafficOnLoopback(scenario);
      expect(steps.map((s) => s.label)).to.deep.equal([
        'page load on main with 2 connections, spares fin-then-rst',
        'get /bytes/256k stall 50ms on main',
        'close main (fin)',
      ]);
      expect(steps[1]!.detail).to.match(/status 200 262144 bytes/);
      expect(steps[1]!.endMs - steps[1]!.startMs).to.be.at.least(50);
      expect(steps[2]!.startMs - steps[1]!.endMs).to.be.at.least(19);
    });

    it('report a server that cannot bind as the agent error with its code', async () => {
      const cert = await loadCertificate();
      const server = new AgentProcess('server-agent', { host: '198.51.100.1', port: 0, certPath: cert.path }, spawn);
      try {
        const error = await server.next(['ready'], 15_000).catch((e: unknown) => e);
        expect(error).to.include({
          code: 'ERR_ENVIRONMENT',
          message: 'server-agent: https server: cannot listen on 198.51.100.1:0 (EADDRNOTAVAIL); check that the address exists in this namespace',
        });
      } finally {
        await server.stop();
      }
    });
  });
});
