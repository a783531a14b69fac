/**
 * tls-ports.ts: which TCP conversations tshark 4.0.17 hands to TLS by port (spec §1.1) and how SMTP
 * STARTTLS is recognised (spec §1.4). Pure data and functions; must not import capture/, harness/ or cap.
 */

/** tcp.port entries that map to `tls` in tshark 4.0.17 (`tshark -G decodes`). */
export const TLS_PORTS: ReadonlySet<number> = new Set([
  324, 443, 465, 636, 802, 853, 993, 995, 1300, 2221, 2443, 3249, 3250, 3251, 3252, 3496, 5061, 5671, 5684, 5868,
  8883, 11207, 19999, 27017,
]);

/** tcp.port entries owned by HTTP, which accepts (and swallows) TLS bytes (spec §1.1). */
export const HTTP_PORTS: ReadonlySet<number> = new Set([80, 631, 1900, 2710, 2869, 3128, 3132, 3689, 5985, 8080, 8088, 11371]);

/** tcp.port entries owned by SMTP; SMTP accepts everything and can switch to TLS with STARTTLS. */
export const SMTP_PORTS: ReadonlySet<number> = new Set([25, 587]);

/**
 * How a conversation's payload reaches TLS, decided by the port table:
 * `tls` by port, `never` (HTTP owns it), `smtp` (plaintext until STARTTLS), `heuristic` (no owner).
 */
export type TlsPortRoute = 'tls' | 'never' | 'smtp' | 'heuristic';

/** The outcome of {@link routeByPorts}: the route and the port that decided it. */
export interface TlsPortDecision {
  readonly route: TlsPortRoute;
  /** The port that decided (undefined for `heuristic`). */
  readonly port: number | undefined;
}

function routeOfPort(port: number): TlsPortRoute | undefined {
  if (TLS_PORTS.has(port)) return 'tls';
  if (HTTP_PORTS.has(port)) return 'never';
  if (SMTP_PORTS.has(port)) return 'smtp';
  return undefined;
}

/**
 * Walks the candidate ports in tshark's order (the SYN's destination port when the SYN was captured,
 * then the lower port, then the higher one); the first owned port decides (spec §1.1).
 * @example routeByPorts(undefined, 41000, 993) // { route: 'tls', port: 993 }
 */
export function routeByPorts(serverPort: number | undefined, srcPort: number, dstPort: number): TlsPortDecision {
  if (serverPort !== undefined) {
    const route = routeOfPort(serverPort);
    if (route !== undefined) return { route, port: serverPort };
  }
  const low = srcPort < dstPort ? srcPort : dstPort;
  const high = srcPort < dstPort ? dstPort : srcPort;
  const lowRoute = routeOfPort(low);
  if (lowRoute !== undefined) return { route: lowRoute, port: low };
  const highRoute = routeOfPort(high);
  if (highRoute !== undefined) return { route: highRoute, port: high };
  return { route: 'heuristic', port: undefined };
}

const STARTTLS = 'STARTTLS';

/** True when an SMTP client payload is the STARTTLS command (RFC 3207 §4), case-insensitive. */
export function isSmtpStartTlsCommand(payload: Buffer): boolean {
  if (payload.length < STARTTLS.length) return false;
  for (let i = 0; i < STARTTLS.length; i++) {
    // ASCII upper-casing: clear bit 5 of letters.
    const b = payload[i];
    if ((b >= 0x61 && b <= 0x7a ? b - 0x20 : b) !== STARTTLS.charCodeAt(i)) return false;
  }
  const next = payload.length > STARTTLS.length ? payload[STARTTLS.length] : 0x0d;
  return next === 0x0d || next === 0x0a || next === 0x20;
}

/** True when an SMTP server reply starts with code 220 (ready to start TLS, RFC 3207 §4). */
export function isSmtpReady220(payload: Buffer): boolean {
  return payload.length >= 3 && payload[0] === 0x32 && payload[1] === 0x32 && payload[2] === 0x30;
}
