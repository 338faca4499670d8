// How the command fails: exactly one line on standard error, `keyward: <message>`, and an exit
// code: 2 for a usage error (with a short usage line after it), 1 for everything else.
// Messages never carry the caller's token: it is not part of any of them, and the output layer
// redacts it besides (cli/output.ts).

import { status, type ServiceError } from '@grpc/grpc-js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line is wrong: unknown command or option, missing or malformed argument. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  /**
   * `usage` is the short usage line(s) printed after the message. A value parser does not know
   * the command it serves: it leaves `usage` out and the dispatcher adds the command's.
   */
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** Anything else the user can fix (no token, unreadable file, bad environment variable). */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/** What the connection was, to explain a deadline. */
export interface CallContext {
  readonly address: string;
  readonly timeoutSeconds: number;
}

export interface Report {
  readonly exitCode: typeof EXIT_FAILURE | typeof EXIT_USAGE;
  /** Without the `keyward: ` prefix; one line. */
  readonly message: string;
  readonly usage?: string;
}

const RETRY_AFTER_METADATA = 'retry-after-ms';

export function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error &&
    typeof (error as Partial<ServiceError>).code === 'number' &&
    typeof (error as Partial<ServiceError>).details === 'string'
  );
}

/** The report for any error a command ends with. */
export function report(error: unknown, call?: CallContext): Report {
  if (error instanceof UsageError) {
    return {
      exitCode: EXIT_USAGE,
      message: oneLine(error.message),
      ...(error.usage === undefined ? {} : { usage: error.usage }),
    };
  }
  if (error instanceof CliFailure) return { exitCode: EXIT_FAILURE, message: oneLine(error.message) };
  if (isServiceError(error)) return { exitCode: EXIT_FAILURE, message: oneLine(describeStatus(error, call)) };
  const detail = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT_FAILURE, message: oneLine(`unexpected error: ${detail}`) };
}

/** "PERMISSION_DENIED: this token has no sign scope on key set \"payments\"". */
function describeStatus(error: ServiceError, call: CallContext | undefined): string {
  const name = status[error.code] ?? `status ${error.code}`;
  if (error.code === status.DEADLINE_EXCEEDED && call !== undefined) {
    return `${name}: no answer from ${call.address} within ${call.timeoutSeconds} s (raise --timeout)`;
  }
  // grpc-js ends connection failures with an empty "Resolution note:".
  let details = error.details.replace(/\s*Resolution note:\s*$/, '').trim();
  if (error.code === status.UNAVAILABLE && call !== undefined && /^no connection established/i.test(details)) {
    details = `cannot reach ${call.address}: ${details}`;
  }
  const retryAfter = error.metadata?.get(RETRY_AFTER_METADATA)[0];
  const retry =
    error.code === status.RESOURCE_EXHAUSTED && retryAfter !== undefined
      ? ` (retry after ${String(retryAfter)} ms)`
      : '';
  return `${name}: ${details === '' ? 'no details' : details}${retry}`;
}

/** One line of plain text: control characters (a terminal's escape sequences too) are escaped. */
export function oneLine(text: string): string {
  return text
    .trim()
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
