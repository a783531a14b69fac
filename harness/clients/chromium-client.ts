/**
 * chromium-client.ts: a real headless Chromium (Debian's, driven by playwright-core) that loads the lab page
 * and fetches its media, confined to the lab server's address. Must not import analyzer/ beyond errors.
 */
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { ConfigError, EnvironmentError } from '../../analyzer/errors.js';
import { LAB_HOSTNAME } from '../certs.js';
import { playTimedSteps } from './client-script.js';
import type { ActionTime, ClientStepResult } from './client-script.js';

/** Where `script/setup.sh` (the Debian `chromium` package) puts the browser. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Environment variable that points the harness at another Chromium binary. */
export const CHROMIUM_PATH_ENV = 'WIRELAB_CHROMIUM';

/** A browser action of a scenario timeline; plain data so it crosses the process boundary as JSON. */
export type BrowserAction =
  | {
      readonly kind: 'browser-load';
      /** Page path on the lab server, e.g. '/'. */
      readonly path: string;
      /** After the `load` event, fetch every `<img>`, `<audio>` and `<video>` source in full from the page. */
      readonly fetchMedia: boolean;
      /** Then play the page's first video (muted) for this long, as a person watching it; 0: do not play. */
      readonly playMs?: number;
    }
  | { readonly kind: 'browser-close' };

/** True for the actions this module plays (the timeline also holds the node client's actions). */
function isBrowserAction(action: { readonly kind: string }): action is BrowserAction {
  return action.kind === 'browser-load' || action.kind === 'browser-close';
}

/** A short human label such as "browser load /", used in timelines and errors. */
export function describeBrowserAction(action: BrowserAction): string {
  if (action.kind === 'browser-close') return 'browser close';
  const play = (action.playMs ?? 0) > 0 ? `, play the video ${action.playMs} ms` : '';
  return `browser load ${action.path}${action.fetchMedia ? ' and its media' : ''}${play}`;
}

/** A browser action with its start time. */
export interface TimedBrowserAction {
  readonly at: ActionTime;
  readonly action: BrowserAction;
}

/**
 * The timeline's browser actions when it has any, undefined when it has none. The browser and the node
 * client run in different agents, so one timeline cannot mix them.
 * @throws ConfigError for a mixed timeline.
 */
export function browserTimeline(entries: readonly { readonly at: ActionTime; readonly action: { readonly kind: string } }[]): TimedBrowserAction[] | undefined {
  const browserSteps = entries.filter((e): e is TimedBrowserAction => isBrowserAction(e.action));
  if (browserSteps.length === 0) return undefined;
  if (browserSteps.length !== entries.length) {
    const other = entries.find((e) => !isBrowserAction(e.action))!;
    throw new ConfigError(`timeline mixes browser actions with the node client's "${other.action.kind}"; use browser.* or client.* actions, not both`);
  }
  return browserSteps;
}

/** The Chromium binary to use: `$WIRELAB_CHROMIUM` when set, else {@link DEFAULT_CHROMIUM_PATH}. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[CHROMIUM_PATH_ENV];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_CHROMIUM_PATH;
}

/** One line saying why Chromium cannot run from `executablePath`, or undefined when it can (for skips). */
export function chromiumProblem(executablePath: string = chromiumPath()): string | undefined {
  try {
    accessSync(executablePath, constants.X_OK);
    return undefined;
  } catch {
    return `chromium was not found at ${executablePath} (needed by the real-browser client): install chromium (apt-get install chromium)`;
  }
}

/**
 * Throws when Chromium is missing, before any namespace is made for a run that needs it.
 * @throws EnvironmentError with the install command.
 */
export function requireChromium(executablePath: string = chromiumPath()): void {
  const problem = chromiumProblem(executablePath);
  if (problem !== undefined) throw new EnvironmentError(problem);
}

/**
 * The command-line switches of a lab browser. Chromium may only reach `serverIp`: every other host name
 * resolves to nothing (no DNS traffic at all), and the background services that phone home are off.
 * QUIC is off because the lab server speaks TCP only; certificate errors are ignored because the lab
 * certificate is self-signed and a fresh profile has no way to trust it.
 */
export function chromiumArgs(serverIp: string, hostname: string = LAB_HOSTNAME): string[] {
  const target = serverIp.includes(':') ? `[${serverIp}]` : serverIp;
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--no-proxy-server',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-domain-reliability',
    '--disable-breakpad',
    '--disable-dev-shm-usage',
    '--ignore-certificate-errors',
    // The lab video plays without a click, as a person would start it.
    '--autoplay-policy=no-user-gesture-required',
    // Rules apply in order: the lab name first, then every other name fails without a lookup.
    `--host-resolver-rules=MAP ${hostname} ${target}, MAP * ~NOTFOUND`,
  ];
}

/** Options of {@link launchChromium}. */
export interface ChromiumOptions {
  /** The lab server's address; the only one the browser may reach. */
  readonly serverIp: string;
  readonly port: number;
  /** The name in the URL and SNI; default {@link LAB_HOSTNAME}. */
  readonly hostname?: string;
  /** Default {@link chromiumPath}(). */
  readonly executablePath?: string;
  /** Receives NSS key log lines (no newline) that Chromium wrote since the last call, after each load and at close. */
  readonly onKeyLog?: (line: string) => void;
  /** Deadline of one page load, media included; default 30 s. */
  readonly timeoutMs?: number;
}

/** One request the page made, as the browser saw it. */
export interface BrowserRequest {
  readonly path: string;
  /** Playwright's resource type: 'document', 'image', 'media', 'fetch', 'other'. */
  readonly type: string;
  /** The Range header the browser sent (media elements ask for 'bytes=0-'), or ''. */
  readonly range: string;
  /** HTTP status, 0 when no response arrived. */
  readonly status: number;
  /** Body bytes received, as Chromium counts them. */
  readonly bodyBytes: number;
  /** Chromium's net error when the request did not finish, e.g. 'net::ERR_ABORTED'; '' when it did. */
  readonly failure: string;
}

/** What one page load did. */
export interface BrowserLoadResult {
  readonly status: number;
  /** Every request in the order the browser started them; media elements and page fetches included. */
  readonly requests: readonly BrowserRequest[];
  /** Media element states after loading: `path=readyState/error` (error 4: the generated bytes are not decodable media). */
  readonly mediaStates: readonly string[];
  /** Seconds of video played when `playMs` was given, 0 otherwise. */
  readonly playedSeconds: number;
  /** Bytes of each media source fetched in full from the page, by path. */
  readonly fetchedBytes: Readonly<Record<string, number>>;
  readonly durationMs: number;
}

/** A running lab browser. */
export interface ChromiumSession {
  /** The temporary directory holding the profile, cache and key log; gone after `close`. */
  readonly profileDir: string;
  /** Navigates to `path`, waits for the `load` event and the media elements, then (optionally) fetches the media in full. */
  load(path: string, options?: { readonly fetchMedia?: boolean; readonly playMs?: number }): Promise<BrowserLoadResult>;
  /** Closes the browser (its sockets close with it) and removes the profile. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a fresh temporary profile (removed by `close`, and on a failed start).
 * The browser inherits the caller's network namespace, so a client agent runs it inside the client's.
 * @throws EnvironmentError when Chromium or playwright-core is missing or the browser does not start.
 * @example
 * const browser = await launchChromium({ serverIp: '198.18.0.2', port: 443 });
 * try { await browser.load('/'); } finally { await browser.close(); }
 */
export async function launchChromium(options: ChromiumOptions): Promise<ChromiumSession> {
  const executablePath = options.executablePath ?? chromiumPath();
  requireChromium(executablePath);
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch (e) {
    throw new EnvironmentError('the npm package playwright-core could not be loaded (it drives Chromium): run npm install', { cause: e });
  }
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-chromium-'));
  const keyLogPath = join(dir, 'sslkeylog.txt');
  let context: BrowserContext;
  try {
    context = await playwright.chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath,
      headless: true,
      args: chromiumArgs(options.serverIp, options.hostname ?? LAB_HOSTNAME),
      // Everything Chromium writes (cache, crash dumps, keys) stays in the temporary directory.
      env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache'), SSLKEYLOGFILE: keyLogPath },
      // The agent's own SIGTERM handler closes the browser; Playwright's would exit the process first.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 30_000,
    });
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw new EnvironmentError(`chromium at ${executablePath} did not start: ${firstLine(e)}`, { cause: e });
  }
  const origin = `https://${options.hostname ?? LAB_HOSTNAME}${options.port === 443 ? '' : `:${options.port}`}`;
  let keyLogLines = 0;
  let closed: Promise<void> | undefined;
  const flushKeyLog = async (): Promise<void> => {
    const text = await readFile(keyLogPath, 'latin1').catch(() => '');
    // Only whole lines: Chromium may be halfway through writing the last one.
    const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => l !== '');
    for (const line of lines.slice(keyLogLines)) options.onKeyLog?.(line);
    keyLogLines = Math.max(keyLogLines, lines.length);
  };
  return {
    profileDir: dir,
    async load(path, loadOptions = {}) {
      if (closed) throw new EnvironmentError(`chromium: load ${path} after the browser was closed`);
      const page = context.pages()[0] ?? (await context.newPage());
      const url = `${origin}${path}`;
      const result = await loadPage(page, url, loadOptions.fetchMedia ?? true, loadOptions.playMs ?? 0, options.timeoutMs ?? 30_000).catch((e: unknown) => {
        // Playwright's messages span many lines (call logs); the run reports one.
        throw e instanceof EnvironmentError ? e : new EnvironmentError(`chromium: loading ${url} failed: ${firstLine(e)}`, { cause: e });
      });
      await flushKeyLog();
      return result;
    },
    close() {
      closed ??= (async () => {
        try {
          await context.close();
          await flushKeyLog();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      })();
      return closed;
    },
  };
}

/** Plays browser `steps` in order on `browser`, with the node client's timing rules (`playTimedSteps`). */
export async function runBrowserScript(
  steps: readonly TimedBrowserAction[],
  browser: ChromiumSession,
  onStep: (result: ClientStepResult) => void = () => {},
): Promise<ClientStepResult[]> {
  const run = async (action: TimedBrowserAction['action']): Promise<string> => {
    if (action.kind === 'browser-load') {
      return formatLoad(await browser.load(action.path, { fetchMedia: action.fetchMedia, playMs: action.playMs ?? 0 }));
    }
    await browser.close();
    return 'browser closed';
  };
  return playTimedSteps(steps, run, describeBrowserAction, onStep);
}

/** One line for the run's timeline: each request with its status and size or failure, then the media states. */
function formatLoad(load: BrowserLoadResult): string {
  const requests = load.requests.map((r) => `${r.type} ${r.path}${r.range ? ` (${r.range})` : ''} ${r.status}/${r.failure || `${r.bodyBytes} B`}`);
  const fetched = Object.entries(load.fetchedBytes).map(([path, bytes]) => `${path}=${bytes}`);
  const played = load.playedSeconds > 0 ? `; played ${load.playedSeconds.toFixed(1)} s of video` : '';
  return `status ${load.status} in ${load.durationMs.toFixed(0)} ms; ${requests.join(', ')}; media ${load.mediaStates.join(' ') || 'none'}; fetched ${fetched.join(' ') || 'nothing'}${played}`;
}

async function loadPage(page: Page, url: string, fetchMedia: boolean, playMs: number, timeoutMs: number): Promise<BrowserLoadResult> {
  const startMs = performance.now();
  const seen: Request[] = [];
  const settled = new Map<Request, string>();
  let wakeIdle: (() => void) | undefined;
  const settle = (r: Request, failure: string): void => {
    settled.set(r, failure);
    if (seen.every((s) => settled.has(s))) wakeIdle?.();
  };
  const onRequest = (r: Request): void => void seen.push(r);
  const onFinished = (r: Request): void => settle(r, '');
  const onFailed = (r: Request): void => settle(r, r.failure()?.errorText ?? 'failed');
  page.on('request', onRequest);
  page.on('requestfinished', onFinished);
  page.on('requestfailed', onFailed);
  try {
    const response = await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    if (response === null) throw new EnvironmentError(`chromium: no response for ${url}`);
    if (!response.ok()) throw new EnvironmentError(`chromium: ${url} answered ${response.status()}; expected 200 from the lab server`);
    // A media element either decodes its metadata or gives up (MEDIA_ERR_SRC_NOT_SUPPORTED for the generated bytes).
    await page.waitForFunction(
      () => [...document.querySelectorAll('audio, video')].every((m) => (m as HTMLMediaElement).error !== null || (m as HTMLMediaElement).readyState >= 1),
      undefined,
      { timeout: timeoutMs },
    );
    const mediaStates = await page.evaluate(() =>
      [...document.querySelectorAll('audio, video')].map((m) => {
        const media = m as HTMLMediaElement;
        return `${new URL(media.currentSrc || media.src).pathname}=${media.readyState}/${media.error?.code ?? 0}`;
      }),
    );
    // Playing makes Chromium fetch the video (Range requests) as a viewer's browser does.
    const playedSeconds =
      playMs > 0
        ? await page.evaluate(async (ms) => {
            const video = document.querySelector('video');
            if (video === null) return 0;
            video.muted = true;
            await video.play();
            await new Promise((resolveWait) => setTimeout(resolveWait, ms));
            video.pause();
            return video.currentTime;
          }, playMs)
        : 0;
    // Generated (undecodable) media stop after a few kilobytes, so the page can fetch each source in
    // full itself, in parallel as a page script would, bypassing the cache that holds the partial copies.
    const fetchedBytes = fetchMedia
      ? await page.evaluate(async () => {
          const sources = [...new Set([...document.querySelectorAll('img, audio, video')].map((m) => (m as HTMLImageElement | HTMLMediaElement).src))];
          const sizes = await Promise.all(
            sources.map(async (src) => {
              const reply = await fetch(src, { cache: 'no-store' });
              if (!reply.ok) throw new Error(`${src} answered ${reply.status}`);
              return (await reply.arrayBuffer()).byteLength;
            }),
          );
          return Object.fromEntries(sources.map((src, i) => [new URL(src).pathname, sizes[i]!]));
        })
      : {};
    // Late requests (the favicon) settle on their own; wait for them so the report is complete.
    if (seen.some((r) => !settled.has(r))) {
      await new Promise<void>((resolveIdle) => {
        const timer = setTimeout(resolveIdle, timeoutMs);
        wakeIdle = () => {
          clearTimeout(timer);
          resolveIdle();
        };
      });
    }
    const requests: BrowserRequest[] = [];
    for (const r of seen) {
      const reply = await r.response();
      const sizes = settled.get(r) === '' ? await r.sizes() : undefined;
      requests.push({
        path: new URL(r.url()).pathname,
        type: r.resourceType(),
        range: r.headers()['range'] ?? '',
        status: reply?.status() ?? 0,
        bodyBytes: sizes?.responseBodySize ?? 0,
        failure: settled.get(r) ?? 'unfinished',
      });
    }
    return { status: response.status(), requests, mediaStates, fetchedBytes, playedSeconds, durationMs: performance.now() - startMs };
  } finally {
    page.off('request', onRequest);
    page.off('requestfinished', onFinished);
    page.off('requestfailed', onFailed);
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'no message';
}
