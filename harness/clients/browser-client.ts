/**
 * browser-client.ts: a browser-like page load: two connections opened at once, the page and its media
 * fetched on one, the spare one dropped (the lab report's "dual connection"). Must not import analyzer/ beyond errors.
 */
import { openLabConnection, type CloseMode, type LabConnection, type LabConnectionOptions } from './lab-connection.js';

/** Options of {@link loadLabPage}. */
export interface LoadLabPageOptions extends LabConnectionOptions {
  /** How many connections to open at once; a browser races two (default 2). */
  readonly connections?: number;
  /** How the spare connections end once the page is loaded (default 'fin-then-rst', as in the report). */
  readonly spareClose?: CloseMode;
  /** How long the spare connections stay idle after the page loaded before they are closed (default 0). */
  readonly spareIdleMs?: number;
  /** Page path; default '/'. */
  readonly path?: string;
}

/** What one page load fetched. */
export interface PageLoadResult {
  /** Local ports: the first carried the page, the rest were spares. */
  readonly localPorts: readonly number[];
  readonly resources: readonly { readonly path: string; readonly status: number; readonly bytes: number; readonly durationMs: number }[];
  readonly protocol: string;
  readonly cipher: string;
  /** The connection that carried the page, still open; the timeline decides when it closes. */
  readonly main: LabConnection;
}

/**
 * The same-origin resources a page references through `src` attributes, in document order.
 * A regex is enough here: the lab page is ours and has no quoting tricks.
 */
export function findPageResources(html: string): string[] {
  const paths: string[] = [];
  for (const m of html.matchAll(/\bsrc="([^"]+)"/g)) {
    const src = m[1]!;
    if (src.startsWith('/') && !paths.includes(src)) paths.push(src);
  }
  return paths;
}

/** Gap between the SYNs of the connections a page load opens together. */
const SYN_STAGGER_MS = 1;

/**
 * Loads the lab page like a browser: opens `connections` TLS connections together (SYNs 1 ms apart), fetches
 * the page and then each `src` resource on the first, and closes the spares with `spareClose`.
 * @example
 * const load = await loadLabPage({ host, port, ca: cert });
 * await load.main.close('fin');
 */
export async function loadLabPage(options: LoadLabPageOptions): Promise<PageLoadResult> {
  const count = options.connections ?? 2;
  const opening: Promise<LabConnection>[] = [];
  for (let i = 0; i < count; i++) {
    // Each SYN leaves 1 ms after the previous one. Connects made in the same instant reach the wire in
    // either order, and impairment replay numbers connections by SYN order, so "the connection that
    // carried the page" would swap between a run and its replay. 1 ms keeps them parallel by any measure.
    if (i > 0) await new Promise((r) => setTimeout(r, SYN_STAGGER_MS));
    const connecting = openLabConnection(options);
    connecting.catch(() => {}); // seen by Promise.all below; this only keeps a failure from being "unhandled" meanwhile
    opening.push(connecting);
  }
  const opened = await Promise.all(opening);
  const main = opened[0]!;
  const spares = opened.slice(1);
  const resources: { path: string; status: number; bytes: number; durationMs: number }[] = [];
  const page = await main.get(options.path ?? '/', { keepBody: true });
  resources.push({ path: options.path ?? '/', status: page.status, bytes: page.bodyBytes, durationMs: page.durationMs });
  for (const path of findPageResources(page.body?.toString('utf8') ?? '')) {
    const response = await main.get(path);
    resources.push({ path, status: response.status, bytes: response.bodyBytes, durationMs: response.durationMs });
  }
  if ((options.spareIdleMs ?? 0) > 0) await new Promise((r) => setTimeout(r, options.spareIdleMs));
  await Promise.all(spares.map((c) => c.close(options.spareClose ?? 'fin-then-rst')));
  return { localPorts: opened.map((c) => c.localPort), resources, protocol: main.protocol, cipher: main.cipher, main };
}
