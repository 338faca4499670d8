// What verify() answers for each kind of bad token: Keyward's reason, the header's kid and alg, and
// the onVerify hook; against a local jwks_uri.
import fc from 'fast-check';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJwksStub, type JwksStub } from './test-support/jwks-stub.js';
import { testKey, tokenOf, type TestKey } from './test-support/keys.js';
import { TestClock } from './test-support/test-clock.js';
import type { VerifyEvent } from './hooks.js';
import { KeywardVerifier } from './verifier.js';
import { KeywardVerificationError, VERIFY_REASONS } from './verify-reasons.js';

const clock = new TestClock();
const nowSeconds = () => Math.floor(clock.now().getTime() / 1_000);
let jwks: JwksStub;
let key: TestKey;
let verifier: KeywardVerifier;
const events: VerifyEvent[] = [];

beforeAll(async () => {
  key = await testKey('k1', 'ES256');
  jwks = await startJwksStub([key.jwk], 'max-age=300');
  verifier = new KeywardVerifier({ jwksUri: jwks.url, clock: clock.now, hooks: { onVerify: (e) => events.push(e) } });
});
afterAll(async () => {
  await verifier.close();
  await jwks.close();
});

async function failure(token: string, options = {}): Promise<KeywardVerificationError> {
  const error: unknown = await verifier.verify(token, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof KeywardVerificationError))
    throw new Error(`expected a verification failure: ${String(error)}`);
  return error;
}

describe('verify', () => {
  it("returns jose's result and checks issuer, audience, typ", async () => {
    const token = await tokenOf(key, clock.now(), { claims: { iss: 'https://issuer', aud: 'payments' } });
    const result = await verifier.verify(token, { issuer: 'https://issuer', audience: 'payments', typ: 'JWT' });
    expect(result.payload).toMatchObject({ sub: 'alice', iss: 'https://issuer', aud: 'payments' });
    expect(result.protectedHeader).toMatchObject({ kid: 'k1', alg: 'ES256' });
    expect(events.at(-1)).toEqual({ ok: true, kid: 'k1', alg: 'ES256' });
  });

  it.each([
    ['ISSUER_MISMATCH', { claims: { iss: 'https://other' } }, { issuer: 'https://issuer' }],
    ['ISSUER_MISMATCH', {}, { issuer: 'https://issuer' }],
    ['AUDIENCE_MISMATCH', { claims: { aud: 'other' } }, { audience: 'payments' }],
    ['TYPE_MISMATCH', {}, { typ: 'at+jwt' }],
    ['EXPIRED', { iat: 1_000, exp: 2_000 }, {}],
    ['NOT_YET_VALID', { claims: { nbf: 4_000_000_000 } }, {}],
  ] as const)('%s', async (reason, tokenOptions, verifyOptions) => {
    const error = await failure(await tokenOf(key, clock.now(), tokenOptions), verifyOptions);
    expect(error).toMatchObject({ reason, kid: 'k1', alg: 'ES256' });
    expect(events.at(-1)).toEqual({ ok: false, reason, kid: 'k1', alg: 'ES256' });
  });

  it('allows clockTolerance', async () => {
    const token = await tokenOf(key, clock.now(), { exp: nowSeconds() - 20 });
    expect((await failure(token)).reason).toBe('EXPIRED');
    await expect(verifier.verify(token, { clockTolerance: 30 })).resolves.toBeDefined();
  });

  it('BAD_SIGNATURE for a changed payload or another key under the same kid', async () => {
    const [header, , signature] = (await tokenOf(key, clock.now())).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'mallory', exp: nowSeconds() + 60 })).toString('base64url');
    expect(await failure(`${header}.${forged}.${signature}`)).toMatchObject({ reason: 'BAD_SIGNATURE', kid: 'k1' });
    const impostor = await testKey('k1', 'ES256');
    expect((await failure(await tokenOf(impostor, clock.now()))).reason).toBe('BAD_SIGNATURE');
  });

  it('MALFORMED for what is not a JWS with kid and alg', async () => {
    for (const token of ['', 'abc', 'a.b.c', 'e30.e30.']) {
      expect((await failure(token)).reason).toBe('MALFORMED');
    }
    const noKid = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256' }).sign(key.privateKey);
    expect(await failure(noKid)).toMatchObject({ reason: 'MALFORMED', alg: 'ES256', kid: undefined });
    const badExp = await new SignJWT({ sub: 'x', exp: 'soon' as unknown as number })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(key.privateKey);
    expect((await failure(badExp)).reason).toBe('MALFORMED');
  });

  it('UNSUPPORTED_ALG for none, HS256 and anything Keyward does not issue', async () => {
    const none = new UnsecuredJWT({ sub: 'x' }).encode();
    expect((await failure(none)).reason).toBe('UNSUPPORTED_ALG');
    const hs = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'));
    expect(await failure(hs)).toMatchObject({ reason: 'UNSUPPORTED_ALG', kid: 'k1', alg: 'HS256' });
  });

  it('a narrower algorithms option refuses the rest', async () => {
    const rsOnly = new KeywardVerifier({ jwksUri: jwks.url, clock: clock.now, algorithms: ['RS256'] });
    const error: unknown = await rsOnly.verify(await tokenOf(key, clock.now())).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'UNSUPPORTED_ALG' });
  });

  it('answers any input with a result or a KeywardVerificationError naming a reason, never another error', async () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = fc.record(
      {
        alg: fc.oneof(fc.constantFrom('ES256', 'RS256', 'HS256', 'none', 'EdDSA'), fc.string()),
        kid: fc.oneof(fc.constant('k1'), fc.string()),
        typ: fc.string(),
      },
      { requiredKeys: [] },
    );
    const token = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .tuple(fc.oneof(header, fc.jsonValue()), fc.jsonValue(), fc.base64String())
        .map(([h, p, sig]) => `${b64(h)}.${b64(p)}.${sig}`),
    );
    await fc.assert(
      fc.asyncProperty(token, async (input) => {
        const error: unknown = await verifier.verify(input).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (error === undefined) return;
        expect(error).toBeInstanceOf(KeywardVerificationError);
        expect(VERIFY_REASONS).toContain((error as KeywardVerificationError).reason);
      }),
      { numRuns: 300 },
    );
  });

  it('goes on verifying when a hook throws', async () => {
    const loud = new KeywardVerifier({
      jwksUri: jwks.url,
      clock: clock.now,
      hooks: {
        onFetch: () => {
          throw new Error('metrics backend down');
        },
        onVerify: () => {
          throw new Error('metrics backend down');
        },
      },
    });
    await expect(loud.verify(await tokenOf(key, clock.now()))).resolves.toBeDefined();
    await expect(loud.verify('garbage')).rejects.toMatchObject({ reason: 'MALFORMED' });
  });
});
