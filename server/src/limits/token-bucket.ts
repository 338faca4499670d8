// Per-principal rate limiting for the gRPC API. take() runs on every request, so it does a map
// lookup and a store, and allocates only when it refuses.
//
// Each bucket is kept as a single number, its "theoretical arrival time" (GCRA): the time at which
// the bucket will be full again. That is exactly a token bucket refilling continuously at
// ratePerSecond up to burst — tokens(now) = burst - max(0, fullAt - now) / msPerToken — without a
// per-principal object or a token count to refill on each call.

import { KeywardError } from '../errors.js';

/** The gRPC metadata entry carrying a refusal's retryAfterMs. */
export const RETRY_AFTER_METADATA = 'retry-after-ms';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiterOptions {
  /** Tokens added per second, continuously. */
  ratePerSecond: number;
  /** Bucket size: the most calls a principal can make at once after being idle. At least 1. */
  burst: number;
  /** The most principals remembered at once. */
  maxPrincipals?: number;
  /** A sweep for full buckets runs after this many calls (or as many as there are buckets, if more). */
  sweepEveryCalls?: number;
}

const DEFAULT_MAX_PRINCIPALS = 100_000;
const DEFAULT_SWEEP_EVERY_CALLS = 4096;
/**
 * When maxPrincipals is reached, a sweep may run early only once this many calls per remembered
 * bucket have passed since the last one: a crowd of busy principals must not make every call O(n).
 */
const EARLY_SWEEP_COST = 16;

// Shared: an allowed call, the common case, allocates nothing.
const ALLOWED: RateDecision = Object.freeze({ allowed: true });

export class RateLimiter {
  /** principalId → the time (ms) its bucket is full again; at or before now means full. */
  readonly #fullAt = new Map<string, number>();
  readonly #msPerToken: number;
  /** How far ahead of now fullAt may be and still leave one token: (burst - 1) tokens' worth. */
  readonly #toleranceMs: number;
  readonly #maxPrincipals: number;
  readonly #sweepEveryCalls: number;
  #callsSinceSweep = 0;

  constructor(options: RateLimiterOptions) {
    const { ratePerSecond, burst } = options;
    const maxPrincipals = options.maxPrincipals ?? DEFAULT_MAX_PRINCIPALS;
    const sweepEveryCalls = options.sweepEveryCalls ?? DEFAULT_SWEEP_EVERY_CALLS;
    if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0)) {
      throw new KeywardError('INTERNAL', `RateLimiter: ratePerSecond must be a positive number, got ${ratePerSecond}`);
    }
    if (!(Number.isFinite(burst) && burst >= 1)) {
      throw new KeywardError('INTERNAL', `RateLimiter: burst must be at least 1, got ${burst}`);
    }
    if (!(Number.isSafeInteger(maxPrincipals) && maxPrincipals >= 1)) {
      throw new KeywardError('INTERNAL', `RateLimiter: maxPrincipals must be a positive integer, got ${maxPrincipals}`);
    }
    if (!(Number.isSafeInteger(sweepEveryCalls) && sweepEveryCalls >= 1)) {
      throw new KeywardError(
        'INTERNAL',
        `RateLimiter: sweepEveryCalls must be a positive integer, got ${sweepEveryCalls}`,
      );
    }
    this.#msPerToken = 1000 / ratePerSecond;
    this.#toleranceMs = (burst - 1) * this.#msPerToken;
    this.#maxPrincipals = maxPrincipals;
    this.#sweepEveryCalls = sweepEveryCalls;
  }

  /** Principals remembered now; never more than maxPrincipals. */
  get size(): number {
    return this.#fullAt.size;
  }

  /**
   * Spends one of `principalId`'s tokens, or says how long until one is available.
   * `nowMs` should come from a monotonic clock (performance.now()); time going backwards only
   * makes the limiter stricter, by at most one empty bucket's refill time.
   */
  take(principalId: string, nowMs: number): RateDecision {
    const buckets = this.#fullAt;
    this.#callsSinceSweep += 1;
    // Amortised O(1): a sweep visits every bucket, so it waits for at least as many calls.
    if (this.#callsSinceSweep >= this.#sweepEveryCalls && this.#callsSinceSweep >= buckets.size) {
      this.sweep(nowMs);
    }

    let fullAt = buckets.get(principalId);
    if (fullAt === undefined) {
      if (buckets.size >= this.#maxPrincipals) this.#makeRoom(nowMs);
      fullAt = nowMs; // a new principal starts with a full bucket
    }
    const start = fullAt > nowMs ? fullAt : nowMs;
    // Compared as a difference, not as `start + msPerToken - now <= burst * msPerToken`: with
    // large epoch times that rounds, and could refuse a full bucket when burst is 1.
    if (start - nowMs <= this.#toleranceMs) {
      buckets.set(principalId, start + this.#msPerToken);
      return ALLOWED;
    }
    return { allowed: false, retryAfterMs: this.#retryAfter(principalId, fullAt, nowMs) };
  }

  /** Forgets every full bucket: a new bucket is full, so this changes no decision. */
  sweep(nowMs: number): void {
    this.#callsSinceSweep = 0;
    for (const [principalId, fullAt] of this.#fullAt) {
      if (fullAt <= nowMs) this.#fullAt.delete(principalId); // deleting while iterating is safe
    }
  }

  /**
   * Frees one entry for a new principal. If no bucket is full, the longest-remembered principal
   * is forgotten and gets a fresh burst: a bounded leak that needs maxPrincipals busy principals
   * at once, where refusing newcomers would let those principals lock everyone else out.
   */
  #makeRoom(nowMs: number): void {
    const buckets = this.#fullAt;
    if (this.#callsSinceSweep * EARLY_SWEEP_COST >= buckets.size) this.sweep(nowMs);
    if (buckets.size < this.#maxPrincipals) return;
    const oldest = buckets.keys().next();
    if (oldest.done !== true) buckets.delete(oldest.value);
  }

  /** The whole milliseconds until take() would allow this principal (refusal path only). */
  #retryAfter(principalId: string, fullAt: number, nowMs: number): number {
    const tolerance = this.#toleranceMs;
    // Under a monotonic clock fullAt is never more than one empty bucket ahead of now; if the
    // clock went back, treat the bucket as empty now rather than locking the principal out.
    const limit = nowMs + tolerance + this.#msPerToken;
    if (fullAt > limit) {
      fullAt = limit;
      this.#fullAt.set(principalId, fullAt);
    }
    // Allowed at time t when fullAt - t <= tolerance. Pin the rounded estimate to the first whole
    // millisecond that passes that very test, so a retry at now + r is allowed and now + r - 1 is not.
    let r = Math.max(1, Math.ceil(fullAt - tolerance - nowMs));
    while (fullAt - (nowMs + r) > tolerance) r += 1;
    while (r > 1 && fullAt - (nowMs + r - 1) <= tolerance) r -= 1;
    return r;
  }
}

/** The error a refused call fails with; the adapter also sends retryAfterMs as RETRY_AFTER_METADATA. */
export function rateLimitError(retryAfterMs: number): KeywardError {
  // Rounded up to hundredths, so waiting the time shown is always enough.
  const seconds = Math.ceil(Math.max(0, retryAfterMs) / 10) / 100;
  return new KeywardError('RESOURCE_EXHAUSTED', `rate limit exceeded for this token; retry in ${seconds}s`, {
    retryAfterMs: Math.ceil(Math.max(0, retryAfterMs)),
  });
}
