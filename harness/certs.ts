/**
 * certs.ts: the lab's self-signed server certificate, made with `selfsigned` and cached in certs/.
 * Must not import analyzer/ internals or anything that opens sockets.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'selfsigned';
import { EnvironmentError } from '../analyzer/errors.js';

/** The DNS name every lab certificate carries; clients send it as SNI, like the report's browser. */
export const LAB_HOSTNAME = 'lab.wirelab.test';

/** Addresses every certificate carries so loopback tests verify the chain too. */
const BASE_IPS = ['127.0.0.1', '::1'] as const;

/** Regenerate when fewer than this many ms of validity remain, so a long run never crosses expiry. */
const RENEW_MARGIN_MS = 24 * 3600 * 1000;

const VALIDITY_DAYS = 365;

/** A PEM key pair and certificate; `cert` is also the CA a verifying client trusts. */
export interface LabCertificate {
  readonly key: string;
  readonly cert: string;
  /** DNS names and IPs in the subjectAltName extension. */
  readonly dnsNames: readonly string[];
  readonly ips: readonly string[];
  readonly validToMs: number;
  /** Where the pair is cached. */
  readonly path: string;
}

/** Options of {@link loadCertificate}. */
export interface LoadCertificateOptions {
  /** Extra IPv4/IPv6 addresses for the SAN (the run's namespace addresses). */
  readonly ips?: readonly string[];
  /** Directory of the cache; default `certs/` at the project root. */
  readonly dir?: string;
  /** Clock for expiry checks, injectable for tests. */
  readonly nowMs?: number;
}

/** The project's certs/ directory (works from a tsx checkout and from dist/). */
export function defaultCertDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // harness/ in a checkout, dist/harness/ after a build: the project root is one or two levels up.
  const root = here.split(/[\\/]/).includes('dist') ? resolve(here, '..', '..') : resolve(here, '..');
  return join(root, 'certs');
}

/**
 * Loads the cached lab certificate, or makes a new one when it is missing, expires within a day,
 * or lacks one of the requested addresses. The cache holds one pair (`lab.pem`) whose SAN is the
 * union of every address asked for, so consecutive runs on different namespaces reuse it.
 *
 * @example
 * const { key, cert } = await loadCertificate({ ips: ['198.18.0.2'] });
 */
export async function loadCertificate(options: LoadCertificateOptions = {}): Promise<LabCertificate> {
  const dir = options.dir ?? defaultCertDir();
  const path = join(dir, 'lab.pem');
  const nowMs = options.nowMs ?? Date.now();
  const wanted = [...BASE_IPS, ...(options.ips ?? [])];
  for (const ip of wanted) {
    if (isIP(ip) === 0) throw new EnvironmentError(`certificate: "${ip}" is not an IPv4 or IPv6 address`);
  }
  const cached = await readCached(path);
  if (cached && cached.validToMs - RENEW_MARGIN_MS > nowMs && cached.validFromMs <= nowMs) {
    const have = new Set(cached.ips.map(normalizeIp));
    if (wanted.every((ip) => have.has(normalizeIp(ip)))) return cached;
  }
  // Keep addresses the cache already had so alternating runs do not regenerate every time.
  const ips = [...new Set([...(cached?.ips ?? []), ...wanted].map(normalizeIp))].sort();
  return createCertificate(path, ips, nowMs);
}

interface CachedCertificate extends LabCertificate {
  readonly validFromMs: number;
}

async function readCached(path: string): Promise<CachedCertificate | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(text)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(text)?.[0];
  if (key === undefined || cert === undefined) return undefined;
  try {
    const x509 = new X509Certificate(cert);
    const { dnsNames, ips } = parseSan(x509.subjectAltName ?? '');
    return { key, cert, dnsNames, ips, path, validToMs: Date.parse(x509.validTo), validFromMs: Date.parse(x509.validFrom) };
  } catch {
    return undefined;
  }
}

function parseSan(san: string): { dnsNames: string[]; ips: string[] } {
  const dnsNames: string[] = [];
  const ips: string[] = [];
  for (const part of san.split(',')) {
    const [kind, value] = splitOnce(part.trim());
    if (kind === 'DNS') dnsNames.push(value);
    else if (kind === 'IP Address') ips.push(normalizeIp(value));
  }
  return { dnsNames, ips };
}

function splitOnce(s: string): [string, string] {
  const i = s.indexOf(':');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

/** Canonical text form, so '::1' and '0:0:0:0:0:0:0:1' compare equal. */
function normalizeIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

async function createCertificate(path: string, ips: readonly string[], nowMs: number): Promise<LabCertificate> {
  const notBefore = new Date(nowMs - 3600 * 1000); // an hour back tolerates small clock skew between runs
  const notAfter = new Date(nowMs + VALIDITY_DAYS * 24 * 3600 * 1000);
  const dnsNames = [LAB_HOSTNAME, `*.wirelab.test`, 'localhost'];
  const pems = await generate([{ name: 'commonName', value: LAB_HOSTNAME }, { name: 'organizationName', value: 'wirelab' }], {
    keyType: 'rsa', // ECDHE-RSA suites (the lab report's choice) need an RSA key
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  try {
    await mkdir(dirname(path), { recursive: true });
    // Write then rename so a parallel run never reads half a file.
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, pems.private + pems.cert, { mode: 0o600 });
    await rename(tmp, path);
  } catch (e) {
    throw new EnvironmentError(`certificate: cannot write ${path} (${(e as Error).message}); make certs/ writable`, { cause: e });
  }
  const x509 = new X509Certificate(pems.cert);
  return { key: pems.private, cert: pems.cert, dnsNames, ips: [...ips], path, validToMs: Date.parse(x509.validTo) };
}
