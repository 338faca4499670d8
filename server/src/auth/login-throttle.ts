import { KeywardError } from '../errors.js';

export interface LoginThrottleOptions {
  /** Failures before the username is locked. */
  readonly maxFailures: number;
  readonly lockMs: number;
  /** Failures after which each answer is delayed, doubling from `baseDelayMs`. */
  readonly slowAfter: number;
  readonly baseDelayMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { maxFailures: 5, lockMs: 15 * 60_000, slowAfter: 2, baseDelayMs: 250 };

interface Failures {
  count: number;
  lockedUntilMs: number;
}

/**
 * Slows down, then locks, repeated failed logins per username. Kept by username whether or not
 * the user exists, so that how it answers never tells which usernames are real. Per replica and in
 * memory: a restart forgives, and N replicas allow N times the attempts.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, Failures>();

  constructor(private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE) {}

  /** Refuses (RESOURCE_EXHAUSTED, with when to retry) while the username is locked. */
  assertOpen(username: string, nowMs: number): void {
    const failures = this.#failures.get(username);
    if (failures === undefined || failures.lockedUntilMs <= nowMs) return;
    const retryAfterMs = failures.lockedUntilMs - nowMs;
    throw new KeywardError(
      'RESOURCE_EXHAUSTED',
      `too many failed logins for this username; try again in ${Math.ceil(retryAfterMs / 1000)}s`,
      { retryAfterMs },
    );
  }

  /** Records a failure; resolves how long to hold the answer back. */
  failed(username: string, nowMs: number): number {
    const failures = this.#failures.get(username) ?? { count: 0, lockedUntilMs: 0 };
    if (failures.lockedUntilMs !== 0 && failures.lockedUntilMs <= nowMs) failures.count = 0; // the lock ran out
    failures.count += 1;
    failures.lockedUntilMs = failures.count >= this.options.maxFailures ? nowMs + this.options.lockMs : 0;
    this.#failures.set(username, failures);
    const over = failures.count - this.options.slowAfter;
    return over > 0 ? this.options.baseDelayMs * 2 ** Math.min(over - 1, 4) : 0;
  }

  succeeded(username: string): void {
    this.#failures.delete(username);
  }
}
