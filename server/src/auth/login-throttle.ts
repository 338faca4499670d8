// The rules of login throttling: failures within a window slow the answers down, then lock the
// username for a while. Pure: the record of failures lives in the database (store/), so every
// replica counts the same failures and a restart forgives nothing.

import { createHmac } from 'node:crypto';
import { KeywardError } from '../errors.js';
import type { LoginFailures } from '../model/login-failures.js';

export interface LoginThrottleOptions {
  /** Failures within `windowMs` before the username is locked. */
  readonly maxFailures: number;
  /** How long a lock lasts, and how long a failure counts. */
  readonly windowMs: number;
  /** Failures after which each answer is delayed, doubling from `baseDelayMs`. */
  readonly slowAfter: number;
  readonly baseDelayMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  slowAfter: 2,
  baseDelayMs: 250,
};

/** The delay stops doubling here: 16 × the base. */
const MAX_DOUBLINGS = 4;

export class LoginThrottle {
  /**
   * @param secret keys the hash that names a username in the throttle's records, so that the
   *   usernames people tried (real ones, typos, a password typed in the wrong field) are not
   *   stored in clear.
   */
  constructor(
    private readonly secret: Buffer,
    private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
  ) {}

  /** What the records of `username` are kept under. The same whether or not the user exists. */
  subjectOf(username: string): Buffer {
    return createHmac('sha256', this.secret).update(username, 'utf8').digest();
  }

  /** Refuses (RESOURCE_EXHAUSTED, with when to retry) while the username is locked. */
  assertOpen(failures: LoginFailures | undefined, now: Date): void {
    const retryAfterMs = (failures?.lockedUntil?.getTime() ?? 0) - now.getTime();
    if (retryAfterMs <= 0) return;
    throw new KeywardError(
      'RESOURCE_EXHAUSTED',
      `too many failed logins for this username; try again in ${Math.ceil(retryAfterMs / 1000)}s`,
      { retryAfterMs },
    );
  }

  /**
   * The record after one more failure at `now`. Earlier failures count while the last of them is
   * within the window; a lock lasts exactly the window, so when it runs out counting starts afresh.
   */
  nextFailures(previous: LoginFailures | undefined, now: Date): LoginFailures {
    const recent = previous !== undefined && previous.lastFailureAt.getTime() > this.forgetBefore(now).getTime();
    const count = recent ? previous.count + 1 : 1;
    const lockedUntil = count >= this.options.maxFailures ? new Date(now.getTime() + this.options.windowMs) : null;
    return { count, lastFailureAt: now, lockedUntil };
  }

  /** How long to hold back the answer to the failure that left `failures`. */
  delayMs(failures: LoginFailures): number {
    const over = failures.count - this.options.slowAfter;
    return over > 0 ? this.options.baseDelayMs * 2 ** Math.min(over - 1, MAX_DOUBLINGS) : 0;
  }

  /** Records whose last failure is older than this count for nothing and may be deleted. */
  forgetBefore(now: Date): Date {
    return new Date(now.getTime() - this.options.windowMs);
  }
}
