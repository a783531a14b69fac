/**
 * tshark.ts: runs tshark 4.0 on a file we wrote, for the writer tests' "Wireshark opens it" checks.
 * Test helper; imports only node builtins.
 */
import { execFile, spawnSync } from 'node:child_process';

/** Why tshark cannot be used here, or undefined when it can. */
export function tsharkMissing(): string | undefined {
  const probe = spawnSync('tshark', ['-v'], { stdio: 'ignore', timeout: 10_000 });
  if (probe.error) return `tshark is not installed (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})`;
  return probe.status === 0 ? undefined : `tshark -v exited with ${probe.status}`;
}

/** One row per frame: frame.number, frame.time_epoch, frame.len, frame.cap_len, frame.interface_id. */
export function tsharkFrames(file: string): Promise<string[][]> {
  const args = ['-r', file, '-T', 'fields'];
  for (const field of ['frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.interface_id']) args.push('-e', field);
  return new Promise((resolve, reject) => {
    execFile('tshark', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`tshark failed on ${file}: ${stderr.trim() || error.message}`));
      else resolve(stdout.split('\n').filter((line) => line !== '').map((line) => line.split('\t')));
    });
  });
}
