// The JWKS cache through the verifier's public API, against a local jwks_uri the tests control and a
// clock they move: Cache-Control and ETag, single-flight, the unknown-kid budget, stale-if-error.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startJwksStub, type JwksStub } from './test-support/jwks-stub.js';
import { testKey, tokenOf, type TestKey } from './test-support/keys.js';
import { TestClock } from './test-support/test-clock.js';
import type { FetchEvent } from './jwks-cache.js';
import { KeywardVerifier, type KeywardVerifierOptions } from './verifier.js';
import { JwksUnavailableError, KeywardVerificationError } from './verify-reasons.js';

const KEYWARD_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400';

let clock: TestClock;
let jwks: JwksStub;
let first: TestKey;
let fetches: FetchEvent[];

beforeEach(async () => {
  clock = new TestClock();
  first = await testKey('k1');
  jwks = await startJwksStub([first.jwk], KEYWARD_CACHE_CONTROL);
  fetches = [];
});
afterEach(async () => {
  await jwks.close();
});

function verifier(options: Partial<KeywardVerifierOptions> = {}): KeywardVerifier {
  return new KeywardVerifier({
    jwksUri: jwks.url,
    clock: clock.now,
    hooks: { onFetch: (event) => fetches.push(event) },
    ...options,
  });
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof KeywardVerificationError))
    throw new Error(`expected a verification failure, got ${String(error)}`);
  return error.reason;
}

describe('Cache-Control and ETag', () => {
  it('reuses the JWKS for max-age, refreshes in the background within stale-while-revalidate, revalidates with If-None-Match', async () => {
    const v = verifier();
    await expect(v.verify(await tokenOf(first, clock.now()))).resolves.toMatchObject({ payload: { sub: 'alice' } });
    clock.advance(299);
    await v.verify(await tokenOf(first, clock.now()));
    expect(jwks.stub.requests).toHaveLength(1);
    expect(jwks.stub.requests[0]!.headers['if-none-match']).toBeUndefined();

    // Stale but within stale-while-revalidate: answered from the copy, refreshed behind it.
    clock.advance(30);
    jwks.stub.hold();
    await expect(v.verify(await tokenOf(first, clock.now()))).resolves.toBeDefined();
    await jwks.stub.requestCount(2);
    jwks.stub.release();
    await v.settled();
    expect(jwks.stub.requests[1]!.headers['if-none-match']).toMatch(/^"/);
    expect(fetches.map((f) => [f.trigger, f.outcome])).toEqual([
      ['initial', 'updated'],
      ['background', 'not-modified'],
    ]);

    // The 304 renewed the copy: max-age counts from it.
    clock.advance(299);
    await v.verify(await tokenOf(first, clock.now()));
    expect(jwks.stub.requests).toHaveLength(2);
  });

  it('past stale-while-revalidate, waits for a refetch and uses the new set', async () => {
    const v = verifier();
    await v.verify(await tokenOf(first, clock.now()));
    const second = await testKey('k2');
    jwks.keys = [second.jwk];
    clock.advance(361);
    await expect(v.verify(await tokenOf(second, clock.now()))).resolves.toBeDefined();
    expect(fetches.map((f) => [f.trigger, f.outcome])).toEqual([
      ['initial', 'updated'],
      ['expired', 'updated'],
    ]);
    expect(await reasonOf(v.verify(await tokenOf(first, clock.now())))).toBe('UNKNOWN_KID');
  });

  it('keeps the cached set on a 304 and takes the new lifetime from it', async () => {
    const v = verifier();
    await v.verify(await tokenOf(first, clock.now()));
    jwks.cacheControl = 'max-age=1000';
    clock.advance(400);
    await v.verify(await tokenOf(first, clock.now()));
    expect(jwks.counts).toEqual({ full: 1, notModified: 1, failed: 0 });
    clock.advance(999);
    await v.verify(await tokenOf(first, clock.now()));
    expect(jwks.stub.requests).toHaveLength(2);
  });

  it('takes max-age no shorter than minMaxAgeSeconds, also for no-store', async () => {
    jwks.cacheControl = 'no-store';
    const v = verifier({ minMaxAgeSeconds: 30 });
    await v.verify(await tokenOf(first, clock.now()));
    clock.advance(29);
    await v.verify(await tokenOf(first, clock.now()));
    expect(jwks.stub.requests).toHaveLength(1);
    clock.advance(1);
    await v.verify(await tokenOf(first, clock.now()));
    expect(jwks.stub.requests).toHaveLength(2);
  });
});

describe('single flight', () => {
  it('makes one request for 100 concurrent first verifications', async () => {
    const v = verifier();
    const token = await tokenOf(first, clock.now());
    const results = await Promise.all(Array.from({ length: 100 }, () => v.verify(token)));
    expect(results).toHaveLength(100);
    expect(jwks.stub.requests).toHaveLength(1);
  });

  it('makes one request for 100 concurrent verifications of a kid the copy lacks, and all verify', async () => {
    const v = verifier();
    await v.verify(await tokenOf(first, clock.now()));
    const second = await testKey('k2');
    jwks.keys = [first.jwk, second.jwk];
    clock.advance(10);
    const token = await tokenOf(second, clock.now());
    jwks.stub.hold();
    const all = Promise.all(Array.from({ length: 100 }, () => v.verify(token)));
    await jwks.stub.requestCount(2);
    jwks.stub.release();
    expect(await all).toHaveLength(100);
    expect(jwks.stub.requests).toHaveLength(2);
    expect(fetches.map((f) => f.trigger)).toEqual(['initial', 'unknown-kid']);
  });
});

describe('unknown kids', () => {
  it('spends at most one refetch per interval on a flood of random kids; known kids keep verifying, a new real kid gets in', async () => {
    const v = verifier({ unknownKidRefetchIntervalSeconds: 10 });
    const known = await tokenOf(first, clock.now());
    await v.verify(known);
    const forger = await testKey('forger');
    const flood = async () => reasonOf(v.verify(await tokenOf({ ...forger, kid: randomUUID() }, clock.now())));

    // 60 seconds of a flood, 50 random kids a second.
    const reasons = new Set<string>();
    for (let second = 0; second < 60; second += 1) {
      for (const reason of await Promise.all(Array.from({ length: 50 }, flood))) reasons.add(reason);
      await v.verify(known);
      clock.advance(1);
    }
    expect([...reasons]).toEqual(['UNKNOWN_KID']);
    // One initial fetch, then one every 10 s at most (all 304s: the set did not change).
    expect(jwks.stub.requests.length).toBeLessThanOrEqual(1 + 6);
    expect(jwks.counts.full).toBe(1);

    // A real new kid: within one interval of the last flood refetch, its first token brings it in.
    const second = await testKey('k2');
    jwks.keys = [first.jwk, second.jwk];
    clock.advance(10);
    await expect(v.verify(await tokenOf(second, clock.now()))).resolves.toBeDefined();
  });

  it('does not refetch for an unknown kid within the interval after any fetch', async () => {
    const v = verifier({ unknownKidRefetchIntervalSeconds: 10 });
    await v.verify(await tokenOf(first, clock.now()));
    const second = await testKey('k2');
    jwks.keys = [first.jwk, second.jwk];
    clock.advance(9);
    expect(await reasonOf(v.verify(await tokenOf(second, clock.now())))).toBe('UNKNOWN_KID');
    expect(jwks.stub.requests).toHaveLength(1);
    clock.advance(1);
    await expect(v.verify(await tokenOf(second, clock.now()))).resolves.toBeDefined();
    expect(fetches.map((f) => [f.trigger, f.outcome])).toEqual([
      ['initial', 'updated'],
      ['unknown-kid', 'updated'],
    ]);
  });

  it('remembers a kid a fresh set lacked: naming it again fails without a request, until the memory ends', async () => {
    const v = verifier({ unknownKidRefetchIntervalSeconds: 0, unknownKidMemorySeconds: 60 });
    // (No refetch budget here: this is about the memory alone.)
    await v.verify(await tokenOf(first, clock.now()));
    const stranger = await testKey('stranger');
    const token = await tokenOf(stranger, clock.now(), { exp: Math.floor(clock.now().getTime() / 1000) + 7_200 });
    expect(await reasonOf(v.verify(token))).toBe('UNKNOWN_KID');
    expect(jwks.stub.requests).toHaveLength(2);
    clock.advance(59);
    expect(await reasonOf(v.verify(token))).toBe('UNKNOWN_KID');
    expect(jwks.stub.requests).toHaveLength(2);
    clock.advance(1);
    jwks.keys = [first.jwk, stranger.jwk];
    await expect(v.verify(token)).resolves.toBeDefined();
    expect(jwks.stub.requests).toHaveLength(3);
  });
});

describe('jwks_uri outage', () => {
  it('serves the last good set within stale-if-error (capped), without a request per token, then fails', async () => {
    jwks.cacheControl = 'max-age=300, stale-if-error=86400';
    const v = verifier({ maxStaleIfErrorSeconds: 600, fetchRetrySeconds: 5 });
    await v.verify(await tokenOf(first, clock.now()));
    jwks.down = true;

    clock.advance(301);
    await expect(v.verify(await tokenOf(first, clock.now()))).resolves.toBeDefined();
    expect(jwks.counts.failed).toBe(1);
    // Within the retry interval: no new request, still served.
    for (let i = 0; i < 20; i += 1) await v.verify(await tokenOf(first, clock.now()));
    expect(jwks.counts.failed).toBe(1);
    clock.advance(5);
    await v.verify(await tokenOf(first, clock.now()));
    expect(jwks.counts.failed).toBe(2);

    // max-age + the capped stale-if-error (600, not the 86400 the response allows): no copy left.
    clock.advance(300 + 600 - 306 - 1);
    await expect(v.verify(await tokenOf(first, clock.now()))).resolves.toBeDefined();
    clock.advance(1);
    await expect(v.verify(await tokenOf(first, clock.now()))).rejects.toBeInstanceOf(JwksUnavailableError);

    jwks.down = false;
    clock.advance(5);
    await expect(v.verify(await tokenOf(first, clock.now()))).resolves.toBeDefined();
    expect(fetches.at(-1)).toMatchObject({ trigger: 'expired', outcome: 'not-modified' });
  });

  it('fails with JwksUnavailableError when the first fetch fails, and tries again after fetchRetrySeconds', async () => {
    jwks.down = true;
    const v = verifier({ fetchRetrySeconds: 5 });
    const token = await tokenOf(first, clock.now());
    await expect(v.verify(token)).rejects.toBeInstanceOf(JwksUnavailableError);
    await expect(v.verify(token)).rejects.toThrow(/HTTP 503/);
    expect(jwks.stub.requests).toHaveLength(1);
    jwks.down = false;
    clock.advance(5);
    await expect(v.verify(token)).resolves.toBeDefined();
  });
});

describe('which keys verify', () => {
  it('ignores use:enc keys', async () => {
    const enc = await testKey('k-enc', 'ES256', { use: 'enc' });
    jwks.keys = [first.jwk, enc.jwk];
    const v = verifier({ unknownKidRefetchIntervalSeconds: 0 });
    expect(await reasonOf(v.verify(await tokenOf(enc, clock.now())))).toBe('UNKNOWN_KID');
  });

  it('uses a key without use', async () => {
    const { use: _use, ...bare } = first.jwk;
    jwks.keys = [bare];
    await expect(verifier().verify(await tokenOf(first, clock.now()))).resolves.toBeDefined();
  });

  it('refuses an algorithm other than the one the JWKS declares for the kid', async () => {
    // The key is an ES256 key published for ES384 only.
    jwks.keys = [{ ...first.jwk, alg: 'ES384' }];
    const v = verifier();
    expect(await reasonOf(v.verify(await tokenOf(first, clock.now())))).toBe('ALG_MISMATCH');
    // An RSA token naming an EC kid.
    const rsa = await testKey('k1', 'RS256');
    jwks.keys = [first.jwk];
    const fresh = verifier();
    expect(await reasonOf(fresh.verify(await tokenOf(rsa, clock.now())))).toBe('ALG_MISMATCH');
  });
});
