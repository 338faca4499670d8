// @vitest-environment node
import { createPublicKey, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { calculateJwkThumbprint, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { ALGORITHMS, ALGORITHM_SPECS, resolveKeyParams, type Algorithm } from './algorithms.js';
import { jwkThumbprint, publicJwk, type PublicJwk } from './jwk.js';
import { generateKeyPair } from './keygen.js';

// RFC 7638 §3.1.
const RFC7638_JWK: PublicJwk = {
  kty: 'RSA',
  n:
    '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP' +
    'ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY' +
    '368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f' +
    'M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};
const RFC7638_THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const keys = new Map<Algorithm, KeyObject>();
beforeAll(async () => {
  await Promise.all(ALGORITHMS.map(async (alg) => keys.set(alg, await generateKeyPair(resolveKeyParams(alg)))));
});
function keyFor(alg: Algorithm): KeyObject {
  const key = keys.get(alg);
  if (key === undefined) throw new Error(`no key for ${alg}`);
  return key;
}

function expectedMembers(alg: Algorithm): string[] {
  const spec = ALGORITHM_SPECS[alg];
  if (spec.family === 'EC') return ['kty', 'crv', 'x', 'y'];
  if (spec.family === 'OKP') return ['kty', 'crv', 'x'];
  return ['kty', 'n', 'e'];
}

describe('jwkThumbprint', () => {
  it('matches the RFC 7638 §3.1 example', () => {
    expect(jwkThumbprint(RFC7638_JWK)).toBe(RFC7638_THUMBPRINT);
  });

  it('ignores non-required members', () => {
    const { kid: _kid, alg: _alg, ...bare } = RFC7638_JWK;
    expect(jwkThumbprint(bare)).toBe(RFC7638_THUMBPRINT);
    expect(jwkThumbprint({ ...RFC7638_JWK, use: 'sig', kid: 'other' })).toBe(RFC7638_THUMBPRINT);
  });

  it('changes when a required member changes', () => {
    expect(jwkThumbprint({ ...RFC7638_JWK, e: 'AQAC' })).not.toBe(RFC7638_THUMBPRINT);
  });

  it.each(ALGORITHMS)('%s: agrees with jose calculateJwkThumbprint', async (alg) => {
    const jwk = publicJwk(keyFor(alg));
    const ours = jwkThumbprint(jwk);
    expect(ours).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ours).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
  });

  it('rejects a JWK without its required members or with an unknown kty', () => {
    for (const bad of [
      { kty: 'RSA', n: 'abc' },
      { kty: 'EC', crv: 'P-256', x: 'abc' },
      { kty: 'OKP', x: 'abc' },
      { kty: 'RSA', n: '', e: 'AQAB' },
      { kty: 'oct', k: 'abc' },
    ]) {
      let err: unknown;
      try {
        jwkThumbprint(bad as PublicJwk);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KeywardError);
      expect((err as KeywardError).code).toBe('INVALID_ARGUMENT');
      expect((err as KeywardError).message).toMatch(/^jwk: /);
    }
  });

  it('is stable under member reordering (property)', () => {
    const jwks: PublicJwk[] = [RFC7638_JWK, ...ALGORITHMS.map((alg) => publicJwk(keyFor(alg)))];
    const arb = fc.constantFrom(...jwks).chain((jwk) => {
      const entries = Object.entries(jwk);
      return fc.tuple(
        fc.constant(jwk),
        fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }),
      );
    });
    fc.assert(
      fc.property(arb, ([jwk, shuffled]) => {
        const reordered = Object.fromEntries(shuffled) as PublicJwk;
        expect(jwkThumbprint(reordered)).toBe(jwkThumbprint(jwk));
      }),
      { numRuns: 200 },
    );
  });
});

describe('publicJwk', () => {
  it.each(ALGORITHMS)('%s: exports only public members, in a fixed order', async (alg) => {
    const jwk = publicJwk(keyFor(alg));
    expect(Object.keys(jwk)).toEqual(expectedMembers(alg));
    for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
    for (const value of Object.values(jwk)) expect(typeof value).toBe('string');
    // And it really is the public half of this key.
    const imported = await importJWK(jwk, alg);
    expect((imported as { type: string }).type).toBe('public');
  });

  it.each(ALGORITHMS)('%s: same result from the private or the public KeyObject', (alg) => {
    const key = keyFor(alg);
    const fromPublic = publicJwk(createPublicKey(key));
    expect(fromPublic).toStrictEqual(publicJwk(key));
    const nodeJwk = createPublicKey(key).export({ format: 'jwk' });
    for (const member of expectedMembers(alg)) {
      expect((fromPublic as Record<string, unknown>)[member]).toBe(nodeJwk[member as keyof typeof nodeJwk]);
    }
  });

  it('carries the right curve and modulus', () => {
    expect(publicJwk(keyFor('ES384')).crv).toBe('P-384');
    expect(publicJwk(keyFor('ES512')).crv).toBe('P-521');
    expect(publicJwk(keyFor('EdDSA'))).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    const rsa = publicJwk(keyFor('RS256'));
    expect(rsa.e).toBe('AQAB');
    expect(Buffer.from(rsa.n ?? '', 'base64url').length).toBe(256);
  });

  it('refuses a secret key', () => {
    expect(() => publicJwk(createSecretKey(randomBytes(32)))).toThrow(KeywardError);
  });
});
