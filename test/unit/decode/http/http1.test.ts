/**
 * Unit tests of the HTTP/1.1 parser: messages reported on the bytes that complete them, bodies by
 * Content-Length and chunked coding, and tshark's rule that a whole first line which is no request or
 * status line is not HTTP (so nothing waits for a header block).
 */
import { expect } from 'chai';
import { Http1Parser } from '../../../../analyzer/decode/http/http1.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('Http1Parser', () => {
  it('reports a request on the segment that ends its header block, not before', () => {
    const p = new Http1Parser();
    expect(p.push(bytes('GET /media/video.mp4 HTTP/1.1\r\n'))).to.deep.equal([]);
    expect(p.inMessage).to.equal(true);
    const [m] = p.push(bytes('Host: lab.wirelab.test\r\nRange: bytes=0-\r\n\r\n'));
    expect(m).to.include({ kind: 'request', method: 'GET', uri: '/media/video.mp4', host: 'lab.wirelab.test', range: 'bytes=0-' });
    expect(p.inMessage).to.equal(false);
  });

  it('counts a Content-Length body across pushes and a chunked body by its decoded length', () => {
    const request = new Http1Parser();
    request.push(bytes('GET / HTTP/1.1\r\n\r\nGET /a HTTP/1.1\r\n\r\n'));
    const response = new Http1Parser(request);
    expect(response.push(bytes('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345'))).to.deep.equal([]);
    const [first] = response.push(bytes('67890HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'));
    expect(first).to.include({ kind: 'response', code: 200, bodyBytes: 10 });
    const [second] = response.push(bytes('2\r\nde\r\n0\r\n\r\n'));
    expect(second).to.include({ chunked: true, bodyBytes: 5 });
  });

  it('gives up on a direction whose first whole line is no HTTP start line (s_server echo text)', () => {
    const p = new Http1Parser();
    expect(p.push(bytes('before the key update\n'))).to.deep.equal([]);
    expect(p.failed).to.equal(true);
    expect(p.inMessage).to.equal(false);
  });

  it('waits while the first line is incomplete, whatever it holds so far', () => {
    const p = new Http1Parser();
    p.push(bytes('HTTP/1.'));
    expect(p.failed).to.equal(false);
    expect(p.inMessage).to.equal(true);
    const [m] = p.push(bytes('1 204 No Content\r\n\r\n'));
    expect(m).to.include({ kind: 'response', code: 204, bodyBytes: 0 });
  });
});
