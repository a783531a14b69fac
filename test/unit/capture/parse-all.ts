/**
 * parse-all.ts: parses a whole in-memory capture with the push parser, for the writer tests.
 * Test helper; imports only the capture parser.
 */
import { createCaptureParser } from '../../../analyzer/capture/capture-parser.js';
import type { CaptureParser } from '../../../analyzer/capture/capture-parser.js';
import type { Frame } from '../../../analyzer/packet/frame.js';

/** Every frame of `bytes`, and the parser (for `info`); `name` starts any error message. */
export function parseAll(bytes: Buffer, name: string): { frames: Frame[]; parser: CaptureParser } {
  const parser = createCaptureParser(name);
  const frames: Frame[] = [];
  parser.push(bytes, (f) => frames.push(f));
  parser.end();
  return { frames, parser };
}
