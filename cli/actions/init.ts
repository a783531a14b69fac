/**
 * init.ts: `wirelab init [DIR]`: writes a starter scenario, a mocha test that runs it and a GitHub
 * Actions workflow (sharded, JUnit, annotations) into a user's project. Refuses to overwrite without --force.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../analyzer/errors.js';

/** The project's module kind decides the extension: .ts files are ESM only under "type": "module". */
function typescriptExtension(dir: string): 'ts' | 'mts' {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: string };
    return pkg.type === 'module' ? 'ts' : 'mts';
  } catch {
    return 'mts';
  }
}

function starterScenario(): string {
  return `// A wirelab scenario: real kernel TCP between two network namespaces, through an impairment proxy.
// Drop the 30th server→client data segment of a 256 KiB download over a 50 ms path and expect the
// server's fast retransmission. Run it: sudo npx wirelab run wirelab/   (namespaces need root)
import { at, client, count, defineScenario, dropNth, exactly, isDataSegment } from 'wirelab/scenario';

export default defineScenario({
  name: 'lost-segment',
  description: 'one lost download segment at 50 ms RTT, recovered by fast retransmit',
  // deterministic-loss pins SACK, RACK and TLP off and ACKs quick, so the kernel recovers the classic way.
  topology: { rttMs: 50, preset: 'deterministic-loss' },
  // Server side: the resend follows the last dup ACK at once, inside Wireshark's 20 ms window.
  capture: 'server',
  impair: { downlink: [dropNth(30, isDataSegment)] },
  timeline: [at(0, client.get('/bytes/256k')), at('+0', client.close('fin'))],
  expect: [count('duplicate_ack', { atLeast: 2 }), count('fast_retransmission', exactly(1)), count('zero_window', exactly(0))],
});
`;
}

function starterTest(ext: string): string {
  return `// Scenarios as mocha tests: sudo npx mocha --import=tsx test/wirelab.test.${ext}
// (mocha's --parallel and reporters work: each file runs in its own worker.)
import { scenarioTest } from 'wirelab/harness';
import lostSegment from '../wirelab/lost-segment.scenario.${ext === 'ts' ? 'js' : 'mjs'}';

describe('network behaviour', function () {
  scenarioTest(lostSegment);
});
`;
}

/** The CI workflow: examples/ci/github-actions.yml of this package, so the two never drift apart. */
function workflow(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.split(/[\\/]/).includes('dist') ? resolve(here, '..', '..', '..') : resolve(here, '..', '..');
  return readFileSync(join(root, 'examples', 'ci', 'github-actions.yml'), 'utf8');
}

/**
 * Writes the starter files into `dir`; returns 0.
 * @throws ConfigError when a file exists (without --force) or `dir` is not a directory.
 */
export async function initCommand(dir: string, options: { force?: boolean; write?: (text: string) => void } = {}): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const root = resolve(dir);
  if (existsSync(root) && !statSync(root).isDirectory()) throw new ConfigError(`init ${dir}: not a directory`);
  const ext = typescriptExtension(root);
  const files: [string, string][] = [
    [`wirelab/lost-segment.scenario.${ext}`, starterScenario()],
    [`test/wirelab.test.${ext}`, starterTest(ext)],
    ['.github/workflows/wirelab.yml', workflow()],
  ];
  const existing = files.filter(([path]) => existsSync(join(root, path))).map(([path]) => path);
  if (existing.length > 0 && !options.force) throw new ConfigError(`init: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; rerun with --force to overwrite`);
  for (const [path, text] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
    const shown = relative(process.cwd(), join(root, path));
    write(`wrote ${shown.startsWith('..') ? join(root, path) : shown}\n`);
  }
  write(
    [
      'next:',
      '  npm install --save-dev wirelab mocha',
      '  sudo npx wirelab run wirelab/                       # the scenario, from the CLI',
      `  sudo npx mocha --import=tsx test/wirelab.test.${ext}    # the same as a mocha test`,
      '',
    ].join('\n'),
  );
  return 0;
}
