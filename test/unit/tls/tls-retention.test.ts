// The TLS analyzer keeps nothing that points into a frame's bytes: after the pushes, every read chunk the
// payloads were views of can be garbage-collected (a kept view would pin its whole chunk).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import { createTlsAnalyzer } from '../../../analyzer/analysis/tls/tls-analyzer.js';
import type { TlsAnalyzer } from '../../../analyzer/analysis/tls/tls-analyzer.js';
import {
  alpnExtension,
  clientHelloRecord,
  handshake,
  record,
  serverHelloBody,
  sniExtension,
  tls13ServerVersion,
} from './tls-builders.js';

/** Size of the stand-in read chunk each payload is a view into. */
const CHUNK_BYTES = 256 * 1024;

/** Pushes `payload` as a view into a fresh chunk; returns a weak reference to that chunk's memory. */
function pushAsView(tls: TlsAnalyzer, frame: number, dir: 0 | 1, seq: number, payload: Buffer): WeakRef<ArrayBuffer> {
  const chunk = Buffer.alloc(CHUNK_BYTES);
  const at = 1000;
  payload.copy(chunk, at);
  tls.push({
    frame,
    stream: 0,
    direction: dir,
    srcPort: dir === 0 ? 40000 : 443,
    dstPort: dir === 0 ? 443 : 40000,
    serverPort: 443,
    seq,
    payload: chunk.subarray(at, at + payload.length),
    segmentLength: payload.length,
    retransmissionOrOutOfOrder: false,
  });
  return new WeakRef(chunk.buffer);
}

/** Pushes a handshake, a record spanning segments, a split handshake message and a pending record. */
function feed(tls: TlsAnalyzer): WeakRef<ArrayBuffer>[] {
  const refs: WeakRef<ArrayBuffer>[] = [];
  const next: [number, number] = [1000, 900_000];
  let frame = 0;
  const send = (dir: 0 | 1, payload: Buffer): void => {
    refs.push(pushAsView(tls, ++frame, dir, next[dir], payload));
    next[dir] += payload.length;
  };
  send(0, clientHelloRecord([sniExtension('www.example.test'), alpnExtension(['h2'])]));
  const cert = handshake(11, Buffer.alloc(3000, 0x30));
  // ServerHello (its random and session id were views once), then a Certificate split over two records.
  send(1, Buffer.concat([record(22, handshake(2, serverHelloBody(0x1301, [tls13ServerVersion]))), record(22, cert.subarray(0, 1000))]));
  const big = record(23, Buffer.alloc(5000, 0x9f));
  send(1, Buffer.concat([record(22, cert.subarray(1000)), big.subarray(0, 700)]));
  send(1, big.subarray(700, 3000));
  // Left pending at the end: half a record and half a header.
  send(1, Buffer.concat([big.subarray(3000), record(23, Buffer.alloc(4000)).subarray(0, 2000)]));
  send(0, record(22, handshake(2, Buffer.alloc(10))).subarray(0, 3));
  return refs;
}

describe('unit', function () {
  describe('TLS analyzer memory', function () {
    it('keeps no view of a frame: every chunk is collectable after the pushes', async function () {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const tls = createTlsAnalyzer();
      const refs = feed(tls);
      // WeakRef targets stay alive until the current job ends.
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      const alive = refs.map((r, i) => (r.deref() === undefined ? -1 : i)).filter((i) => i >= 0);
      expect(alive, 'indexes of pushed segments whose chunk is still referenced').to.deep.equal([]);
      expect(tls.summarize()[0]?.sni).to.equal('www.example.test');
    });
  });
});
