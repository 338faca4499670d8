import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { KeywardError, type ErrorCode } from '../errors.js';
import { RETRY_AFTER_METADATA } from '../limits/token-bucket.js';
import type { Logger } from '../logging/logger.js';

const GRPC_STATUS: Readonly<Record<ErrorCode, status>> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  UNAVAILABLE: status.UNAVAILABLE,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  DEADLINE_EXCEEDED: status.DEADLINE_EXCEEDED,
  CANCELLED: status.CANCELLED,
  INTERNAL: status.INTERNAL,
};

/**
 * The status a caller sees: the KeywardError's own message, or a bare "internal error" for
 * anything unexpected. Causes and stacks stay out of responses and logs alike.
 */
export function toServiceError(error: unknown, rpc: string, logger: Logger): Partial<ServiceError> {
  const known = error instanceof KeywardError ? error : undefined;
  const code = known?.code ?? 'INTERNAL';
  if (code === 'INTERNAL' || code === 'UNAVAILABLE') {
    logger.error({ rpc, code, err: summary(error) }, 'request failed');
  } else {
    logger.debug({ rpc, code, reason: known?.message }, 'request refused');
  }
  const message = capped(known !== undefined && code !== 'INTERNAL' ? known.message : 'internal error');
  const metadata = new Metadata();
  if (known?.retryAfterMs !== undefined) metadata.set(RETRY_AFTER_METADATA, String(known.retryAfterMs));
  return { code: GRPC_STATUS[code], details: message, metadata };
}

// Messages may quote what the caller sent; an oversized status cannot be sent over HTTP/2 and used
// to wedge the server's connections. 1 KiB says everything a person needs.
const MAX_MESSAGE_CHARACTERS = 1_024;

function capped(message: string): string {
  return message.length <= MAX_MESSAGE_CHARACTERS ? message : `${message.slice(0, MAX_MESSAGE_CHARACTERS - 1)}…`;
}

/** Name and message of an error and its causes: enough to diagnose, never a stack trace. */
function summary(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 4; depth += 1) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      current = current.cause;
    } else {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a thrown non-Error: inspecting it could log secrets
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join(' <- ');
}
