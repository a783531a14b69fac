/**
 * analysis-fixture.ts: hand-made Analysis records for expectation and chai-plugin tests (no capture needed).
 * Test-only; must not import the harness runtime.
 */
import { createExpertTally } from '../../../../analyzer/report/expert-tally.js';
import type { Analysis, ConversationReport, Finding } from '../../../../analyzer/analysis-result.js';
import type { ExpertId } from '../../../../analyzer/analysis/expert.js';

/** A conversation report with the given stream, teardown and TLS; the rest is plausible filler. */
export function conversation(stream: number, teardown: ConversationReport['teardown'], tls?: { version: string; cipherSuite: string }, bytesDown = 1000): ConversationReport {
  return {
    stream,
    client: { address: '198.18.0.1', port: 40000 + stream },
    server: { address: '198.18.0.2', port: 443 },
    firstFrame: 1 + stream * 10,
    lastFrame: 9 + stream * 10,
    startNs: BigInt(stream) * 1_000_000n,
    endNs: BigInt(stream + 1) * 1_000_000_000n,
    completeness: 31,
    handshake: { synFrame: 1 + stream * 10, synAckFrame: 2 + stream * 10, ackFrame: 3 + stream * 10, rttNs: 40_000_000, complete: true },
    teardown,
    teardownFrames: [8 + stream * 10, 9 + stream * 10],
    bytes: [500, bytesDown],
    segments: [5, 10],
    retransmissions: [0, 0],
    tls:
      tls === undefined
        ? undefined
        : {
            ...tls,
            sni: 'lab.wirelab.test',
            alpn: ['http/1.1'],
            alpnOffered: ['http/1.1'],
            suitesOffered: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
            resumed: false,
            clientHelloFrame: 4,
            serverHelloFrame: 5,
            changeCipherSpecFrames: [],
            encryptedHandshakeFrames: [],
            alerts: [],
            helloRetryRequest: false,
            decrypted: false,
            decryptionNotes: [],
            requests: [],
          },
  };
}

/** An analysis with the given findings and conversations (no frames). */
export function analysisOf(findings: Finding[], conversations: ConversationReport[], parallel: Analysis['parallelConnections'] = []): Analysis {
  const tally = createExpertTally();
  for (const f of findings) tally.add(f);
  return {
    source: 'fixture',
    frameCount: 0,
    frames: [],
    findings,
    conversations,
    parallelConnections: parallel,
    parallelWindowMs: 1000,
    expertCounts: tally.counts,
    expertSummary: tally.rows(),
    readError: undefined,
  };
}

/** A finding of `id` on `frame` in stream 0. */
export function finding(frame: number, id: ExpertId): Finding {
  return { frame, stream: 0, id };
}
