import { describe, expect, it } from 'vitest';
import { thrownBy } from '../test-support/thrown.js';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  const options = { maxFailures: 3, lockMs: 60_000, slowAfter: 1, baseDelayMs: 100 };

  it('slows down after the first failures, then locks, then forgives once the lock runs out', () => {
    const throttle = new LoginThrottle(options);
    expect(throttle.failed('u', 0)).toBe(0);
    expect(throttle.failed('u', 1)).toBe(100);
    expect(throttle.failed('u', 2)).toBe(200);
    const locked = thrownBy(() => throttle.assertOpen('u', 3));
    expect([locked.code, locked.message, locked.retryAfterMs]).toEqual([
      'RESOURCE_EXHAUSTED',
      'too many failed logins for this username; try again in 60s',
      59_999,
    ]);
    expect(() => throttle.assertOpen('other', 3)).not.toThrow();
    expect(() => throttle.assertOpen('u', 60_002)).not.toThrow();
    // The next failure after the lock starts counting afresh.
    expect(throttle.failed('u', 60_003)).toBe(0);
  });

  it('forgets a username after a success', () => {
    const throttle = new LoginThrottle(options);
    throttle.failed('u', 0);
    throttle.failed('u', 0);
    throttle.succeeded('u');
    expect(throttle.failed('u', 0)).toBe(0);
  });
});
