/**
 * replay-receiver.ts: child-process entry point of `wirelab replay`'s receiving side, run inside the
 * receiving namespace. Captures the replayed frames on its interface (argv: JSON config) and writes
 * them to stdout as a pcapng stream, flushed as they arrive, so the runner analyses them live. A line
 * "stop" on stdin (or stdin closing) ends the capture and the stream. Errors go to stderr, exit 2.
 * Must not import analyzer/ beyond errors, frames and the pcapng writer.
 */
import { createPcapngWriter } from '../../analyzer/capture/pcapng-writer.js';
import { startLiveCapture } from '../live-capture.js';

/** The receiver's configuration, passed as JSON in argv[2]. */
export interface ReplayReceiverConfig {
  readonly device: string;
  /** BPF filter admitting only the replayed frames (their source MAC). */
  readonly filter: string;
  /** libpcap's ring in bytes (default that of live-capture.ts). */
  readonly bufferBytes?: number;
}

// Frames are flushed this often (not per frame, which would cost a write each at top speed).
const FLUSH_MS = 5;

function main(): void {
  const config = JSON.parse(process.argv[2] ?? '{}') as ReplayReceiverConfig;
  const writer = createPcapngWriter(process.stdout, { name: 'stdout' });
  let pending = false;
  const capture = startLiveCapture({
    device: config.device,
    filter: config.filter,
    ...(config.bufferBytes === undefined ? {} : { bufferBytes: config.bufferBytes }),
    onFrame: (frame) => {
      writer.write({ timestampNs: frame.timestampNs, data: frame.data, originalLength: frame.originalLength });
      pending = true;
    },
  });
  writer.addInterface({ linkType: capture.linkType, name: config.device, tsResolutionNs: true });
  writer.flush();
  // Ready once the capture is open: the runner starts sending only then.
  process.stderr.write('ready\n');
  const timer = setInterval(() => {
    if (pending) writer.flush();
    pending = false;
  }, FLUSH_MS);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    capture.stop();
    writer.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`replay receiver: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(2);
      },
    );
  };
  process.stdin.setEncoding('utf8').on('data', (text: string) => {
    if (text.includes('stop')) stop();
  });
  process.stdin.on('end', stop);
  process.on('SIGTERM', stop);
}

try {
  main();
} catch (e) {
  process.stderr.write(`replay receiver: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
