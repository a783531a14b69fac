/**
 * capture/: reading pcap/pcapng (optionally gzipped) into Frames, and writing pcap/pcapng files.
 * Re-exports only; capture/ imports packet/ and errors, never decode/, analysis/, harness/ or cap.
 */

/**
 * Streaming reader: `readCapture(path | '-' | stream)` yields Frames (or `batches()` of them);
 * `readCaptureFile(path)` returns them all. Formats are sniffed; gzip is undone on the fly.
 */
export { readCapture, readCaptureFile, type CaptureSource, type ReadCaptureOptions } from './open-capture.js';

/**
 * Synchronous push parser under `readCapture`, for callers that own the bytes (live capture buffers,
 * tests). Frames may be views into pushed chunks: never mutate a chunk after pushing it.
 */
export {
  createCaptureParser,
  type ByteOrder,
  type CaptureFormat,
  type CaptureInfo,
  type CaptureInterface,
  type CaptureParser,
  type DecryptionSecrets,
} from './capture-parser.js';

/** Classic pcap writers (little-endian, µs or ns). */
export { createPcapWriter, encodePcap, type PcapWriter, type PcapWriterOptions, type WritableFrame } from './pcap-writer.js';

/** pcapng writers (one section; IDB, EPB and TLS key-log DSB). */
export {
  createPcapngWriter,
  encodePcapng,
  type EncodePcapngOptions,
  type PcapngFrame,
  type PcapngInterface,
  type PcapngWriter,
  type PcapngWriterOptions,
} from './pcapng-writer.js';

/** File-format numbers: magics, block types, option codes, secrets types and limits. */
export {
  DEFAULT_SNAP_LEN,
  MAX_PCAPNG_BLOCK_BYTES,
  MIN_PCAP_RECORD_LIMIT_BYTES,
  PcapMagic,
  PcapngBlockType,
  PcapngOption,
  SecretsType,
} from './capture-format.js';
