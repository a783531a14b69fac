/**
 * offline-lock.ts: a package-lock.json for a temporary user project that installs wirelab's packed
 * tarball (plus mocha) with `npm ci --offline`: every other package is pinned to the exact tarball and
 * integrity wirelab's own lockfile has, so npm takes them from its cache and never asks a registry.
 * Test-only.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
  optional?: boolean;
  [key: string]: unknown;
}

/** The lock entry key that `name` resolves to from the package at `from` (node's lookup upward). */
function resolveKey(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[key]) return key;
    if (base === '') return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

/**
 * The lockfile: wirelab from `tarball` and `extraDevDeps` (names in wirelab's lock, e.g. mocha), with the
 * closure of their dependencies copied from wirelab's lock.
 */
export function offlineLock(projectName: string, wirelabLockPath: string, wirelabPackagePath: string, tarball: string, extraDevDeps: readonly string[]): { lock: unknown; packageJson: unknown } {
  const lock = JSON.parse(readFileSync(wirelabLockPath, 'utf8')) as { packages: Record<string, LockEntry> };
  const pkg = JSON.parse(readFileSync(wirelabPackagePath, 'utf8')) as { version: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; bin?: Record<string, string>; engines?: Record<string, string>; license?: string };
  const packages = lock.packages;
  const out: Record<string, LockEntry> = {};
  const visit = (key: string): void => {
    if (out[key]) return;
    const entry = packages[key]!;
    if (entry.link) return;
    out[key] = { ...entry };
    // The project's lock leaves out registry URLs; without one npm would ask the registry for metadata.
    if (entry.resolved === undefined && entry.version !== undefined) {
      const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      out[key].resolved = `https://registry.npmjs.org/${name}/-/${name.split('/').pop()!}-${entry.version}.tgz`;
    }
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const dep = resolveKey(packages, key, name);
      if (dep) visit(dep);
    }
  };
  for (const name of [...Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }), ...extraDevDeps]) {
    const key = resolveKey(packages, '', name);
    if (key) visit(key);
  }
  const devDependencies: Record<string, string> = { wirelab: `file:${tarball}` };
  for (const name of extraDevDeps) devDependencies[name] = packages[`node_modules/${name}`]!.version!;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const wirelab: LockEntry = {
    version: pkg.version,
    resolved: `file:${tarball}`,
    integrity,
    dev: true,
    ...(pkg.license ? { license: pkg.license } : {}),
    ...(pkg.dependencies ? { dependencies: pkg.dependencies } : {}),
    ...(pkg.optionalDependencies ? { optionalDependencies: pkg.optionalDependencies } : {}),
    ...(pkg.bin ? { bin: pkg.bin } : {}),
    ...(pkg.engines ? { engines: pkg.engines } : {}),
  };
  // Everything is a dev dependency of the user's project (wirelab and mocha are dev tools there).
  for (const entry of Object.values(out)) entry.dev = true;
  const packageJson = { name: projectName, version: '1.0.0', private: true, devDependencies };
  return {
    packageJson,
    lock: { name: projectName, version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: projectName, version: '1.0.0', devDependencies }, 'node_modules/wirelab': wirelab, ...out } },
  };
}
