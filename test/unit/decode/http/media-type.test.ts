/**
 * The media-type subdissector's Info text, as tshark 4.0 shows it after an HTTP body: line-based text,
 * the JFIF dissector for a real JPEG (SOI, then JFIF or Exif at offset 6, 20 bytes at least), and nothing
 * for bytes that only claim to be an image.
 */
import { expect } from 'chai';
import { BodyHead, mediaInfo } from '../../../../analyzer/decode/http/media-type.js';

const jfif = Buffer.from('ffd8ffe000104a46494600', 'hex');
const exif = Buffer.from('ffd8ffe1001845786966', 'hex');

describe('unit', () => {
  describe('mediaInfo', () => {
    it('names a JPEG body that starts with SOI and a JFIF or Exif segment', () => {
      expect(mediaInfo('image/jpeg', jfif, 56_536)).to.equal('JPEG JFIF image');
      expect(mediaInfo('image/jpg', Buffer.concat([exif, Buffer.of(0)]), 100)).to.equal('JPEG JFIF image');
    });
    it('leaves random bytes labelled image/jpeg, short bodies and other types to the caller', () => {
      expect(mediaInfo('image/jpeg', Buffer.alloc(11, 7), 56_536)).to.equal(undefined);
      expect(mediaInfo('image/jpeg', jfif, 19)).to.equal(undefined);
      expect(mediaInfo('audio/mpeg', jfif, 56_536)).to.equal(undefined);
    });
    it('gives text types to line-based text', () => {
      expect(mediaInfo('text/html', Buffer.from('<!doctype'), 9)).to.equal('text/html');
    });
  });

  describe('BodyHead', () => {
    it('keeps the first 11 bytes across pieces', () => {
      const h = new BodyHead();
      h.add(jfif.subarray(0, 3));
      h.add(Buffer.concat([jfif.subarray(3), Buffer.alloc(100)]));
      expect(h.head.equals(jfif)).to.equal(true);
      h.reset();
      expect(h.head.length).to.equal(0);
    });
  });
});
