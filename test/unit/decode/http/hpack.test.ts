// HPACK against RFC 7541 Appendix C: integer and string examples, requests with and without Huffman coding
// (C.3, C.4) and responses with eviction from a 256-byte table (C.5, C.6), one decoder per sequence.
import { expect } from 'chai';
import fc from 'fast-check';
import { HpackDecoder, HpackError, huffmanDecode } from '../../../../analyzer/decode/http/hpack.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const pairs = (fields: { name: string; value: string }[]): string[][] => fields.map((f) => [f.name, f.value]);

const REQUEST_1 = [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']];
const REQUEST_2 = [...REQUEST_1, ['cache-control', 'no-cache']];
const REQUEST_3 = [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']];
const RESPONSE_1 = [[':status', '302'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'], ['location', 'https://www.example.com']];
const RESPONSE_2 = [[':status', '307'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'], ['location', 'https://www.example.com']];
const RESPONSE_3 = [
  [':status', '200'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'], ['location', 'https://www.example.com'],
  ['content-encoding', 'gzip'], ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
];

describe('hpack (RFC 7541 Appendix C)', function () {
  it('C.2.1–C.2.4: literal and indexed representations', function () {
    const d = new HpackDecoder();
    expect(pairs(d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572')))).to.deep.equal([['custom-key', 'custom-header']]);
    expect(d.tableSize).to.equal(55);
    expect(pairs(new HpackDecoder().decode(hex('040c 2f73 616d 706c 652f 7061 7468')))).to.deep.equal([[':path', '/sample/path']]);
    const never = new HpackDecoder();
    expect(pairs(never.decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74')))).to.deep.equal([['password', 'secret']]);
    expect(never.table).to.have.length(0);
    expect(pairs(new HpackDecoder().decode(hex('82')))).to.deep.equal([[':method', 'GET']]);
  });

  it('C.3: requests without Huffman coding share one dynamic table', function () {
    const d = new HpackDecoder();
    expect(pairs(d.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d')))).to.deep.equal(REQUEST_1);
    expect(pairs(d.decode(hex('8286 84be 5808 6e6f 2d63 6163 6865')))).to.deep.equal(REQUEST_2);
    expect(pairs(d.decode(hex('8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65')))).to.deep.equal(REQUEST_3);
    expect(d.tableSize).to.equal(164);
  });

  it('C.4: the same requests with Huffman coding', function () {
    const d = new HpackDecoder();
    expect(pairs(d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff')))).to.deep.equal(REQUEST_1);
    expect(pairs(d.decode(hex('8286 84be 5886 a8eb 1064 9cbf')))).to.deep.equal(REQUEST_2);
    expect(pairs(d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf')))).to.deep.equal(REQUEST_3);
    expect(d.tableSize).to.equal(164);
  });

  it('C.5: responses evicting from a 256-byte table', function () {
    const d = new HpackDecoder(256);
    d.decode(hex('3fe1 01')); // a table size update to 256 (within the protocol limit)
    expect(pairs(d.decode(hex(
      '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
    )))).to.deep.equal(RESPONSE_1);
    expect(d.tableSize).to.equal(222);
    expect(pairs(d.decode(hex('4803 3330 37c1 c0bf')))).to.deep.equal(RESPONSE_2);
    expect(d.tableSize).to.equal(222);
    expect(pairs(d.decode(hex(
      '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
    )))).to.deep.equal(RESPONSE_3);
    expect(d.tableSize).to.equal(215);
  });

  it('C.6: the same responses with Huffman coding', function () {
    const d = new HpackDecoder(256);
    d.decode(hex('3fe1 01'));
    expect(pairs(d.decode(hex(
      '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
    )))).to.deep.equal(RESPONSE_1);
    expect(pairs(d.decode(hex('4883 640e ffc1 c0bf')))).to.deep.equal(RESPONSE_2);
    expect(pairs(d.decode(hex(
      '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
    )))).to.deep.equal(RESPONSE_3);
    expect(d.tableSize).to.equal(215);
  });

  it('rejects bad Huffman padding, bad indexes and truncated blocks with HpackError', function () {
    expect(() => huffmanDecode(hex('00'))).to.throw(HpackError); // eight zero bits are not a code prefix of EOS
    expect(() => new HpackDecoder().decode(hex('be'))).to.throw(HpackError);
    expect(() => new HpackDecoder().decode(hex('400a 6375'))).to.throw(HpackError);
  });

  it('never throws anything but HpackError on random blocks', function () {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          new HpackDecoder().decode(Buffer.from(bytes));
        } catch (e) {
          if (!(e instanceof HpackError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
