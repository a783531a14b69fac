import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCaptureParser } from '../../../analyzer/capture/capture-parser.js';
import { encodePcap } from '../../../analyzer/capture/pcap-writer.js';
import { LinkType } from '../../../analyzer/packet/frame.js';
import { createPipeline } from '../../../analyzer/pipeline.js';
import type { PipelineResult } from '../../../analyzer/pipeline.js';
import { corpusFrames, ensureCorpus } from '../../../bench/make-corpus.js';
import type { CorpusSpec } from '../../../bench/make-corpus.js';

interface Analysed {
  readonly frames: number;
  readonly tlsFrames: number;
  readonly nonTcpFrames: number;
  readonly layers: Set<string>;
  readonly result: PipelineResult;
}

function analyse(pcap: Buffer): Analysed {
  const parser = createCaptureParser('corpus');
  const pipeline = createPipeline();
  let frames = 0;
  let tlsFrames = 0;
  let nonTcpFrames = 0;
  const layers = new Set<string>();
  parser.push(pcap, (frame) => {
    frames++;
    const step = pipeline.push(frame);
    if (step.tls !== null) tlsFrames++;
    if (step.tcp === undefined) nonTcpFrames++;
    for (const l of step.packet.layers) layers.add(l);
  });
  parser.end();
  return { frames, tlsFrames, nonTcpFrames, layers, result: pipeline.finish() };
}

async function corpusPcap(spec: CorpusSpec): Promise<Buffer> {
  return encodePcap(await corpusFrames(spec), { linkType: LinkType.Ethernet, nanosecond: true });
}

describe('bench corpus generator', function () {
  this.timeout(60_000);
  const plain: CorpusSpec = { kind: 'plain', packets: 2000, seed: 11 };
  let pcap: Buffer;
  let analysed: Analysed;
  before(async () => {
    pcap = await corpusPcap(plain);
    analysed = analyse(pcap);
  });

  it('makes at least the requested number of frames, every one a TCP segment over Ethernet', () => {
    expect(analysed.frames).to.be.at.least(2000);
    expect(analysed.nonTcpFrames).to.equal(0);
    expect([...analysed.layers].sort()).to.deep.equal(['eth', 'ipv4', 'ipv6', 'tcp']);
    expect(analysed.result.tcp.conversations.length).to.be.greaterThan(3);
  });

  it('contains loss recovery that the TCP analysis flags: dup ACKs, fast retransmissions and retransmissions', () => {
    const counts = analysed.result.tcp.expertCounts;
    expect(counts['tcp.analysis.duplicate_ack']).to.be.greaterThan(0);
    expect(counts['tcp.analysis.fast_retransmission']).to.be.greaterThan(0);
    expect(counts['tcp.analysis.retransmission']).to.be.greaterThan(counts['tcp.analysis.fast_retransmission']);
  });

  it('carries TLS handshakes and application data that the TLS analysis reports', () => {
    expect(analysed.tlsFrames).to.be.greaterThan(20);
    const versions = new Set(analysed.result.tls.map((s) => s.versionName));
    expect([...versions].filter((v) => v !== undefined).sort()).to.deep.equal(['TLS 1.2', 'TLS 1.3']);
    expect(analysed.result.tls.every((s) => s.clientHelloFrame !== undefined)).to.equal(true);
  });

  it('closes every connection with a FIN handshake or a reset', () => {
    for (const c of analysed.result.tcp.conversations) expect(c.teardown.kind, `stream ${c.stream}`).to.be.oneOf(['fin-close', 'rst-abort']);
  });

  it('is reproducible: the same seed gives the same bytes and another seed different ones', async () => {
    expect((await corpusPcap(plain)).equals(pcap)).to.equal(true);
    expect((await corpusPcap({ ...plain, seed: 12 })).equals(pcap)).to.equal(false);
  });

  it('wraps the tunnelled variant in VLAN + GTP-U or GRE, with the inner conversations analysed', async () => {
    const tunnel = analyse(await corpusPcap({ kind: 'tunnel', packets: 2000, seed: 11 }));
    expect([...tunnel.layers]).to.include.members(['vlan', 'gtp', 'gre', 'udp', 'tcp']);
    expect(tunnel.result.tcp.expertCounts).to.deep.equal(analysed.result.tcp.expertCounts);
  });

  it('writes the corpus once and reuses the file on the next call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelab-corpus-'));
    try {
      const first = await ensureCorpus({ ...plain, dir });
      const second = await ensureCorpus({ ...plain, dir });
      expect(first.generated).to.equal(true);
      expect(second).to.deep.equal({ ...first, generated: false });
      expect(readFileSync(first.path).equals(pcap)).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
