import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../test-support/thrown.js';
import { LoginThrottle } from './login-throttle.js';
import type { LoginFailures } from '../model/login-failures.js';

const options = { maxFailures: 3, windowMs: 60_000, slowAfter: 1, baseDelayMs: 100 };
const secret = Buffer.alloc(32, 7);
const at = (ms: number) => new Date(ms);

describe('LoginThrottle', () => {
  it('slows down after the first failures, then locks for the window, then counts afresh', () => {
    const throttle = new LoginThrottle(secret, options);
    const first = throttle.nextFailures(undefined, at(0));
    const second = throttle.nextFailures(first, at(1));
    const third = throttle.nextFailures(second, at(2));
    expect([first, second, third].map((failures) => throttle.delayMs(failures))).toEqual([0, 100, 200]);
    expect(third).toEqual({ count: 3, lastFailureAt: at(2), lockedUntil: at(60_002) });
    expect(second.lockedUntil).toBeNull();

    const locked = thrownBy(() => throttle.assertOpen(third, at(3)));
    expect([locked.code, locked.message, locked.retryAfterMs]).toEqual([
      'RESOURCE_EXHAUSTED',
      'too many failed logins for this username; try again in 60s',
      59_999,
    ]);
    expect(() => throttle.assertOpen(undefined, at(3))).not.toThrow();
    expect(() => throttle.assertOpen(second, at(3))).not.toThrow();
    expect(() => throttle.assertOpen(third, at(60_002))).not.toThrow();
    expect(throttle.nextFailures(third, at(60_002))).toEqual({
      count: 1,
      lastFailureAt: at(60_002),
      lockedUntil: null,
    });
  });

  it('forgets failures older than the window', () => {
    const throttle = new LoginThrottle(secret, options);
    const old = throttle.nextFailures(throttle.nextFailures(undefined, at(0)), at(10));
    expect(throttle.nextFailures(old, at(60_009)).count).toBe(3);
    expect(throttle.nextFailures(old, at(60_010)).count).toBe(1);
    expect(throttle.forgetBefore(at(60_010))).toEqual(at(10));
  });

  it('names a username by a keyed hash: stable, distinct per username and per secret, never the name', () => {
    const throttle = new LoginThrottle(secret, options);
    const subject = throttle.subjectOf('alice');
    expect(subject).toHaveLength(32);
    expect(throttle.subjectOf('alice').equals(subject)).toBe(true);
    expect(throttle.subjectOf('alicf').equals(subject)).toBe(false);
    expect(new LoginThrottle(Buffer.alloc(32, 8), options).subjectOf('alice').equals(subject)).toBe(false);
    expect(subject.toString('latin1')).not.toContain('alice');
  });

  it('over any sequence of failures: locked exactly when maxFailures fall within a window, delays capped', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 90_000 }), { minLength: 1, maxLength: 30 }), (gaps) => {
        const throttle = new LoginThrottle(secret, options);
        let failures: LoginFailures | undefined;
        const times: number[] = [];
        let nowMs = 0;
        for (const gap of gaps) {
          nowMs += gap;
          const now = at(nowMs);
          const open = failures?.lockedUntil == null || failures.lockedUntil.getTime() <= nowMs;
          if (!open) {
            // A locked username's attempts are refused before any password check: no failure.
            expect(() => throttle.assertOpen(failures, now)).toThrow(/too many failed logins/);
            continue;
          }
          expect(() => throttle.assertOpen(failures, now)).not.toThrow();
          times.push(nowMs);
          failures = throttle.nextFailures(failures, now);
          // The count is the run of failures each within the window of the one before.
          let run = 1;
          for (let i = times.length - 1; i > 0 && times[i]! - times[i - 1]! < options.windowMs; i -= 1) run += 1;
          expect(failures.count).toBe(run);
          expect(failures.lockedUntil?.getTime() ?? null).toBe(
            run >= options.maxFailures ? nowMs + options.windowMs : null,
          );
          expect(throttle.delayMs(failures)).toBeLessThanOrEqual(options.baseDelayMs * 16);
        }
      }),
      { numRuns: 500 },
    );
  });
});
