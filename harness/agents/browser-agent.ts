/**
 * browser-agent.ts: child-process entry point that runs headless Chromium inside the client namespace, plays
 * the browser timeline and reports steps, Chromium's TLS keys and completion as JSON lines. Must not import analyzer/ beyond errors.
 */
import { launchChromium, runBrowserScript, type ChromiumSession, type TimedBrowserAction } from '../clients/chromium-client.js';
import { runAgent, sendToRunner, waitForCommand } from './agent-process.js';

/** The browser agent's configuration, passed as JSON in argv[2]. */
export interface BrowserAgentConfig {
  /** The lab server's address: the only one Chromium may reach. */
  readonly host: string;
  readonly port: number;
  /** Chromium binary; default `$WIRELAB_CHROMIUM` or /usr/bin/chromium. */
  readonly executablePath?: string;
  /** Deadline of one page load; the scenario's `timeoutMs`. */
  readonly timeoutMs?: number;
  readonly steps: readonly TimedBrowserAction[];
}

runAgent(async () => {
  const config = JSON.parse(process.argv[2] ?? '{}') as BrowserAgentConfig;
  let browser: ChromiumSession | undefined;
  const cleanup = async (): Promise<void> => {
    await browser?.close();
  };
  try {
    // Starting Chromium takes about a second; do it before reporting readiness so the timeline's times
    // are the page's, not the browser's start-up.
    browser = await launchChromium({
      serverIp: config.host,
      port: config.port,
      ...(config.executablePath === undefined ? {} : { executablePath: config.executablePath }),
      ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
      onKeyLog: (line) => sendToRunner({ type: 'keylog', line }),
    });
    sendToRunner({ type: 'ready', host: config.host, port: config.port });
    await waitForCommand('start');
    await runBrowserScript(config.steps, browser, (step) => sendToRunner({ type: 'step', ...step }));
  } catch (e) {
    // runAgent reports the error and exits; the profile directory must not outlive the agent.
    await cleanup().catch(() => {});
    throw e;
  }
  sendToRunner({ type: 'done' });
  // Stay alive (browser open, unless the timeline closed it) until the runner has stopped the capture.
  return cleanup;
});
