// One error type for every layer: adapters translate `code` to a gRPC status or an HTTP status.
// Messages are written for the caller and must never carry secrets or key material.

export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'UNAVAILABLE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'DEADLINE_EXCEEDED'
  | 'CANCELLED'
  | 'INTERNAL';

export class KeywardError extends Error {
  override readonly name = 'KeywardError';

  /** When to try again, for RESOURCE_EXHAUSTED: sent to gRPC callers as `retry-after-ms`. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** A bad request field: the message names the field so the caller knows what to fix. */
export function invalidArgument(field: string, problem: string): KeywardError {
  return new KeywardError('INVALID_ARGUMENT', `${field}: ${problem}`);
}
