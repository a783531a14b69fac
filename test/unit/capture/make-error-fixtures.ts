/**
 * make-error-fixtures.ts: writes the damaged captures of test/fixtures/capture-errors/ (run: npx tsx <this file>).
 * Test tooling; imports only node builtins and the hand-built byte helpers (not our writers).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { block, epb, handPcap, idb, payload, shb } from './capture-bytes.js';

/** File name → bytes; the expected error of each is in capture-errors.test.ts and the folder README. */
export function errorFixtures(): Record<string, Buffer> {
  const good = handPcap({ le: true }, [
    { sec: 1_700_000_000, frac: 1, data: payload(60) },
    { sec: 1_700_000_000, frac: 2, data: payload(60, 2) },
  ]);
  const ngHead = Buffer.concat([shb(true), idb(true, 1, 0), epb(true, 0, 1n, payload(60))]);
  return {
    'empty.pcap': Buffer.alloc(0),
    'elf-magic.pcap': Buffer.from('7f454c4602010100000000000000000003003e00', 'hex'),
    'truncated-header.pcap': good.subarray(0, 10),
    'truncated-record.pcap': good.subarray(0, good.length - 30),
    'huge-caplen.pcap': handPcap({ le: true }, [{ sec: 1, frac: 0, data: payload(8), capLenField: 0xffffffff }]),
    'garbage-tail.pcap': Buffer.concat([good, Buffer.from('garbage!garbage!garbage!')]),
    'bad-block-length.pcapng': Buffer.concat([ngHead, block(6, payload(28), true, { lead: 42 })]),
    'trailer-mismatch.pcapng': Buffer.concat([ngHead, block(4, payload(8), true, { trail: 24 })]),
    'undefined-interface.pcapng': Buffer.concat([ngHead, epb(true, 5, 2n, payload(60))]),
    'truncated.pcap.gz': gzipSync(good).subarray(0, 40),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = fileURLToPath(new URL('../../fixtures/capture-errors/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(errorFixtures())) writeFileSync(`${dir}${name}`, bytes);
}
