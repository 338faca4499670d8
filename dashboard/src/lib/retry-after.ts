// How long Keyward asks a refused caller to wait (its `retry-after-ms` trailer, sent with
// RESOURCE_EXHAUSTED by the login lockout and the rate limit), in words.
import type { ServiceError } from '@grpc/grpc-js';

/** The wait Keyward asked for, in milliseconds, or undefined when it gave none. */
export function retryAfterMs(error: Pick<ServiceError, 'metadata'>): number | undefined {
  const [value] = error.metadata?.get('retry-after-ms') ?? [];
  const ms = Number(value);
  return typeof value === 'string' && /^\d+$/.test(value) && Number.isSafeInteger(ms) ? ms : undefined;
}

/** "15 minutes", "40 seconds", "a moment": rounded up, never "0". */
export function waitInWords(ms: number | undefined): string {
  if (ms === undefined || ms <= 0) return 'a moment';
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
