import { expect } from 'chai';
import { defineScenario, type ScenarioDefinition } from '../../../../harness/scenario/define-scenario.js';
import { count } from '../../../../harness/scenario/expect.js';
import { at, client, parseTimelineTime } from '../../../../harness/scenario/timeline.js';
import { scenarios } from '../../../../scenarios/index.js';

const base: ScenarioDefinition = {
  name: 'unit-example',
  description: 'an example',
  timeline: [at(0, client.get('/'))],
  expect: [count('duplicate_ack', { exactly: 0 })],
};

describe('unit', () => {
  describe('parseTimelineTime', () => {
    it('reads absolute and relative times in ms and s', () => {
      expect([parseTimelineTime(0), parseTimelineTime('500ms'), parseTimelineTime('+2s'), parseTimelineTime('+1.5s')]).to.deep.equal([
        { ms: 0, relative: false },
        { ms: 500, relative: false },
        { ms: 2000, relative: true },
        { ms: 1500, relative: true },
      ]);
    });
    it('rejects other text with the accepted forms', () => {
      expect(() => parseTimelineTime('soon')).to.throw(`timeline time "soon": expected ms or text like 250, '500ms', '2s' or '+2s'`).with.property('code', 'ERR_CONFIG');
    });
  });

  describe('client builders', () => {
    it('build plain-data actions on the main connection by default', () => {
      expect(client.get('/bytes/64k', { stallMs: 100 })).to.deep.equal({ kind: 'get', connection: 'main', path: '/bytes/64k', stallMs: 100 });
      expect(client.page()).to.deep.equal({ kind: 'page', connection: 'main', connections: 2, spareClose: 'fin-then-rst', spareIdleMs: 0 });
      expect(client.close('rst', { connection: 'spare' })).to.deep.equal({ kind: 'close', connection: 'spare', mode: 'rst' });
    });
    it('rejects a path without a leading slash', () => {
      expect(() => client.get('index.html')).to.throw('client.get("index.html"): the path must start with "/"');
    });
  });

  describe('defineScenario', () => {
    it('fills in defaults: client capture, no delay, MTU 1500', () => {
      const s = defineScenario(base);
      expect([s.capture, s.rttMs, s.mtu, s.timeoutMs]).to.deep.equal(['client', 0, 1500, 30_000]);
    });
    it('turns an MSS into the MTU that gives it', () => {
      expect(defineScenario({ ...base, topology: { mss: 1400 } }).mtu).to.equal(1440);
    });
    it('rejects an MSS that contradicts the MTU', () => {
      expect(() => defineScenario({ ...base, topology: { mss: 1400, mtu: 1500 } }))
        .to.throw('scenario "unit-example": topology.mss 1400 needs mtu 1440 (got mtu 1500); give only one of them')
        .with.property('code', 'ERR_CONFIG');
    });
    it('rejects a scenario without expectations, since it could not fail', () => {
      expect(() => defineScenario({ ...base, expect: [] })).to.throw('scenario "unit-example": expect must have at least one expectation; a scenario that checks nothing cannot fail');
    });
    it('rejects a name that is not kebab-case', () => {
      expect(() => defineScenario({ ...base, name: 'Fast_Retransmission' })).to.throw('scenario "Fast_Retransmission": name must be kebab-case');
    });
    it('rejects an unknown capture point and TLS version', () => {
      expect(() => defineScenario({ ...base, capture: 'middle' as never })).to.throw('scenario "unit-example": capture must be client, server or both (got "middle")');
      expect(() => defineScenario({ ...base, tls: { version: 'TLS 1.1' as never } })).to.throw(`scenario "unit-example": tls.version must be 'TLS 1.2' or 'TLS 1.3' (got "TLS 1.1")`);
      expect(() => defineScenario({ ...base, tls: { alpn: ['spdy/3' as never] } })).to.throw(`scenario "unit-example": tls.alpn must list 'h2' and/or 'http/1.1' (got ["spdy/3"])`);
    });
  });

  describe('bundled scenarios', () => {
    it('have unique names and the fifteen phenomena of the lab', () => {
      const names = scenarios.map((s) => s.name);
      expect(new Set(names).size).to.equal(names.length);
      expect(names).to.include.members(['tcp-handshake', 'fast-retransmission', 'capture-loss', 'dual-connections', 'zero-window', 'lab-report']);
      expect(names).to.include.members(['browser-page-load', 'browser-page-load-h2']);
      expect(names).to.have.length(17);
    });
    it('pin the lab report path: 175 ms RTT, MSS 1400, TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256, client capture', () => {
      const lab = scenarios.find((s) => s.name === 'lab-report')!;
      expect([lab.rttMs, lab.mtu, lab.tls.version, lab.tls.ciphers, lab.capture]).to.deep.equal([175, 1440, 'TLS 1.2', 'ECDHE-RSA-AES128-GCM-SHA256', 'client']);
    });
  });
});
