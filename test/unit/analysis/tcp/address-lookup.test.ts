/**
 * The TCP analyzer reads the addresses of the decoder's own IPv4/IPv6 header views in place (no
 * Buffer views per packet) and falls back to `ip.src`/`ip.dst` for any other IpHeader. Both paths
 * must assign the same streams, directions and flags: checked on real fixtures, IPv4 and IPv6.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { createTcpAnalyzer } from '../../../../analyzer/analysis/tcp/tcp-analyzer.js';
import { readCaptureFile } from '../../../../analyzer/capture/open-capture.js';
import { decodeFrame } from '../../../../analyzer/decode/decode-frame.js';
import { Ipv4View, Ipv6View } from '../../../../analyzer/decode/header-views.js';
import type { IpHeader, Packet } from '../../../../analyzer/packet/packet.js';

const root = new URL('../../../../', import.meta.url).pathname;
const fixtures = [
  'kernel/02_lost_fast_retrans.pcap',
  'kernel/14_midstream_no_handshake.pcap',
  'synth/s13_ipv6.pcap',
  'synth/s19_edges.pcap',
  'wild/custom_rules_multiple_ports.pcapng',
];

/** The same header as a plain object: not a view, so the analyzer must use its src/dst buffers. */
function plainCopy(ip: IpHeader): IpHeader {
  const copy: Record<string, unknown> = {};
  for (const key of ['version', 'src', 'dst', 'bytes', 'payload', 'protocol', 'payloadLength'] as const) copy[key] = ip[key];
  return copy as unknown as IpHeader;
}

function summaries(packets: readonly Packet[]): string[] {
  const analyzer = createTcpAnalyzer();
  return packets.map((p) => {
    const a = analyzer.push(p);
    return a === undefined ? '-' : `${a.stream}/${a.direction}/${a.flags}/${a.relSeq}/${a.relAck}/${a.dupAckNum ?? ''}`;
  });
}

describe('unit', () => {
  describe('tcp analyzer address lookup', () => {
    for (const rel of fixtures) {
      it(`gives ${rel} the same streams and flags whether addresses are read in place or from ip.src/ip.dst`, async () => {
        const packets = (await readCaptureFile(join(root, 'test/fixtures/captures', rel))).map((f) => decodeFrame(f));
        const views = packets.filter((p) => p.ip instanceof Ipv4View || p.ip instanceof Ipv6View).length;
        expect(views, 'frames with decoder-made IP views').to.be.greaterThan(0);
        const plain = packets.map((p): Packet => (p.ip === undefined ? p : { ...p, ip: plainCopy(p.ip) }));
        expect(plain.some((p) => p.ip instanceof Ipv4View || p.ip instanceof Ipv6View)).to.equal(false);
        expect(summaries(packets)).to.deep.equal(summaries(plain));
      });
    }
  });
});
