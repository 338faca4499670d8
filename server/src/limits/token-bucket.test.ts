// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { RETRY_AFTER_METADATA, RateLimiter, rateLimitError, type RateDecision } from './token-bucket.js';

const T0 = 1_700_000_000_000;

function refused(retryAfterMs: number): RateDecision {
  return { allowed: false, retryAfterMs };
}
const allowed: RateDecision = { allowed: true };

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the exact wait for the next token', () => {
    const limiter = new RateLimiter({ ratePerSecond: 4, burst: 3 }); // a token every 250 ms

    expect(limiter.take('p', T0)).toEqual(allowed);
    expect(limiter.take('p', T0)).toEqual(allowed);
    expect(limiter.take('p', T0)).toEqual(allowed);
    expect(limiter.take('p', T0)).toEqual(refused(250));
    expect(limiter.take('p', T0 + 100)).toEqual(refused(150));
    expect(limiter.take('p', T0 + 249)).toEqual(refused(1));
    expect(limiter.take('p', T0 + 250)).toEqual(allowed);
    expect(limiter.take('p', T0 + 250)).toEqual(refused(250));
  });

  it('refills continuously, and never beyond the burst', () => {
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 5 }); // a token every 100 ms
    for (let i = 0; i < 5; i += 1) expect(limiter.take('p', T0)).toEqual(allowed);
    expect(limiter.take('p', T0)).toEqual(refused(100));

    // 250 ms later: 2.5 tokens.
    expect(limiter.take('p', T0 + 250)).toEqual(allowed);
    expect(limiter.take('p', T0 + 250)).toEqual(allowed);
    expect(limiter.take('p', T0 + 250)).toEqual(refused(50));

    // Idle for a long time: still only a burst of 5.
    const later = T0 + 3_600_000;
    for (let i = 0; i < 5; i += 1) expect(limiter.take('p', later)).toEqual(allowed);
    expect(limiter.take('p', later)).toEqual(refused(100));
  });

  it('rounds a fractional wait up to the millisecond that is enough', () => {
    const limiter = new RateLimiter({ ratePerSecond: 3, burst: 1 }); // a token every 333.3 ms
    expect(limiter.take('p', T0)).toEqual(allowed);
    expect(limiter.take('p', T0)).toEqual(refused(334));
    expect(limiter.take('p', T0 + 333)).toEqual(refused(1));
    expect(limiter.take('p', T0 + 334)).toEqual(allowed);
    // The bucket was full from T0 + 333.3, so the next token comes 333.3 ms after T0 + 334.
    expect(limiter.take('p', T0 + 334)).toEqual(refused(334));
    expect(limiter.take('p', T0 + 667)).toEqual(refused(1));
    expect(limiter.take('p', T0 + 668)).toEqual(allowed);
  });

  it('always allows a burst of 1 after a full refill, at epoch times', () => {
    const limiter = new RateLimiter({ ratePerSecond: 3, burst: 1 });
    for (let i = 0; i < 1000; i += 1) {
      expect(limiter.take('p', T0 + 0.125 + i * 1000.3)).toEqual(allowed);
    }
  });

  it('keeps principals independent', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 2 });
    expect(limiter.take('a', T0)).toEqual(allowed);
    expect(limiter.take('a', T0)).toEqual(allowed);
    expect(limiter.take('a', T0)).toEqual(refused(1000));

    expect(limiter.take('b', T0)).toEqual(allowed);
    expect(limiter.take('b', T0)).toEqual(allowed);
    expect(limiter.take('b', T0)).toEqual(refused(1000));

    expect(limiter.take('a', T0 + 500)).toEqual(refused(500));
    expect(limiter.take('c', T0 + 500)).toEqual(allowed);
  });

  it('never remembers more than maxPrincipals, and still serves newcomers', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, maxPrincipals: 100 });
    let refusals = 0;
    let largest = 0;
    for (let i = 0; i < 10_000; i += 1) {
      // Every bucket taken from stays non-full for a second, so sweeps cannot make room.
      if (!limiter.take(`p${i}`, T0 + i).allowed) refusals += 1;
      largest = Math.max(largest, limiter.size);
    }
    expect(refusals).toBe(0);
    expect(largest).toBe(100);
    expect(limiter.size).toBe(100);
  });

  it('forgets idle full buckets', () => {
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 2, sweepEveryCalls: 10 });
    for (let i = 0; i < 50; i += 1) limiter.take(`idle${i}`, T0);
    expect(limiter.size).toBe(50);

    // A second later every idle bucket is full again; one busy principal's calls trigger a sweep.
    for (let i = 0; i < 60; i += 1) expect(limiter.take('busy', T0 + 1000 + i * 100)).toEqual(allowed);
    expect(limiter.size).toBe(1);
  });

  it('makes room at maxPrincipals by forgetting full buckets before busy ones', () => {
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 2, maxPrincipals: 2 });
    expect(limiter.take('idle', T0 - 200)).toEqual(allowed); // full again at T0 - 100
    expect(limiter.take('busy', T0)).toEqual(allowed);
    expect(limiter.take('busy', T0)).toEqual(allowed);
    expect(limiter.take('busy', T0)).toEqual(refused(100));

    expect(limiter.take('new', T0 + 50)).toEqual(allowed);
    expect(limiter.size).toBe(2);
    // 'busy' was kept: it has half a token, not a fresh burst.
    expect(limiter.take('busy', T0 + 50)).toEqual(refused(50));
  });

  it('does not lock a principal out when the clock goes backwards', () => {
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 1 });
    expect(limiter.take('p', T0)).toEqual(allowed);
    // An hour earlier: treated as an empty bucket, so one token's wait, not an hour's.
    expect(limiter.take('p', T0 - 3_600_000)).toEqual(refused(100));
    expect(limiter.take('p', T0 - 3_600_000 + 100)).toEqual(allowed);
  });

  it('rejects unusable options', () => {
    expect(() => new RateLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond/);
    expect(() => new RateLimiter({ ratePerSecond: Number.NaN, burst: 1 })).toThrow(/ratePerSecond/);
    expect(() => new RateLimiter({ ratePerSecond: 1, burst: 0.5 })).toThrow(/burst/);
    expect(() => new RateLimiter({ ratePerSecond: 1, burst: 1, maxPrincipals: 0 })).toThrow(/maxPrincipals/);
  });

  // Calls from a few principals at non-decreasing times, from a start time that may be large.
  const scenario = fc.record({
    ratePerSecond: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0.1, max: 50, noNaN: true })),
    burst: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.double({ min: 1, max: 8, noNaN: true })),
    sweepEveryCalls: fc.integer({ min: 1, max: 16 }),
    startMs: fc.constantFrom(0, 1234.5678, T0),
    calls: fc.array(
      fc.record({
        principal: fc.constantFrom('a', 'b', 'c'),
        deltaMs: fc.oneof(
          fc.constant(0),
          fc.integer({ min: 0, max: 400 }),
          fc.double({ min: 0, max: 400, noNaN: true }),
        ),
      }),
      { maxLength: 150 },
    ),
  });

  it('allows no principal more than burst + rate × window in any window, and honours retryAfterMs', () => {
    fc.assert(
      fc.property(scenario, ({ ratePerSecond, burst, sweepEveryCalls, startMs, calls }) => {
        // maxPrincipals equal to the principals in play: room is only ever made by sweeping.
        const limiter = new RateLimiter({ ratePerSecond, burst, sweepEveryCalls, maxPrincipals: 3 });
        const allowedAt = new Map<string, number[]>();
        const record = (principal: string, at: number): void => {
          const times = allowedAt.get(principal) ?? [];
          times.push(at);
          allowedAt.set(principal, times);
        };

        let now = startMs;
        for (const { principal, deltaMs } of calls) {
          now += deltaMs;
          const decision = limiter.take(principal, now);
          if (decision.allowed) {
            record(principal, now);
            continue;
          }
          const r = decision.retryAfterMs;
          expect(Number.isInteger(r) && r >= 1).toBe(true);
          // r is the shortest whole wait: a millisecond earlier is still too soon...
          if (r > 1) expect(limiter.take(principal, now + r - 1).allowed).toBe(false);
          // ...and the retry at now + r is allowed.
          now += r;
          expect(limiter.take(principal, now)).toEqual(allowed);
          record(principal, now);
        }

        for (const times of allowedAt.values()) {
          for (let i = 0; i < times.length; i += 1) {
            for (let j = i; j < times.length; j += 1) {
              const count = j - i + 1; // allowed calls in [times[i], times[j]]
              const windowMs = times[j]! - times[i]!;
              expect(count).toBeLessThanOrEqual(burst + (ratePerSecond * windowMs) / 1000 + 1);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('rateLimitError', () => {
  it('says how long to wait, rounded up to hundredths of a second', () => {
    const error = rateLimitError(250);
    expect(error).toBeInstanceOf(KeywardError);
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.message).toBe('rate limit exceeded for this token; retry in 0.25s');
    expect(rateLimitError(1).message).toBe('rate limit exceeded for this token; retry in 0.01s');
    expect(rateLimitError(1234).message).toBe('rate limit exceeded for this token; retry in 1.24s');
    expect(rateLimitError(2000).message).toBe('rate limit exceeded for this token; retry in 2s');
  });

  it('names the metadata entry the adapter sends', () => {
    expect(RETRY_AFTER_METADATA).toBe('retry-after-ms');
  });
});
