/**
 * media-type.ts: what tshark shows in the Info column when it hands an HTTP body to the subdissector of its
 * media type: line-based text for `text/*` ("(text/html)"), the JFIF dissector for a JPEG that starts with
 * SOI and a JFIF or Exif segment ("(JPEG JFIF image)"). Pure.
 */

/** Leading body bytes the checks read (SOI, the segment header, the 5-byte identifier at offset 6). */
export const BODY_HEAD_BYTES = 11;

/** Media types Wireshark's JFIF dissector is registered for. */
const JFIF_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/jpg', 'image/jfif']);

/** The JFIF dissector takes at least 20 bytes starting FF D8 with "JFIF\0" or "Exif\0" at offset 6. */
function isJfif(head: Buffer, bodyBytes: number): boolean {
  if (bodyBytes < 20 || head.length < BODY_HEAD_BYTES || head[0] !== 0xff || head[1] !== 0xd8) return false;
  const id = head.toString('latin1', 6, 11);
  return id === 'JFIF\0' || id === 'Exif\0';
}

/**
 * The Info text of the subdissector that takes a body of `contentType` (a Content-Type value, parameters
 * allowed, in any case), or undefined when none does: then HTTP/1.1 shows the media type itself and
 * HTTP/2 nothing. Line-based text shows the media type as sent.
 * @param head the body's first BODY_HEAD_BYTES bytes (fewer for a shorter body)
 * @param bodyBytes the body's whole length
 * @example mediaInfo('image/jpeg', head, 56_536) // 'JPEG JFIF image'
 */
export function mediaInfo(contentType: string, head: Buffer, bodyBytes: number): string | undefined {
  const mediaType = mediaTypeOf(contentType);
  const lower = mediaType.toLowerCase();
  if (lower.startsWith('text/')) return mediaType;
  if (JFIF_TYPES.has(lower) && isJfif(head, bodyBytes)) return 'JPEG JFIF image';
  return undefined;
}

/** The media type of a Content-Type value, without its parameters: `text/html; charset=utf-8` → `text/html`. */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(';')[0]!.trim();
}

/** The start of a body, collected across pushes up to BODY_HEAD_BYTES. */
export class BodyHead {
  private bytes: Buffer = Buffer.alloc(0);

  /** Takes the next body bytes (only the first BODY_HEAD_BYTES are kept). */
  add(data: Buffer): void {
    if (this.bytes.length >= BODY_HEAD_BYTES || data.length === 0) return;
    this.bytes = Buffer.concat([this.bytes, data.subarray(0, BODY_HEAD_BYTES - this.bytes.length)]);
  }

  get head(): Buffer {
    return this.bytes;
  }

  reset(): void {
    this.bytes = Buffer.alloc(0);
  }
}
