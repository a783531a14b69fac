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
export class HarnessError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
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
  return e instanceof HarnessError;
}
export function isCaptureFormatError(e: unknown): e is CaptureFormatError {
  return e instanceof CaptureFormatError;
}
export function isFileNotFoundError(e: unknown): e is FileNotFoundError {
  return e instanceof FileNotFoundError;
}
export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError;
}
export function isEnvironmentError(e: unknown): e is EnvironmentError {
  return e instanceof EnvironmentError;
}
export function isExpectationError(e: unknown): e is ExpectationError {
  return e instanceof ExpectationError;
}
