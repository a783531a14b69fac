/**
 * client-agent.ts: child-process entry point that plays a client script inside the client namespace and
 * reports each step, key log lines and completion as JSON lines. Must not import analyzer/ beyond errors.
 */
import { readFile } from 'node:fs/promises';
import { runClientScript, type TimedClientAction } from '../clients/client-script.js';
import { runAgent, sendToRunner, waitForCommand } from './agent-process.js';

/** The client agent's configuration, passed as JSON in argv[2]. */
export interface ClientAgentConfig {
  readonly host: string;
  readonly port: number;
  /** PEM file with the lab certificate to trust. */
  readonly certPath: string;
  readonly tlsVersion?: 'TLS 1.2' | 'TLS 1.3';
  readonly ciphers?: string;
  readonly steps: readonly TimedClientAction[];
}

runAgent(async () => {
  const config = JSON.parse(process.argv[2] ?? '{}') as ClientAgentConfig;
  const pem = await readFile(config.certPath, 'utf8');
  const ca = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0] ?? pem;
  // Loading Node and tsx takes a second or two; report readiness, then start when the server is up.
  sendToRunner({ type: 'ready', host: config.host, port: config.port });
  await waitForCommand('start');
  await runClientScript(
    config.steps,
    {
      host: config.host,
      port: config.port,
      ca,
      ...(config.tlsVersion === undefined ? {} : { tlsVersion: config.tlsVersion }),
      ...(config.ciphers === undefined ? {} : { ciphers: config.ciphers }),
      onKeyLog: (line) => sendToRunner({ type: 'keylog', line }),
    },
    (step) => sendToRunner({ type: 'step', ...step }),
  );
  sendToRunner({ type: 'done' });
  // Stay alive so idle connections stay open until the runner has stopped the capture.
  return async () => {};
});
