/**
 * fast-tcp.test.ts: whenever the fast decoder takes a frame, decodeFrame decodes it the same way with
 * no issue: on every frame of every fixture capture, and on byte-mutated real TCP frames (fast-check),
 * where the fast path must refuse what it cannot decode exactly. It also takes nearly every frame of
 * the real Linux captures, or it would be no fast path.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readCaptureFile } from '../../../analyzer/capture/open-capture.js';
import { decodeFrame } from '../../../analyzer/decode/decode-frame.js';
import { decodeTcpFast, TcpScratch } from '../../../analyzer/decode/fast-tcp.js';
import type { Frame } from '../../../analyzer/packet/frame.js';
import { captureFilesUnder } from '../../support/fixture-captures.js';


/** The fields both decoders give, from decodeFrame's Packet. */
function slowFacts(frame: Frame): unknown {
  const p = decodeFrame(frame);
  const ip = p.ip;
  const tcp = p.tcp;
  if (ip === undefined || tcp === undefined || p.issues.length > 0 || p.ipFragment === true || p.outerIps !== undefined) return { refused: p.layers.join('/') };
  const o = tcp.options;
  return {
    layers: p.layers.filter((l) => l !== 'eth' && l !== 'vlan').join('/'),
    version: ip.version,
    src: ip.src.toString('hex'),
    dst: ip.dst.toString('hex'),
    ttl: ip.version === 4 ? ip.ttl : ip.hopLimit,
    ipId: ip.version === 4 ? ip.identification : 0,
    tcp: [tcp.srcPort, tcp.dstPort, tcp.seq, tcp.ack, tcp.headerLength, tcp.flags, tcp.windowRaw, tcp.checksum, tcp.urgentPointer, tcp.segmentLength],
    options: [o.mss ?? -1, o.windowScale ?? -1, o.sackPermitted === true, o.timestamp === undefined ? null : [o.timestamp.value, o.timestamp.echo], (o.sackBlocks ?? []).flat()],
    payload: p.payload.toString('hex'),
  };
}

function fastFacts(frame: Frame, s: TcpScratch): unknown {
  const d = frame.data;
  const width = s.ipVersion === 4 ? 4 : 16;
  return {
    layers: `ipv${s.ipVersion}/tcp`,
    version: s.ipVersion,
    src: d.subarray(s.srcAddressOffset, s.srcAddressOffset + width).toString('hex'),
    dst: d.subarray(s.dstAddressOffset, s.dstAddressOffset + width).toString('hex'),
    ttl: s.ttl,
    ipId: s.ipId,
    tcp: [s.srcPort, s.dstPort, s.seq, s.ack, s.headerLength, s.flags, s.windowRaw, s.checksum, s.urgentPointer, s.segmentLength],
    options: [s.mss, s.windowScale, s.sackPermitted, s.hasTimestamp ? [s.tsValue, s.tsEcho] : null, [...s.sackEdges.subarray(0, 2 * s.sackCount)]],
    payload: d.subarray(s.payloadOffset, s.payloadOffset + s.payloadCaptured).toString('hex'),
  };
}

describe('decodeTcpFast', () => {
  const scratch = new TcpScratch();
  let all: Frame[] = [];
  let kernel: Frame[] = [];
  before(async function () {
    this.timeout(60_000);
    for (const file of captureFilesUnder()) {
      const frames = await readCaptureFile(file).catch(() => [] as Frame[]);
      all = all.concat(frames);
      if (file.includes('/kernel/')) kernel = kernel.concat(frames);
    }
  });

  it('agrees with decodeFrame on every fixture frame it takes, and takes nearly all of real Linux TCP', () => {
    let taken = 0;
    for (const f of all) {
      if (!decodeTcpFast(f.data, 0, f.data.length, f.originalLength, f.linkType, scratch)) continue;
      taken++;
      expect(fastFacts(f, scratch), `frame ${f.index}`).to.deep.equal(slowFacts(f));
    }
    expect(taken).to.be.greaterThan(all.length / 2);
    const kernelTaken = kernel.filter((f) => decodeTcpFast(f.data, 0, f.data.length, f.originalLength, f.linkType, scratch)).length;
    expect(kernelTaken / kernel.length).to.be.greaterThan(0.95);
  });

  it('refuses, or agrees with decodeFrame on, real TCP frames with random bytes overwritten', function () {
    this.timeout(60_000);
    const tcpFrames = kernel.filter((f) => decodeTcpFast(f.data, 0, f.data.length, f.originalLength, f.linkType, scratch));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: tcpFrames.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 80 }),
        (which, edits, cut) => {
          const base = tcpFrames[which]!;
          // Edits land in the headers mostly (the first 80 bytes); `cut` shortens the captured bytes.
          const data = Buffer.from(base.data.subarray(0, Math.max(0, base.data.length - cut)));
          for (const [at, value] of edits) if (data.length > 0) data[at % Math.min(data.length, 80)] = value;
          const frame: Frame = { ...base, data };
          if (!decodeTcpFast(data, 0, data.length, frame.originalLength, frame.linkType, scratch)) return;
          expect(fastFacts(frame, scratch)).to.deep.equal(slowFacts(frame));
        },
      ),
      { numRuns: 20_000, seed: 11 },
    );
  });
});
