/**
 * parse-throughput.ts: measures reader throughput on synthetic 1M-record captures (run: npx tsx <this file>).
 * A measurement, not a test; imports only the capture module and node builtins.
 */
import { Readable } from 'node:stream';
import { createCaptureParser } from '../../../analyzer/capture/capture-parser.js';
import { readCapture } from '../../../analyzer/capture/open-capture.js';
import { encodePcap, type WritableFrame } from '../../../analyzer/capture/pcap-writer.js';
import { encodePcapng } from '../../../analyzer/capture/pcapng-writer.js';
import type { Frame } from '../../../analyzer/packet/frame.js';

const RECORDS = Number(process.env['RECORDS'] ?? 1_000_000);
const FRAME_BYTES = 60;
const CHUNK_BYTES = 256 * 1024;
const ROUNDS = 5;

function* frames(): Generator<WritableFrame> {
  const data = Buffer.alloc(FRAME_BYTES, 0xab);
  for (let i = 0; i < RECORDS; i++) yield { timestampNs: 1_700_000_000_000_000_000n + BigInt(i) * 7_919n, data };
}

async function measure(label: string, bytes: Buffer, run: () => Promise<number> | number): Promise<void> {
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    const count = await run();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (count !== RECORDS) throw new Error(`${label}: read ${count} of ${RECORDS} records`);
    rates.push(seconds);
  }
  const median = rates.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
  console.log(`${label.padEnd(34)} ${(RECORDS / median / 1e6).toFixed(1).padStart(5)} M records/s  ${(bytes.length / median / 1e6).toFixed(0).padStart(5)} MB/s`);
}

function pushAll(name: string, bytes: Buffer): number {
  const parser = createCaptureParser(name);
  let count = 0;
  const onFrame = (_frame: Frame): void => {
    count += 1;
  };
  for (let off = 0; off < bytes.length; off += CHUNK_BYTES) parser.push(bytes.subarray(off, off + CHUNK_BYTES), onFrame);
  parser.end();
  return count;
}

async function batchesOf(bytes: Buffer): Promise<number> {
  const chunks: Buffer[] = [];
  for (let off = 0; off < bytes.length; off += CHUNK_BYTES) chunks.push(bytes.subarray(off, off + CHUNK_BYTES));
  let count = 0;
  for await (const batch of readCapture(Readable.from(chunks), { chunkBytes: CHUNK_BYTES }).batches()) count += batch.length;
  return count;
}

const pcapUs = encodePcap(frames(), { linkType: 1 });
const pcapNs = encodePcap(frames(), { linkType: 1, nanosecond: true });
const pcapng = encodePcapng(frames(), { interfaces: [{ linkType: 1, tsResolutionNs: true }] });
console.log(`${RECORDS} records of ${FRAME_BYTES} bytes, ${CHUNK_BYTES}-byte chunks, median of ${ROUNDS}`);
await measure('parser.push, pcap µs', pcapUs, () => pushAll('us.pcap', pcapUs));
await measure('parser.push, pcap ns', pcapNs, () => pushAll('ns.pcap', pcapNs));
await measure('parser.push, pcapng EPB ns', pcapng, () => pushAll('ns.pcapng', pcapng));
await measure('readCapture().batches(), pcap µs', pcapUs, () => batchesOf(pcapUs));
