// @vitest-environment node
// The verifier SDK (@keyward/verifier, as a relying party installs it) against the real service:
// tokens from the Sign RPC, the JWKS from the real gateway through a TCP proxy the test can cut,
// on a fake clock shared by the service and the SDK. Through a scheduled and an immediate rotation
// it keeps verifying, a revoked key's tokens stop verifying, and an outage of the jwks_uri is ridden
// out on the last good set; every JWKS request it makes is counted.
import { RotationMode } from '@keyward/proto/keyward/v1';
import { JwksUnavailableError, KeywardVerifier, type FetchEvent } from '@keyward/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, jwksUrl, policy } from './support/lifecycle-helpers.js';
import { useTestKeyward } from './support/keyward.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const KEY_SET = 'payments';
const MAX_AGE = 300; // the gateway adds stale-while-revalidate=60, stale-if-error=86400
const STALE_IF_ERROR_CAP = 1_800;
const PRE_PUBLISH = 600;

const clock = new FakeClock('2030-01-01T00:00:00Z');
const kw = useTestKeyward({ clock: clock.now, jwksMaxAgeSeconds: MAX_AGE });
let proxy: TcpProxy;
let verifier: KeywardVerifier;
const fetches: FetchEvent[] = [];
const fetchLog = () => fetches.map((f) => `${f.trigger}:${f.outcome}`);

beforeAll(async () => {
  proxy = await startTcpProxy('127.0.0.1', kw.running.httpPort);
  verifier = new KeywardVerifier({
    jwksUri: jwksUrl(`http://127.0.0.1:${proxy.port}`, KEY_SET),
    clock: clock.now,
    maxStaleIfErrorSeconds: STALE_IF_ERROR_CAP,
    hooks: { onFetch: (event) => fetches.push(event) },
  });
  await kw.rpc.createKeySet({
    keySet: KEY_SET,
    algorithm: 'ES256',
    kidScheme: 0,
    policy: policy({
      prePublish: PRE_PUBLISH,
      rotation: 3_600,
      grace: 7_200,
      retention: 3_600,
      maxTokenTtl: 3_600,
      autoRotate: false,
    }),
  });
});
afterAll(async () => {
  await verifier.close();
  await proxy.close();
});

async function sign(sub: string): Promise<{ jws: string; kid: string }> {
  return kw.rpc.sign({ keySet: KEY_SET, claimsJson: JSON.stringify({ sub }) });
}

async function verifiedSub(jws: string): Promise<unknown> {
  return (await verifier.verify(jws)).payload.sub;
}

// One story in order: each step starts from the state the one before left.
describe('the verifier SDK against the real service', () => {
  let first: { jws: string; kid: string };
  let scheduled: { jws: string; kid: string };
  let immediate: { jws: string; kid: string };

  it('verifies a signed token with one fetch, and reuses the JWKS for max-age', async () => {
    first = await sign('first');
    expect(await verifiedSub(first.jws)).toBe('first');
    clock.advance(MAX_AGE - 1);
    expect(await verifiedSub(first.jws)).toBe('first');
    expect(fetchLog()).toEqual(['initial:updated']);
  });

  it('through a scheduled rotation: picks up the pre-published key before it signs, with no unknown-kid fetch', async () => {
    const rotated = await kw.rpc.rotate({
      keySet: KEY_SET,
      reason: 'quarterly',
      mode: RotationMode.ROTATION_MODE_SCHEDULED,
    });
    const pendingKid = rotated.newKey!.kid;
    // Within stale-while-revalidate: answered from the copy, refreshed behind it (the set changed).
    clock.advance(30);
    expect(await verifiedSub(first.jws)).toBe('first');
    await verifier.settled();
    expect(fetchLog()).toEqual(['initial:updated', 'background:updated']);

    clock.advance(PRE_PUBLISH);
    await kw.running.scheduler.tick();
    scheduled = await sign('scheduled');
    expect(scheduled.kid).toBe(pendingKid);
    expect(await verifiedSub(scheduled.jws)).toBe('scheduled');
    expect(await verifiedSub(first.jws)).toBe('first'); // retired, still published through the grace period
    expect(fetchLog().filter((f) => f.startsWith('unknown-kid'))).toEqual([]);
  });

  it('through an immediate rotation: one refetch for the new kid, then it verifies', async () => {
    clock.advance(20);
    const rotated = await kw.rpc.rotate({
      keySet: KEY_SET,
      reason: 'leak',
      mode: RotationMode.ROTATION_MODE_IMMEDIATE,
    });
    immediate = await sign('immediate');
    expect(immediate.kid).toBe(rotated.newKey!.kid);
    const before = fetches.length;
    const results = await Promise.all(Array.from({ length: 50 }, () => verifiedSub(immediate.jws)));
    expect(new Set(results)).toEqual(new Set(['immediate']));
    expect(fetchLog().slice(before)).toEqual(['unknown-kid:updated']);
    expect(await verifiedSub(scheduled.jws)).toBe('scheduled');
  });

  it("after RevokeKey, the revoked key's tokens fail once the copy is refreshed", async () => {
    const revoked = await kw.rpc.revokeKey({ kid: scheduled.kid, reason: 'compromised' });
    expect(revoked.revokedKey!.kid).toBe(scheduled.kid);
    clock.advance(MAX_AGE + 61);
    const error: unknown = await verifier.verify(scheduled.jws).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'KeywardVerificationError', reason: 'UNKNOWN_KID', kid: scheduled.kid });
    expect(fetchLog().at(-1)).toBe('expired:updated');
    // The refreshed set still verifies the signer's tokens, without another request.
    const count = fetches.length;
    expect(await verifiedSub(immediate.jws)).toBe('immediate');
    expect(fetches.length).toBe(count);
  });

  it('during a jwks_uri outage, keeps verifying from the last good set within the capped stale-if-error, then fails; recovers after', async () => {
    const lastGoodAt = clock.now();
    await proxy.cut();
    clock.advance(MAX_AGE + 61);
    expect(await verifiedSub(immediate.jws)).toBe('immediate');
    expect(fetchLog().at(-1)).toBe('expired:failed');

    // Many verifications, few requests: one per fetchRetrySeconds (5) at most.
    const failedBefore = fetches.filter((f) => f.outcome === 'failed').length;
    for (let i = 0; i < 60; i += 1) {
      expect(await verifiedSub(immediate.jws)).toBe('immediate');
      clock.advance(1);
    }
    const failedDuring = fetches.filter((f) => f.outcome === 'failed').length - failedBefore;
    expect(failedDuring).toBeGreaterThanOrEqual(1);
    expect(failedDuring).toBeLessThanOrEqual(12);

    // The copy was last renewed at lastGoodAt: past max-age + the cap, it is gone.
    clock.set(new Date(lastGoodAt.getTime() + (MAX_AGE + STALE_IF_ERROR_CAP - 1) * 1_000));
    expect(await verifiedSub(immediate.jws)).toBe('immediate');
    clock.advance(6);
    await expect(verifier.verify(immediate.jws)).rejects.toBeInstanceOf(JwksUnavailableError);

    await proxy.restore();
    clock.advance(5);
    expect(await verifiedSub(immediate.jws)).toBe('immediate');
    expect(fetchLog().at(-1)).toBe('expired:not-modified');
  });

  it('made no more JWKS requests than the story needed', () => {
    const successes = fetchLog().filter((f) => !f.endsWith(':failed'));
    expect(successes).toEqual([
      'initial:updated',
      'background:updated', // the pre-published key, within stale-while-revalidate
      'expired:updated', // the copy aged out while the pre-publish period ran
      'unknown-kid:updated', // the immediate rotation's key
      'expired:updated', // the revoked key gone
      'expired:not-modified', // after the outage
    ]);
    // During the outage (about 1 900 s on the clock, 60 verifications, then 2): a request per 5 s at most.
    expect(fetchLog().filter((f) => f.endsWith(':failed')).length).toBeLessThanOrEqual(15);
  });
});
