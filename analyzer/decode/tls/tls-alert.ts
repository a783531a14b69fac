/**
 * tls-alert.ts: TLS alert record bodies (RFC 8446 §6). Pure functions over Buffers; no I/O.
 */
import { alertDescriptionName, alertLevelName } from './tls-constants.js';

/** A plaintext alert. */
export interface TlsAlert {
  /** 1 warning, 2 fatal. */
  readonly level: number;
  readonly description: number;
}

/**
 * Decodes an alert record body. Only a body of exactly 2 bytes is plaintext (tshark's rule, spec §5.4);
 * anything else is an encrypted alert and gives undefined.
 */
export function decodeAlert(body: Buffer): TlsAlert | undefined {
  if (body.length !== 2) return undefined;
  return { level: body[0], description: body[1] };
}

/** tshark's Info text for a plaintext alert: `Alert (Level: Fatal, Description: Unknown CA)`. */
export function formatAlert(alert: TlsAlert): string {
  return `Alert (Level: ${alertLevelName(alert.level)}, Description: ${alertDescriptionName(alert.description)})`;
}
