// README example: a user-written scenario, run through the harness and checked with the chai plugin.
// Needs root (network namespaces). Run: sudo npx tsx examples/custom-scenario.ts
import * as chai from 'chai';
import { analyzeCapture } from 'wirelab/analyzer';
import { at, chaiWirelab, client, count, defineScenario, dropNth, isDataSegment, runScenario } from 'wirelab/harness';

chai.use(chaiWirelab);

// Lose the 10th server→client data segment of a 128 KiB download over a 60 ms path.
const lostSegment = defineScenario({
  name: 'my-lost-segment',
  description: 'one lost download segment, recovered by the server',
  topology: { rttMs: 60 },
  capture: 'client',
  impair: { downlink: [dropNth(10, isDataSegment)] },
  timeline: [at(0, client.get('/bytes/128k')), at('+0', client.close('fin'))],
  expect: [count('tcp.analysis.duplicate_ack', { atLeast: 1 })],
});

const result = await runScenario(lostSegment, { seed: 42, outDir: process.argv[2] ?? 'runs' });
if (!result.ok) throw result.error;

// The run's capture is a plain pcapng: analyse it again and assert with chai.
const analysis = await analyzeCapture(`${result.dir}/capture.pcapng`);
chai.expect(analysis).to.have.flag('lost_segment').atLeast(1);
chai.expect(analysis).to.have.teardown('fin-close');
chai.expect(analysis).to.have.tls({ version: 'TLS 1.3' });
console.log(`ok: ${analysis.expertCounts['tcp.analysis.duplicate_ack']} duplicate ACKs, capture in ${result.dir}`);
