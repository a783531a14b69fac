import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario } from '../../harness/scenario/run-scenario.js';
import { scenarios } from '../../scenarios/index.js';

describe('scenarios', function () {
  // The lab-report scenario alone takes several seconds; agents need a second or two to load under tsx.
  this.timeout(60_000);
  let out: string;
  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'wirelab-scenarios-'));
  });
  after(() => rm(out, { recursive: true, force: true }));

  for (const scenario of scenarios) {
    it(`@netns ${scenario.name} passes its expectations (capture: ${scenario.capture})`, async function () {
      if (process.getuid?.() !== 0) this.skip(); // needs root for namespaces, veths and libpcap; run `npm run test:netns` as root
      const result = await runScenario(scenario, { outDir: out });
      if (!result.ok) throw result.error;
      expect(result.outcomes.every((o) => o.ok)).to.equal(true);
    });
  }
});
