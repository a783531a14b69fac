/**
 * lab-media.ts: the lab page's real media (a JPEG image, an MP3 audio, an H.264/AAC MP4 video) that a browser
 * decodes and plays. They are made once by `script/make-media.sh` with Debian's ffmpeg into media/ (git-ignored,
 * like certs/), because encoding video is not our craft and the files are too large to commit.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../analyzer/errors.js';

/** The paths of the lab page's media, in the order a browser requests them. */
export const MEDIA_PATHS = ['/media/image.jpg', '/media/audio.mp3', '/media/video.mp4'] as const;

/** Content types by extension, for the media and for files of a user's own page (`--page DIR`). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

/** The content type of a file name, application/octet-stream when unknown. */
export function contentTypeOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot < 0 ? undefined : CONTENT_TYPES[name.slice(dot).toLowerCase()]) ?? 'application/octet-stream';
}

const projectRoot = (): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  // harness/ in a checkout, dist/harness/ when built.
  return resolve(here, here.endsWith(join('dist', 'harness')) ? '../..' : '..');
};

/** The project's media/ directory (from a tsx checkout and from dist/). */
export function defaultMediaDir(): string {
  return join(projectRoot(), 'media');
}

/** One medium of the lab page, read into memory (they are a few hundred kilobytes together). */
export interface LabMedium {
  readonly path: (typeof MEDIA_PATHS)[number];
  readonly type: string;
  readonly body: Buffer;
}

/**
 * Reads the lab media from `dir`; when the default directory lacks them, makes them first with
 * `script/make-media.sh` (ffmpeg), so a fresh checkout works after `script/setup.sh` or without it.
 * @throws EnvironmentError naming the missing file and the command that makes it.
 */
export async function loadLabMedia(dir: string = defaultMediaDir()): Promise<LabMedium[]> {
  const read = (): Promise<LabMedium[]> =>
    Promise.all(
      MEDIA_PATHS.map(async (path) => ({ path, type: contentTypeOf(path), body: await readFile(join(dir, path.slice('/media/'.length))) })),
    );
  try {
    return await read();
  } catch (first) {
    if (resolve(dir) === defaultMediaDir()) {
      const made = spawnSync('bash', [join(projectRoot(), 'script', 'make-media.sh'), dir], { encoding: 'utf8' });
      if (made.status === 0) return read();
      const why = (made.stderr || made.error?.message || '').trim().split('\n')[0] ?? '';
      throw new EnvironmentError(`lab media: cannot make them in ${dir}: ${why}`, { cause: first });
    }
    throw new EnvironmentError(
      `lab media: ${(first as NodeJS.ErrnoException).path ?? dir} is missing: run bash script/make-media.sh ${dir} (needs ffmpeg)`,
      { cause: first },
    );
  }
}
