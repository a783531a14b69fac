/**
 * errors.ts: the one error hierarchy of wirelab, shared by analyzer, harness and CLI.
 * Must not import anything but node builtins.
 */

/** Stable error codes; callers match on these, never on message text. */
export const ErrorCode = {
  CaptureFormat: 'ERR_CAPTURE_FORMAT',
  Config: 'ERR_CONFIG',
  Environment: 'ERR_ENVIRONMENT',
  Expectation: 'ERR_EXPECTATION',
  FileNotFound: 'ERR_FILE_NOT_FOUND',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every error wirelab throws on purpose. `code` is stable; `message` is one line. */
/**
 * Marks wirelab's errors across module copies: a user's scenario file run from a checkout may load
 * the TypeScript sources while the CLI runs dist/, and `instanceof` does not cross that line.
 */
const WIRELAB_ERROR = Symbol.for('wirelab.error');

export class HarnessError extends Error {
  readonly code: ErrorCode;
  readonly [WIRELAB_ERROR] = true;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** `instanceof`, or the same class (by name) from another copy of wirelab's modules. */
function isWirelabError(e: unknown, cls: abstract new (...args: never[]) => Error): boolean {
  if (e instanceof cls) return true;
  if (typeof e !== 'object' || e === null || (e as Record<symbol, unknown>)[WIRELAB_ERROR] !== true) return false;
  if (cls === HarnessError) return true;
  // Subclasses: the other copy's prototype chain names the same classes.
  for (let p = Object.getPrototypeOf(e) as { constructor?: { name?: string } } | null; p !== null; p = Object.getPrototypeOf(p) as typeof p) {
    if (p.constructor?.name === cls.name) return true;
  }
  return false;
}

/** The capture file cannot be read further (bad magic, truncated header, absurd length). */
export class CaptureFormatError extends HarnessError {
  /** Byte offset in the file where the damage was found, when known. */
  readonly offset: number | undefined;
  constructor(message: string, options?: { cause?: unknown; offset?: number }) {
    super(ErrorCode.CaptureFormat, message, options);
    this.offset = options?.offset;
  }
}

/** The file to read does not exist (nothing was read; not a damaged capture). */
export class FileNotFoundError extends HarnessError {
  /** The path as the user gave it. */
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.FileNotFound, message, options);
    this.path = path;
  }
}

/** Bad options, scenario definition or impairment expression. */
export class ConfigError extends HarnessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Config, message, options);
  }
}

/** The machine lacks something: root, netns, libpcap, a free port, a system package. */
export class EnvironmentError extends HarnessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Environment, message, options);
  }
}

/** A scenario's expectation failed; `timeline` is the packet timeline to show next to it. */
export class ExpectationError extends HarnessError {
  readonly timeline: string;
  constructor(message: string, options?: { cause?: unknown; timeline?: string }) {
    super(ErrorCode.Expectation, message, options);
    this.timeline = options?.timeline ?? '';
  }
}

/** True for any error of the hierarchy. */
export function isHarnessError(e: unknown): e is HarnessError {
  return isWirelabError(e, HarnessError);
}
export function isCaptureFormatError(e: unknown): e is CaptureFormatError {
  return isWirelabError(e, CaptureFormatError);
}
export function isFileNotFoundError(e: unknown): e is FileNotFoundError {
  return isWirelabError(e, FileNotFoundError);
}
export function isConfigError(e: unknown): e is ConfigError {
  return isWirelabError(e, ConfigError);
}
export function isEnvironmentError(e: unknown): e is EnvironmentError {
  return isWirelabError(e, EnvironmentError);
}
export function isExpectationError(e: unknown): e is ExpectationError {
  return isWirelabError(e, ExpectationError);
}
