/**
 * The HTML report: deterministic (a snapshot of a small capture), self-contained, and checked in real
 * headless Chromium: no console errors, one drawn segment per data segment of the capture, a click on a
 * mark shows its frame, zoom changes the graph, and a screenshot is kept in .test-artifacts/.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCapture } from '../../../analyzer/analyze-capture.js';
import type { Analysis } from '../../../analyzer/analysis-result.js';
import { labFacts } from '../../../analyzer/report/lab-facts.js';
import { renderHtmlReport } from '../../../analyzer/report/html-report.js';
import { chromiumProblem } from '../../../harness/clients/chromium-client.js';
import { skipBecause } from '../../support/skip.js';

const root = new URL('../../../', import.meta.url).pathname;
const labCapture = join(root, 'test/fixtures/lab/lab-report.pcapng');
const small = join(root, 'test/fixtures/captures/kernel/01_handshake_fin_close.pcap');
const golden = join(root, 'test/golden/report/01_handshake_fin_close.html');
const artifacts = join(root, '.test-artifacts');

describe('unit', function () {
  this.timeout(90_000);
  describe('html report', () => {
    let lab: Analysis;
    before(async () => {
      lab = await analyzeCapture(labCapture);
    });

    it('is deterministic: the same capture gives the same bytes, equal to the snapshot', async () => {
      // Named by its path inside the project, so the snapshot holds in any checkout.
      const name = 'test/fixtures/captures/kernel/01_handshake_fin_close.pcap';
      const a = renderHtmlReport(await analyzeCapture(small, { name }));
      const b = renderHtmlReport(await analyzeCapture(small, { name }));
      expect(a).to.equal(b);
      if (process.env['UPDATE_GOLDEN'] === '1') {
        mkdirSync(join(root, 'test/golden/report'), { recursive: true });
        writeFileSync(golden, a);
      }
      expect(existsSync(golden), `${golden} is missing; run UPDATE_GOLDEN=1 npm test`).to.equal(true);
      expect(a).to.equal(readFileSync(golden, 'utf8'));
    });

    it('is self-contained: no external scripts, styles, images or fetches', () => {
      const html = renderHtmlReport(lab);
      expect(html).to.not.match(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|https?:\/\/(?!www\.w3\.org)/);
      expect(html).to.contain('<svg class="tsg"').and.contain('<svg class="flow"');
    });

    it('draws, clicks and zooms in real Chromium without console errors', async function () {
      const problem = chromiumProblem();
      if (problem !== undefined) skipBecause(this, problem);
      const { chromium } = await import('playwright-core');
      const dir = mkdtempSync(join(tmpdir(), 'wirelab-report-'));
      const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
      try {
        const file = join(dir, 'report.html');
        writeFileSync(file, renderHtmlReport(lab));
        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
        const errors: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
        page.on('pageerror', (e) => void errors.push(String(e)));
        page.on('request', (r) => void (r.url().startsWith('file://') || requests.push(r.url())));
        await page.goto(`file://${file}`);

        // One drawn I-beam per data segment of each drawn stream's bulk direction, as the capture has them.
        for (const f of labFacts(lab)) {
          const c = f.conversation;
          const expected = f.frames.filter((r) => (r.tcp_len ?? 0) > 0 && (r.src === c.client.address && r.sport === c.client.port) === (f.bulk === 'client')).length;
          const drawn = await page.locator(`#stream-${c.stream} svg.tsg .seg`).count();
          expect(drawn, `stream ${c.stream}`).to.equal(expected);
          expect(await page.locator(`#stream-${c.stream} svg.flow .row`).count()).to.equal(f.frames.length);
        }
        expect(await page.locator('#stream-0 svg.tsg .seg').count()).to.equal(319);

        // Clicking the fast retransmission's mark shows frame 195.
        const fast = lab.frames.find((r) => r.flags.includes('fast_retransmission'))!;
        await page.locator(`#stream-0 svg.tsg .seg.fast-retransmission`).first().dispatchEvent('click');
        await page.locator('#frame-detail:not([hidden])').waitFor();
        const detail = await page.locator('#frame-detail').innerText();
        expect(detail).to.contain(`Frame ${fast.frame}`).and.contain('fast_retransmission');
        // A frame link in the explanation does the same.
        await page.locator('#explanation ~ section a[data-frame="8"]').first().click();
        expect(await page.locator('#frame-detail .body h3').innerText()).to.equal('Frame 8');

        // Zoom: the graph's zoom group gets a scale, reset takes it back.
        const tsg = page.locator('#stream-0 svg.tsg');
        await tsg.scrollIntoViewIfNeeded();
        const box = (await tsg.boundingBox())!;
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.wheel(0, -300);
        const zoomed = await tsg.locator('g.zoom').getAttribute('transform');
        expect(zoomed).to.match(/scale\(1\.25/);
        mkdirSync(artifacts, { recursive: true });
        await page.screenshot({ path: join(artifacts, 'report-lab-report.png'), fullPage: false });
        await page.locator('#stream-0 button.reset').first().click();
        expect(await tsg.locator('g.zoom').getAttribute('transform')).to.match(/scale\(1\.0000/);

        expect(errors).to.deep.equal([]);
        expect(requests).to.deep.equal([]);
        expect(existsSync(join(artifacts, 'report-lab-report.png'))).to.equal(true);
      } finally {
        await browser.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('wirelab report', () => {
    it('writes the file and rejects a bad language', async () => {
      const frames = (await analyzeCapture(small)).frameCount;
      const dir = mkdtempSync(join(tmpdir(), 'wirelab-report-cli-'));
      try {
        const bin = join(root, 'bin/wirelab.js');
        const out = join(dir, 'r.html');
        const ok = spawnSync(process.execPath, [bin, 'report', small, '-o', out, '--lang', 'zh'], { encoding: 'utf8', timeout: 60_000 });
        expect(ok.status, ok.stderr).to.equal(0);
        expect(ok.stdout).to.equal(`wirelab report: ${out} (${frames} frames of ${small})\n`);
        expect(readFileSync(out, 'utf8')).to.contain('<html lang="zh-CN">').and.contain('三次握手');
        const bad = spawnSync(process.execPath, [bin, 'report', small, '-o', out, '--lang', 'de'], { encoding: 'utf8', timeout: 60_000 });
        expect([bad.status, bad.stderr.trim()]).to.deep.equal([2, 'error [ERR_CONFIG]: --lang must be en or zh (got "de")']);
        const missing = spawnSync(process.execPath, [bin, 'report', join(dir, 'nope.pcap')], { encoding: 'utf8', timeout: 60_000 });
        expect([missing.status, missing.stderr.trim()]).to.deep.equal([2, `error [ERR_FILE_NOT_FOUND]: ${join(dir, 'nope.pcap')}: no such file or directory`]);
        // A file that is no capture gets its one-line error and no report of nothing (nor an explanation, nor a summary).
        const text = join(dir, 'notes.txt');
        writeFileSync(text, 'root:x:0:0:root:/root:/bin/bash\n');
        for (const args of [['report', text, '-o', join(dir, 'notes.html')], ['explain', text], ['analyze', text]]) {
          const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
          expect([r.status, r.stdout, r.stderr.trim()], args[0]).to.deep.equal([2, '', `error [ERR_CAPTURE_FORMAT]: ${text}: unknown magic 0x726f6f74 at offset 0; expected pcap (0xa1b2c3d4/0xa1b23c4d, either byte order) or pcapng (0x0a0d0d0a)`]);
        }
        expect(existsSync(join(dir, 'notes.html'))).to.equal(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
