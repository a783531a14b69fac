/**
 * server-agent.ts: child-process entry point that runs the lab HTTPS server inside the server namespace
 * and reports readiness, key log lines and requests as JSON lines. Must not import analyzer/ beyond errors.
 */
import { readFile } from 'node:fs/promises';
import { startLabServer, type AlpnProtocol, type MediaSizes, type TlsVersionName } from '../https-server.js';
import { runAgent, sendToRunner } from './agent-process.js';

/** The server agent's configuration, passed as JSON in argv[2]. */
export interface ServerAgentConfig {
  readonly host: string;
  readonly port: number;
  /** PEM file holding the private key and the certificate (certs/lab.pem). */
  readonly certPath: string;
  readonly tlsVersion?: TlsVersionName;
  readonly ciphers?: string;
  readonly media?: MediaSizes;
  readonly alpn?: readonly AlpnProtocol[];
}

runAgent(async () => {
  const config = JSON.parse(process.argv[2] ?? '{}') as ServerAgentConfig;
  const pem = await readFile(config.certPath, 'utf8');
  const server = await startLabServer({
    key: pem,
    cert: pem,
    host: config.host,
    port: config.port,
    ...(config.tlsVersion === undefined ? {} : { tlsVersion: config.tlsVersion }),
    ...(config.ciphers === undefined ? {} : { ciphers: config.ciphers }),
    ...(config.media === undefined ? {} : { media: config.media }),
    ...(config.alpn === undefined ? {} : { alpn: config.alpn }),
    onKeyLog: (line) => sendToRunner({ type: 'keylog', line }),
  });
  sendToRunner({ type: 'ready', host: server.host, port: server.port });
  let reported = 0;
  const timer = setInterval(() => {
    while (reported < server.requests.length) sendToRunner({ type: 'request', line: server.requests[reported++]! });
  }, 50);
  return async () => {
    clearInterval(timer);
    await server.close();
  };
});
