/**
 * rewrite.test.ts: the frames `wirelab replay` sends: addresses mapped in order of first appearance
 * into the run's ranges, MACs replaced, and IPv4, TCP, UDP and ICMP checksums still valid.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { readCaptureFile } from '../../../analyzer/capture/open-capture.js';
import { LinkType } from '../../../analyzer/packet/frame.js';
import { createWireRewriter, REPLAY_DESTINATION_MAC, REPLAY_SOURCE_MAC } from '../../../harness/replay/rewrite.js';

const captures = new URL('../../fixtures/captures/', import.meta.url).pathname;
const ranges = { ipv4Prefix: [198, 19], ipv6Prefix: [0xfd00, 0x776c, 0xffff, 0] } as const;

function sum(buf: Buffer, start: number, end: number, initial = 0): number {
  let s = initial;
  for (let i = start; i + 1 < end; i += 2) s += buf.readUInt16BE(i);
  if ((end - start) % 2 === 1) s += buf[end - 1]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** True when the IPv4 header and its TCP/UDP checksum verify (0xffff sums). */
function ipv4ChecksumsValid(f: Buffer): boolean {
  const ip = 14;
  const ihl = (f[ip]! & 15) * 4;
  const total = f.readUInt16BE(ip + 2);
  if (sum(f, ip, ip + ihl) !== 0xffff) return false;
  const proto = f[ip + 9]!;
  if (proto !== 6 && proto !== 17) return true;
  const pseudo = sum(f, ip + 12, ip + 20, proto + total - ihl);
  return sum(f, ip + ihl, ip + total, pseudo) === 0xffff;
}

describe('unit', () => {
  describe('wire replay rewriter', () => {
    it('maps addresses in order of first appearance and keeps every IPv4 and TCP checksum valid', async () => {
      const frames = await readCaptureFile(join(captures, 'kernel/02_lost_fast_retrans.pcap'));
      const rewriter = createWireRewriter(ranges);
      const out = frames.map((f) => rewriter.rewrite(f));
      expect([...rewriter.addresses.ipv4.values()]).to.deep.equal(['198.19.0.1', '198.19.0.2']);
      expect(out.every((f) => ipv4ChecksumsValid(f))).to.equal(true);
      expect(out[0]!.subarray(0, 12).toString('hex')).to.equal((REPLAY_DESTINATION_MAC + REPLAY_SOURCE_MAC).replace(/:/g, ''));
      // The original frames are untouched (the reader's chunk is shared).
      expect(frames[0]!.data.readUInt8(26)).to.equal(198);
      expect(frames[0]!.data.readUInt8(27)).to.equal(18);
    });

    it('maps the addresses quoted in an ICMP error too, and recomputes its checksum', async () => {
      const frames = await readCaptureFile(join(captures, 'encap/icmp-quoted.pcap'));
      const rewriter = createWireRewriter(ranges);
      for (const f of frames) {
        const out = rewriter.rewrite(f);
        if (out[23] !== 1) continue;
        const l4 = 14 + (out[14]! & 15) * 4;
        expect(sum(out, l4, 14 + out.readUInt16BE(16))).to.equal(0xffff);
        expect([...out.subarray(l4 + 8 + 12, l4 + 8 + 16)].slice(0, 2)).to.deep.equal([198, 19]);
      }
    });

    it('wraps raw IP in Ethernet and refuses a link type it cannot send', () => {
      const rewriter = createWireRewriter(ranges);
      const ip = Buffer.from('4500001400000000400600000a0000010a000002', 'hex');
      const out = rewriter.rewrite({ index: 1, timestampNs: 0n, linkType: LinkType.Raw, originalLength: ip.length, data: ip, interfaceId: 0 });
      expect(out.readUInt16BE(12)).to.equal(0x0800);
      expect([...out.subarray(26, 34)]).to.deep.equal([198, 19, 0, 1, 198, 19, 0, 2]);
      expect(() => rewriter.rewrite({ index: 7, timestampNs: 0n, linkType: LinkType.CiscoHdlc, originalLength: 4, data: Buffer.alloc(4), interfaceId: 0 })).to.throw(/frame 7: link type 104 cannot be replayed onto Ethernet/);
    });
  });
});
