import { expect } from 'chai';
import { buildTcpFrame } from '../../../analyzer/encode/build-tcp-frame.js';
import { TcpFlag } from '../../../analyzer/packet/packet.js';
import { createFrameGuard, FrameClass } from '../../../harness/proxy/frame-guard.js';

const guard = createFrameGuard({ ipv4: '198.18.0.4/30', ipv6: 'fd00:776c:0:1::/64' });
const tcp = (src: string, dst: string) => buildTcpFrame({ src, dst, sport: 1, dport: 2, seq: 1, flags: TcpFlag.Syn });

function arp(sender: number[], target: number[]): Buffer {
  const f = Buffer.alloc(42);
  f.writeUInt16BE(0x0806, 12);
  Buffer.from(sender).copy(f, 28);
  Buffer.from(target).copy(f, 38);
  return f;
}

describe('createFrameGuard', () => {
  it('sends IPv4 and IPv6 traffic between the run\'s own addresses through the impairments', () => {
    expect(guard(tcp('198.18.0.5', '198.18.0.6'))).to.equal(FrameClass.Impair);
    expect(guard(tcp('fd00:776c:0:1::1', 'fd00:776c:0:1::2'))).to.equal(FrameClass.Impair);
  });

  it('rejects traffic to or from any other address (the network rule)', () => {
    expect(guard(tcp('198.18.0.5', '8.8.8.8'))).to.equal(FrameClass.Reject);
    expect(guard(tcp('198.18.0.9', '198.18.0.6'))).to.equal(FrameClass.Reject);
    expect(guard(tcp('fd00:776c:0:1::1', 'fd00:776c:0:2::2'))).to.equal(FrameClass.Reject);
    expect(guard(Buffer.alloc(10))).to.equal(FrameClass.Reject);
  });

  it('lets ARP inside the subnet bypass the impairments', () => {
    expect(guard(arp([198, 18, 0, 5], [198, 18, 0, 6]))).to.equal(FrameClass.Bypass);
    expect(guard(arp([198, 18, 0, 5], [10, 0, 0, 1]))).to.equal(FrameClass.Reject);
  });

  it('lets an MLD report behind a Hop-by-Hop header bypass the impairments', () => {
    // A Linux MLDv2 report from a link-local address to ff02::16 (as captured on a wirelab veth).
    const frame = Buffer.from(
      '33330000001602776c6f240186dd600000000038000100000000000000000000000000000000ff0200000000000000000000000000163a000502000001008f0048ff0000000204000000ff0200000000000000000001ff6f240104000000ff0200000000000000000001ff000001',
      'hex',
    );
    frame.fill(0, 22, 38);
    expect(guard(frame)).to.equal(FrameClass.Bypass);
  });

  it('rejects a malformed subnet with a ConfigError', () => {
    expect(() => createFrameGuard({ ipv4: '198.18.0.4', ipv6: 'fd00::/64' })).to.throw(
      'proxy subnet "198.18.0.4" is not an IPv4 prefix like 198.18.0.0/30',
    );
  });
});
