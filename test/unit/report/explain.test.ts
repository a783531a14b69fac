/**
 * The explanation of a capture: the report's order, frames cited for each claim and checked against the
 * per-frame records, EstimatedRTT with α = 0.125, both languages, and the legends.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCapture } from '../../../analyzer/analyze-capture.js';
import type { Analysis } from '../../../analyzer/analysis-result.js';
import { describeCipherSuite, explainAnalysis, renderExplanationMarkdown } from '../../../analyzer/report/explain.js';
import { formatCompleteness, labFacts, mainConversation, RTT_ALPHA } from '../../../analyzer/report/lab-facts.js';

const root = new URL('../../../', import.meta.url).pathname;
const labCapture = join(root, 'test/fixtures/lab/lab-report.pcapng');
const fastRetrans = join(root, 'test/fixtures/captures/kernel/02_lost_fast_retrans.pcap');

describe('unit', () => {
  describe('explain', () => {
    let lab: Analysis;
    before(async () => {
      lab = await analyzeCapture(labCapture);
    });

    it("puts the sections in the lab report's order", () => {
      expect(explainAnalysis(lab).sections.map((s) => s.id)).to.deep.equal(['overview', 'handshake', 'tls', 'transfer', 'reordering', 'duplicates', 'teardown', 'parallel', 'rtt', 'questions']);
    });

    it('explains the handshake with the real sequence numbers: ack = seq + 1', () => {
      const c = lab.conversations.find((x) => x.bytes[1] > 100_000)!;
      const syn = lab.frames[c.handshake.synFrame! - 1]!;
      const synAck = lab.frames[c.handshake.synAckFrame! - 1]!;
      expect(synAck.ack_raw).to.equal((syn.seq_raw! + 1) % 2 ** 32);
      const text = renderExplanationMarkdown(explainAnalysis(lab));
      expect(text).to.contain(`#${syn.frame}: the client ${c.client.address}:${c.client.port} sends SYN`);
      expect(text).to.contain(`ack ${synAck.ack_raw} = ${syn.seq_raw} + 1`);
      expect(text).to.contain('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: ECDHE key exchange');
      expect(text).to.contain('| 0 | 198.19.108.85:60920 | 198.19.108.86:443 | #6–#545 | 809 / 433649 | fin-close | 31 (SYN, SYN-ACK, ACK, DATA, FIN) |');
    });

    it('cites the fast retransmission and the duplicate ACKs that triggered it, as the analysis flagged them', async () => {
      const analysis = await analyzeCapture(fastRetrans);
      const fast = analysis.frames.filter((r) => r.flags.includes('fast_retransmission'));
      expect(fast.map((r) => r.frame)).to.deep.equal([78]);
      const dups = analysis.frames.filter((r) => r.flags.includes('duplicate_ack') && r.ack === fast[0]!.seq).map((r) => `#${r.frame}`);
      const text = renderExplanationMarkdown(explainAnalysis(analysis));
      expect(text).to.contain(`Stream 0, #78: fast retransmission of Seq=27513 (1448 bytes)`);
      expect(text).to.contain(`the ACK #43 and its ${dups.length} duplicate(s) ${dups.join(', ')}`);
      // The packet lines quoted are the packet list's own.
      expect(text).to.match(/^ {4}78 +[\d.]+ .*\[TCP Fast Retransmission\]/m);
    });

    it('computes EstimatedRTT = (1 − α)·EstimatedRTT + α·SampleRTT with α = 0.125', () => {
      const main = mainConversation(labFacts(lab))!;
      const samples = main.client.rtt;
      expect(samples.length).to.be.greaterThan(3);
      let estimated = samples[0]!.sampleMs;
      for (const s of samples.slice(1)) estimated = 0.875 * estimated + 0.125 * s.sampleMs;
      expect(RTT_ALPHA).to.equal(0.125);
      expect(samples[samples.length - 1]!.estimatedMs).to.be.closeTo(estimated, 1e-9);
      // The capture sat at the client over a 175 ms path: every sample is near that.
      for (const s of samples) expect(s.sampleMs).to.be.within(170, 260);
      expect(main.capturedAt).to.equal('client');
    });

    it('lists the requests each connection carried when the capture holds the TLS keys', () => {
      const text = renderExplanationMarkdown(explainAnalysis(lab));
      expect(text).to.contain('With the TLS keys the requests are readable (4):');
      expect(text).to.contain('- GET / → 200, 1555 B  #24\n- GET /media/image.jpg → 200, 56536 B  #29');
      // Without keys (the DSB ignored) the same place says they are encrypted.
      const noKeys = { ...lab, conversations: lab.conversations.map((c) => ({ ...c, tls: c.tls === undefined ? undefined : { ...c.tls, requests: [] } })) };
      expect(renderExplanationMarkdown(explainAnalysis(noKeys))).to.contain('The requests and responses are encrypted (Application Data)');
    });

    it("names the Client Hello's offered cipher suites in its order, and how many there are", async () => {
      expect(renderExplanationMarkdown(explainAnalysis(lab))).to.contain('lists the cipher suites it can use, 2 of them in its order of preference: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_EMPTY_RENEGOTIATION_INFO_SCSV.');
      expect(renderExplanationMarkdown(explainAnalysis(lab, 'zh'))).to.contain('（共 2 个，按偏好排序：TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256、TLS_EMPTY_RENEGOTIATION_INFO_SCSV）');
      // A long offer shows the first four, then the count of the rest.
      const many = await analyzeCapture(join(root, 'test/fixtures/captures/tls/21_tls12_alert.pcap'));
      expect(renderExplanationMarkdown(explainAnalysis(many))).to.match(/28 of them in its order of preference: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, [^.]+ and 24 more\./);
    });

    it('marks a resumed TLS 1.2 session (the echoed session ID) and gives it its legend, and only that one', async () => {
      const a = await analyzeCapture(join(root, 'test/fixtures/captures/tls/25_tls12_resumption.pcap'));
      expect(a.conversations.map((c) => c.tls?.resumed)).to.deep.equal([false, true]);
      const tls13 = await analyzeCapture(join(root, 'test/fixtures/captures/tls/20_tls13_sni_alpn.pcap'));
      expect(tls13.conversations.map((c) => c.tls?.resumed)).to.deep.equal([false]); // TLS 1.3 echoes the ID; no pre_shared_key
      const resumedStream = a.conversations[1]!.stream;
      const text = renderExplanationMarkdown(explainAnalysis({ ...a, conversations: [a.conversations[1]!] }));
      expect(text).to.match(/This is a resumed session: in #\d+ the server takes up the session the client offered/);
      expect(resumedStream).to.equal(1);
    });

    it('speaks natural Chinese with --lang zh, with the same frames', () => {
      const zh = renderExplanationMarkdown(explainAnalysis(lab, 'zh'));
      for (const title of ['## 三次握手', '## TLS 握手', '## 数据传输', '## 失序处理与快速重传', '## 四次挥手', '## 浏览器的并行连接', '## 实验问题解答']) expect(zh).to.contain(title);
      expect(zh).to.contain('SYN 本身占用一个序号');
      expect(zh).to.not.contain('The story follows');
    });

    it('says plainly when there is no TCP connection', async () => {
      const empty: Analysis = { ...lab, frames: [], conversations: [], parallelConnections: [], frameCount: 0 };
      const text = renderExplanationMarkdown(explainAnalysis(empty));
      expect(text).to.contain('The capture holds no TCP connection');
    });

    it('names the parts of TLS 1.2 and TLS 1.3 suites', () => {
      expect(describeCipherSuite('TLS_AES_256_GCM_SHA384', 'en')).to.contain('AES with a 256-bit key in GCM mode').and.contain('HKDF');
      expect(describeCipherSuite('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'en')).to.contain('ECDSA signatures').and.contain('Poly1305');
    });

    it('gives completeness its legend', () => {
      expect([formatCompleteness(31), formatCompleteness(63), formatCompleteness(0)]).to.deep.equal([
        '31 (SYN, SYN-ACK, ACK, DATA, FIN)',
        '63 (SYN, SYN-ACK, ACK, DATA, FIN, RST)',
        '0 (nothing seen)',
      ]);
    });
  });

  describe('wirelab explain', () => {
    const bin = join(root, 'bin/wirelab.js');
    const wirelab = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
    it('prints Markdown for a run directory and rejects a bad language or a directory without a capture', () => {
      const ok = wirelab(['explain', join(root, 'test/fixtures/lab'), '--lang', 'zh']);
      // test/fixtures/lab has no capture.pcapng: the directory form needs a run directory.
      expect([ok.status, ok.stderr.trim()]).to.deep.equal([2, `error [ERR_CONFIG]: ${join(root, 'test/fixtures/lab')}: a directory without capture.pcapng (give a capture file or a run directory of wirelab run)`]);
      const runDir = mkdtempSync(join(tmpdir(), 'wirelab-explain-'));
      try {
        copyFileSync(fastRetrans, join(runDir, 'capture.pcapng'));
        const file = wirelab(['explain', runDir]);
        expect(file.status, file.stderr).to.equal(0);
        expect(file.stdout).to.match(/^# What happened in this capture\n/);
        expect(file.stdout).to.contain('Stream 0, #78: fast retransmission');
      } finally {
        rmSync(runDir, { recursive: true, force: true });
      }
      const bad = wirelab(['explain', fastRetrans, '--lang', 'fr']);
      expect([bad.status, bad.stderr.trim()]).to.deep.equal([2, 'error [ERR_CONFIG]: --lang must be en or zh (got "fr")']);
    });
  });
});
