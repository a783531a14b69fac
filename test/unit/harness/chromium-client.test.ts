import { expect } from 'chai';
import { access, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveEnvironmentProblem } from '../../../harness/env-check.js';
import { loadCertificate } from '../../../harness/certs.js';
import {
  browserTimeline,
  chromiumArgs,
  chromiumPath,
  chromiumProblem,
  CHROMIUM_PATH_ENV,
  DEFAULT_CHROMIUM_PATH,
  describeBrowserAction,
  launchChromium,
  requireChromium,
} from '../../../harness/clients/chromium-client.js';
import { MEDIA_PATHS, renderLabPage, startLabServer } from '../../../harness/https-server.js';
import { loadLabMedia } from '../../../harness/lab-media.js';
import { defineScenario } from '../../../harness/scenario/define-scenario.js';
import { count } from '../../../harness/scenario/expect.js';
import { runScenario, runScenarioTrafficOnLoopback, scenarioEnvironmentProblem } from '../../../harness/scenario/run-scenario.js';
import { at, browser, client } from '../../../harness/scenario/timeline.js';
import browserPageLoad from '../../../scenarios/browser-page-load.scenario.js';
import { skipBecause } from '../../support/skip.js';
import { runValidScenario } from '../../support/valid-run.js';

const MISSING = '/nonexistent/wirelab/chromium';
const MISSING_MESSAGE = `chromium was not found at ${MISSING} (needed by the real-browser client): install chromium (apt-get install chromium)`;

/** Runs `body` with $WIRELAB_CHROMIUM pointing at `path`, then restores it. */
async function withChromiumPath<T>(path: string, body: () => Promise<T>): Promise<T> {
  const saved = process.env[CHROMIUM_PATH_ENV];
  process.env[CHROMIUM_PATH_ENV] = path;
  try {
    return await body();
  } finally {
    if (saved === undefined) delete process.env[CHROMIUM_PATH_ENV];
    else process.env[CHROMIUM_PATH_ENV] = saved;
  }
}

function browserScenario(name: string) {
  return defineScenario({
    name,
    description: 'chromium client test',
    timeline: [at(0, browser.load('/')), at('+0', browser.close())],
    expect: [count('retransmission', { atLeast: 0 })],
  });
}

describe('unit', function () {
  // Chromium takes a second or two to start; a page load with its media a few hundred ms more.
  this.timeout(60_000);

  describe('chromiumArgs', () => {
    it('maps only the lab name to the server and makes every other name unresolvable', () => {
      const args = chromiumArgs('198.18.0.2');
      expect(args).to.include('--host-resolver-rules=MAP lab.wirelab.test 198.18.0.2, MAP * ~NOTFOUND');
      expect(args).to.include.members(['--disable-quic', '--disable-background-networking', '--no-proxy-server', '--ignore-certificate-errors']);
    });
    it('brackets an IPv6 server address', () => {
      expect(chromiumArgs('fd00::2')).to.include('--host-resolver-rules=MAP lab.wirelab.test [fd00::2], MAP * ~NOTFOUND');
    });
  });

  describe('chromiumPath and chromiumProblem', () => {
    it('uses /usr/bin/chromium unless WIRELAB_CHROMIUM names another binary', () => {
      expect(chromiumPath({})).to.equal(DEFAULT_CHROMIUM_PATH);
      expect(chromiumPath({ [CHROMIUM_PATH_ENV]: '' })).to.equal(DEFAULT_CHROMIUM_PATH);
      expect(chromiumPath({ [CHROMIUM_PATH_ENV]: '/opt/chromium/chrome' })).to.equal('/opt/chromium/chrome');
    });
    it('names the missing binary and the install command', () => {
      expect(chromiumProblem(MISSING)).to.equal(MISSING_MESSAGE);
      expect(() => requireChromium(MISSING)).to.throw().that.includes({ code: 'ERR_ENVIRONMENT', message: MISSING_MESSAGE });
    });
    it('finds nothing wrong with an executable file', () => {
      expect(chromiumProblem(process.execPath)).to.equal(undefined);
    });
  });

  describe('browser timeline', () => {
    it('builds load and close actions with readable labels', () => {
      expect(browser.load()).to.deep.equal({ kind: 'browser-load', path: '/', fetchMedia: true });
      expect(describeBrowserAction(browser.load('/', { fetchMedia: false }))).to.equal('browser load /');
      expect(describeBrowserAction(browser.load('/'))).to.equal('browser load / and its media');
      expect(describeBrowserAction(browser.close())).to.equal('browser close');
    });
    it('rejects a page path without a leading slash', () => {
      expect(() => browser.load('index.html')).to.throw().that.includes({ code: 'ERR_CONFIG', message: 'browser.load("index.html"): the path must start with "/"' });
    });
    it('picks the browser steps, leaves a client timeline alone and refuses a mix', () => {
      const steps = [at(0, browser.load('/')), at('+1s', browser.close())];
      expect(browserTimeline(steps)).to.deep.equal(steps);
      expect(browserTimeline([at(0, client.get('/'))])).to.equal(undefined);
      expect(() => browserTimeline([at(0, browser.load('/')), at('+0', client.close('fin'))])).to.throw().that.includes({
        code: 'ERR_CONFIG',
        message: 'timeline mixes browser actions with the node client\'s "close"; use browser.* or client.* actions, not both',
      });
    });
  });

  describe('runScenario without chromium', () => {
    it('names chromium as the missing requirement of a browser scenario only', async () => {
      const nodeClient = defineScenario({ name: 'unit-node-client', description: 'node client', timeline: [at(0, client.get('/'))], expect: [count('retransmission', { atLeast: 0 })] });
      await withChromiumPath(MISSING, async () => {
        expect(scenarioEnvironmentProblem(browserScenario('unit-browser-missing'))).to.equal(MISSING_MESSAGE);
        expect(scenarioEnvironmentProblem(nodeClient)).to.equal(undefined);
      });
    });
    it('stops with ERR_ENVIRONMENT and the install command before making any namespace', async () => {
      const error = await withChromiumPath(MISSING, () => runScenario(browserScenario('unit-browser-missing')).catch((e: unknown) => e));
      expect(error).to.include({ code: 'ERR_ENVIRONMENT', message: MISSING_MESSAGE });
    });
  });

  describe('launchChromium', () => {
    it('removes its profile directory when the browser does not start', async () => {
      const tmp = await mkdtemp(join(tmpdir(), 'wirelab-chromium-test-'));
      after(() => rm(tmp, { recursive: true, force: true }));
      const saved = process.env['TMPDIR'];
      process.env['TMPDIR'] = tmp;
      let error: unknown;
      try {
        // An executable that is not a browser: Playwright sees it exit before the DevTools pipe opens.
        error = await launchChromium({ serverIp: '127.0.0.1', port: 1, executablePath: '/bin/false' }).catch((e: unknown) => e);
      } finally {
        if (saved === undefined) delete process.env['TMPDIR'];
        else process.env['TMPDIR'] = saved;
      }
      expect(error).to.have.property('code', 'ERR_ENVIRONMENT');
      expect((error as Error).message).to.match(/^chromium at \/bin\/false did not start: /);
      expect(await readdir(tmp)).to.deep.equal([]);
    });

    it('loads the lab page from a loopback server and fetches the page, the image, the audio and the video', async function () {
      const problem = chromiumProblem();
      if (problem !== undefined) skipBecause(this, problem);
      const cert = await loadCertificate();
      const server = await startLabServer({ key: cert.key, cert: cert.cert, host: '127.0.0.1', port: 0, tlsVersion: 'TLS 1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
      after(() => server.close());
      const keyLog: string[] = [];
      const session = await launchChromium({ serverIp: '127.0.0.1', port: server.port, onKeyLog: (line) => keyLog.push(line) });
      let closed = false;
      after(() => (closed ? undefined : session.close()));
      await access(session.profileDir);
      const load = await session.load('/', { playMs: 1500 });
      await session.close();
      closed = true;

      expect(load.status).to.equal(200);
      const sizes = Object.fromEntries((await loadLabMedia()).map((m) => [m.path, m.body.length]));
      expect(load.fetchedBytes).to.deep.equal(sizes);
      // Real media: the browser decodes all three (readyState 4 = enough data, error 0) and plays the video.
      expect(load.mediaStates).to.deep.equal([`${MEDIA_PATHS[1]}=4/0`, `${MEDIA_PATHS[2]}=4/0`]);
      // It played; how far in 1.5 s depends on the machine's load (0.37 s at load average 30 on 2 cores).
      expect(load.playedSeconds).to.be.greaterThan(0);
      // The server's own log: the page, and each medium served whole at least once (by the page's fetch).
      expect(server.requests[0]).to.match(new RegExp(`^GET / 200 ${Buffer.byteLength(renderLabPage())} `));
      for (const [path, bytes] of Object.entries(sizes)) expect(server.requests.some((r) => r.startsWith(`GET ${path} 200 ${bytes} `))).to.equal(true, path);
      // Media elements ask for ranges, as Chromium does: first from byte 0, then (playing) later ranges.
      const mediaRequests = load.requests.filter((r) => r.type === 'media');
      expect(mediaRequests.slice(0, 2).map((r) => [r.path, r.range])).to.deep.equal([
        [MEDIA_PATHS[1], 'bytes=0-'],
        [MEDIA_PATHS[2], 'bytes=0-'],
      ]);
      expect(mediaRequests.every((r) => /^bytes=\d+-\d*$/.test(r.range))).to.equal(true);
      // Chromium's key log covers the server's sessions line for line (TLS 1.2: CLIENT_RANDOM lines).
      expect(keyLog.length).to.be.greaterThan(0);
      expect(keyLog.every((l) => l.startsWith('CLIENT_RANDOM '))).to.equal(true);
      expect([...keyLog].sort()).to.deep.equal([...server.keyLog].sort());
      const gone = await access(session.profileDir).then(() => false, () => true);
      expect(gone).to.equal(true);
    });

    it('runs in the browser agent and reports its steps (scenario traffic on loopback)', async function () {
      const problem = chromiumProblem();
      if (problem !== undefined) skipBecause(this, problem);
      const steps = await runScenarioTrafficOnLoopback(browserScenario('unit-browser-agent'));
      expect(steps.map((s) => s.label)).to.deep.equal(['browser load / and its media', 'browser close']);
      expect(steps[0]!.detail).to.match(new RegExp(`^status 200 in \\d+ ms; document / 200/${Buffer.byteLength(renderLabPage())} B, `));
      const sizes = (await loadLabMedia()).map((m) => `${m.path}=${m.body.length}`).join(' ');
      expect(steps[0]!.detail).to.include(`fetched ${sizes}`);
      expect(steps[1]!.detail).to.equal('browser closed');
    });
  });

  describe('browser-page-load scenario', () => {
    it('@netns passes its expectations in real Chromium over the impaired path (capture: client)', async function () {
      const problem = liveEnvironmentProblem() ?? scenarioEnvironmentProblem(browserPageLoad);
      if (problem !== undefined) skipBecause(this, problem);
      const out = await mkdtemp(join(tmpdir(), 'wirelab-browser-scenario-'));
      after(() => rm(out, { recursive: true, force: true }));
      const result = await runValidScenario(browserPageLoad, { outDir: out });
      if (!result.ok) throw result.error;
      expect(result.clientSteps.map((s) => s.label)).to.deep.equal(['browser load /, play the video 3000 ms', 'browser close']);
      expect(result.clientSteps[0]!.detail).to.match(/played [1-9][.\d]* s of video/);
      expect(result.decisions.filter((d) => d.action === 'drop')).to.have.length(1);
    });
  });
});
