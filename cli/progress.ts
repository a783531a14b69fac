/**
 * progress.ts: a progress bar on stderr (cli-progress) for commands that read a capture: bytes read of
 * the file, packets/s and ETA. It appears only after a second (quick commands stay quiet), only on a
 * terminal, never with --quiet, and clears itself when done so the output stays clean.
 */
import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';

/** What a command calls while it reads. */
export interface Progress {
  /** Bytes read since the last call. */
  onRead(bytes: number): void;
  /** Frames analysed so far. */
  onFrames(frames: number): void;
  /** Removes the bar. Idempotent. */
  stop(): void;
}

/** Options of {@link startProgress}. */
export interface ProgressOptions {
  readonly label: string;
  /** The capture's path ('-' for stdin: no total, no ETA). */
  readonly path: string;
  /** How many times the file is read (2 for tshark -2 style passes). */
  readonly passes?: number;
  readonly quiet?: boolean;
  /** Default: process.stderr. */
  readonly stream?: NodeJS.WriteStream;
  /** Delay before the bar appears; default 1000 ms (`WIRELAB_PROGRESS_AFTER_MS` overrides, for tests). */
  readonly afterMs?: number;
}

const NONE: Progress = { onRead() {}, onFrames() {}, stop() {} };

/** Starts tracking; returns a no-op when stderr is not a terminal or --quiet was given. */
export async function startProgress(options: ProgressOptions): Promise<Progress> {
  const stream = options.stream ?? process.stderr;
  if (options.quiet === true || stream.isTTY !== true) return NONE;
  const size = options.path === '-' ? 0 : await stat(options.path).then((s) => (s.isFile() ? s.size : 0), () => 0);
  const total = Math.max(1, size * (options.passes ?? 1));
  const afterMs = options.afterMs ?? Number(process.env['WIRELAB_PROGRESS_AFTER_MS'] ?? 1000);
  const startMs = performance.now();
  let bytes = 0;
  let frames = 0;
  let bar: cliProgress.SingleBar | undefined;
  let stopped = false;
  const payload = (): Record<string, string> => {
    const seconds = Math.max((performance.now() - startMs) / 1000, 1e-3);
    return {
      label: options.label,
      read: (bytes / 1e6).toFixed(1),
      size: size === 0 ? '?' : ((size * (options.passes ?? 1)) / 1e6).toFixed(1),
      pps: Math.round(frames / seconds).toLocaleString('en-US'),
    };
  };
  const show = (): void => {
    if (stopped) return;
    if (bar === undefined) {
      if (performance.now() - startMs < afterMs) return;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: size === 0 ? '{label} {read} MB read | {pps} packets/s' : '{label} [{bar}] {percentage}% | {read}/{size} MB | {pps} packets/s | ETA {eta_formatted}',
          barsize: 30,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, Math.min(bytes, total), payload());
      return;
    }
    bar.update(Math.min(bytes, total), payload());
  };
  const timer = setInterval(show, 100);
  timer.unref();
  return {
    onRead(n) {
      bytes += n;
    },
    onFrames(n) {
      frames = n;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (bar !== undefined) {
        bar.update(total, payload());
        bar.stop();
      }
    },
  };
}
