/**
 * env-check.ts: says in one line what the machine lacks for a live run (root, iproute2, ethtool,
 * libpcap) and how to fix it. Harness only; loads `cap` only through proxy/pcap-binding.ts.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter } from 'node:path';
import { EnvironmentError } from '../analyzer/errors.js';
import { loadPcapBinding } from './proxy/pcap-binding.js';

// sbin directories are often missing from a non-root PATH; `ip` and `ethtool` live there.
const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/** Full path of an executable on PATH (plus the sbin directories), or undefined. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS];
  for (const dir of dirs) {
    try {
      accessSync(`${dir}/${name}`, constants.X_OK);
      return `${dir}/${name}`;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** Options of `checkEnvironment`. */
export interface EnvironmentCheckOptions {
  /** Also check that `cap` (libpcap) loads; needed only when a proxy starts. Default true. */
  readonly pcap?: boolean;
}

let netnsChecked = false;

/**
 * Throws an EnvironmentError naming the first missing requirement and its fix:
 * root (namespaces, veths and raw capture need it), `ip`, `ethtool` and, unless `pcap: false`, `cap`.
 */
export function checkEnvironment(options: EnvironmentCheckOptions = {}): void {
  if (!netnsChecked) {
    if (process.getuid?.() !== 0) {
      throw new EnvironmentError(
        'network namespaces need root: run as root (sudo npm run test:netns, or sudo wirelab run …); unprivileged user namespaces are not used',
      );
    }
    if (findExecutable('ip') === undefined) {
      throw new EnvironmentError('the "ip" command was not found: install iproute2 (apt-get install iproute2)');
    }
    if (findExecutable('ethtool') === undefined) {
      throw new EnvironmentError('the "ethtool" command was not found (needed to turn veth offloads off): install ethtool (apt-get install ethtool)');
    }
    netnsChecked = true;
  }
  if (options.pcap !== false) loadPcapBinding();
}

/** True when live tests can run here (root, tools and libpcap present); for test skips. */
export function liveEnvironmentProblem(): string | undefined {
  try {
    checkEnvironment();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
