/**
 * serve.ts: `wirelab serve`: the scenarios' lab server (harness/https-server.ts) on a real address for a
 * person doing the lab in their own browser. Prints the URL, the certificate's fingerprint, the key log and
 * the commands to capture and analyze the page load; Ctrl-C (or SIGTERM) closes it and exits 0.
 */
import { appendFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ConfigError } from '../../analyzer/errors.js';
import { LAB_HOSTNAME, loadCertificate } from '../../harness/certs.js';
import { startLabServer, type AlpnProtocol, type TlsVersionName } from '../../harness/https-server.js';

/** Options of `wirelab serve`. */
export interface ServeCommandOptions {
  readonly host: string;
  readonly port: string;
  readonly tls?: string;
  readonly cipher?: string;
  readonly http1?: boolean;
  readonly page?: string;
  readonly name?: string;
  readonly studentId?: string;
  readonly major?: string;
  readonly keylog: string;
}

const TLS_VERSIONS: Record<string, TlsVersionName> = { '1.2': 'TLS 1.2', '1.3': 'TLS 1.3' };

/** The loopback interface name for a capture on `host`; `any` otherwise. */
function captureInterface(host: string): string {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' ? 'lo' : 'any';
}

/** Runs `wirelab serve`; resolves to the exit code once Ctrl-C stopped the server. */
export async function serveCommand(options: ServeCommandOptions, signal?: AbortSignal): Promise<number> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port takes 0 to 65535 (got "${options.port}")`);
  if (isIP(options.host) === 0 && options.host !== 'localhost') throw new ConfigError(`--host takes an IPv4 or IPv6 address (got "${options.host}")`);
  let tlsVersion: TlsVersionName | undefined;
  if (options.tls !== undefined) {
    tlsVersion = TLS_VERSIONS[options.tls.replace(/^(tls|TLS) ?/, '')];
    if (tlsVersion === undefined) throw new ConfigError(`--tls takes 1.2 or 1.3 (got "${options.tls}")`);
  }
  const host = options.host === 'localhost' ? '127.0.0.1' : options.host;
  const keyLogPath = resolve(options.keylog);
  const cert = await loadCertificate(isIP(host) !== 0 ? { ips: [host] } : {});
  const alpn: AlpnProtocol[] = options.http1 === true ? ['http/1.1'] : ['h2', 'http/1.1'];
  const server = await startLabServer({
    key: cert.key,
    cert: cert.cert,
    host,
    port,
    alpn,
    ...(tlsVersion === undefined ? {} : { tlsVersion }),
    ...(options.cipher === undefined ? {} : { ciphers: options.cipher }),
    ...(options.page === undefined ? {} : { pageDir: options.page }),
    page: {
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.studentId === undefined ? {} : { studentId: options.studentId }),
      ...(options.major === undefined ? {} : { major: options.major }),
    },
    // Appended line by line, so Wireshark and `wirelab analyze --keylog` can read it while the server runs.
    onKeyLog: (line) => appendFileSync(keyLogPath, `${line}\n`),
  }).catch((e: unknown) => {
    if (e instanceof Error && 'code' in e && e.code === 'ERR_SSL_NO_CIPHER_MATCH') throw new ConfigError(`--cipher "${options.cipher}": OpenSSL knows no such cipher`);
    throw e;
  });
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  const fingerprint = new X509Certificate(cert.cert).fingerprint256;
  const iface = captureInterface(host);
  const out = process.stdout;
  out.write(
    [
      `wirelab serve: the lab page on https://${hostInUrl}:${server.port}/ (${alpn.join(', ')} by ALPN; ${tlsVersion ?? 'TLS 1.2 and 1.3'}${options.cipher === undefined ? '' : `, ciphers ${options.cipher}`})`,
      `  also as https://${LAB_HOSTNAME}:${server.port}/ (the certificate's name; map it to ${host} in /etc/hosts)`,
      `  certificate ${cert.path} (self-signed: the browser warns once; accept it)`,
      `  SHA-256 fingerprint ${fingerprint}`,
      `  TLS key log (NSS format) appended to ${keyLogPath}`,
      options.page === undefined ? '' : `  serving ${resolve(options.page)}`,
      '',
      'next, in another terminal:',
      `  wirelab capture -i ${iface} -f "tcp port ${server.port}" -w lab.pcapng --keylog ${keyLogPath} -a duration:60`,
      '  (open the page in your browser while it captures, then)',
      `  wirelab analyze lab.pcapng --keylog ${keyLogPath}`,
      '  wirelab explain lab.pcapng            # the story of the capture, --lang zh in Chinese',
      '  wirelab report lab.pcapng -o report.html',
      '',
      'Ctrl-C stops the server.',
      '',
    ]
      .filter((line, i, all) => line !== '' || all[i - 1] !== '')
      .join('\n'),
  );
  await new Promise<void>((resolveStop) => {
    const stop = (): void => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  await server.close();
  out.write(`wirelab serve: stopped after ${server.requests.length} request(s)\n`);
  return 0;
}
