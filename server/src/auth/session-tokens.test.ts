import fc from 'fast-check';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../crypto/keygen.js';
import { publicJwk } from '../crypto/jwk.js';
import { createSigner, type Signer } from '../crypto/signer.js';
import { FRESH_KEY_LIFECYCLE, type KeyRecord } from '../model/key.js';
import { buildJwks } from '../publication/jwks.js';
import { SESSION_ISSUER, SessionTokenVerifier, type PublishedJwks } from './session-tokens.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const CLAIMS = { iss: SESSION_ISSUER, sub: 'user-1', sid: 'session-1', exp: NOW_S + 3600 };

interface SigningKey {
  readonly privateKey: KeyObject;
  readonly signer: Signer;
  readonly record: KeyRecord;
}

async function signingKey(kid: string, keySetId: string): Promise<SigningKey> {
  const privateKey = await generateKeyPair({ alg: 'ES256' });
  const record: KeyRecord = {
    id: kid,
    keySetId,
    kid,
    alg: 'ES256',
    use: 'sig',
    state: 'ACTIVE',
    publicJwk: publicJwk(privateKey),
    createdAt: new Date(0),
    ...FRESH_KEY_LIFECYCLE,
    sealed: null,
  };
  return { privateKey, signer: createSigner('ES256', kid, privateKey), record };
}

/** Signed the way Keyward signs a session: by the key set's signer, typ JWT. */
function signed(key: SigningKey, claims: object): Promise<string> {
  return key.signer.sign(Buffer.from(JSON.stringify(claims)), 'JWT');
}

function bytesOf(token: string): string {
  return token
    .split('.')
    .map((segment) => Buffer.from(segment, 'base64url').toString('hex'))
    .join('.');
}

function part(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('SessionTokenVerifier', () => {
  let internal: SigningKey;
  let otherKeySet: SigningKey;
  let jwks: PublishedJwks;
  let verifier: SessionTokenVerifier;
  let valid: string;

  beforeAll(async () => {
    internal = await signingKey('internal-1', 'keyward-internal');
    otherKeySet = await signingKey('payments-1', 'payments');
    jwks = buildJwks([internal.record]);
    verifier = new SessionTokenVerifier(() => jwks);
    valid = await signed(internal, CLAIMS);
  });

  it('accepts a session token signed by a published key of the internal key set', async () => {
    await expect(verifier.verify(valid, NOW)).resolves.toEqual({ sid: 'session-1', sub: 'user-1', exp: CLAIMS.exp });
  });

  it('accepts nothing while the internal key set is not loaded', async () => {
    await expect(new SessionTokenVerifier(() => undefined).verify(valid, NOW)).resolves.toBeUndefined();
  });

  const refused: [string, () => Promise<string>][] = [
    [
      'a kid the JWKS does not hold',
      () => new SignJWT(CLAIMS).setProtectedHeader({ alg: 'ES256', kid: 'unknown' }).sign(internal.privateKey),
    ],
    ['no kid', () => new SignJWT(CLAIMS).setProtectedHeader({ alg: 'ES256' }).sign(internal.privateKey)],
    [
      'an algorithm the published key is not for (ES384, P-384 key)',
      () =>
        new SignJWT(CLAIMS)
          .setProtectedHeader({ alg: 'ES384', kid: 'internal-1' })
          .sign(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey),
    ],
    [
      'HS256 keyed with the published public key',
      () =>
        new SignJWT(CLAIMS)
          .setProtectedHeader({ alg: 'HS256', kid: 'internal-1' })
          .sign(Buffer.from(JSON.stringify(internal.record.publicJwk))),
    ],
    ['alg "none"', () => Promise.resolve(new UnsecuredJWT(CLAIMS).encode())],
    [
      'alg "none" naming a published kid',
      () => Promise.resolve(`${part({ alg: 'none', kid: 'internal-1' })}.${part(CLAIMS)}.`),
    ],
    ['an expired token', () => signed(internal, { ...CLAIMS, exp: NOW_S - 1 })],
    ['a token expiring this very second', () => signed(internal, { ...CLAIMS, exp: NOW_S })],
    ['another issuer', () => signed(internal, { ...CLAIMS, iss: 'someone-else' })],
    ['no issuer', () => signed(internal, { sub: CLAIMS.sub, sid: CLAIMS.sid, exp: CLAIMS.exp })],
    ['no sid', () => signed(internal, { iss: CLAIMS.iss, sub: CLAIMS.sub, exp: CLAIMS.exp })],
    ['a sid that is not a string', () => signed(internal, { ...CLAIMS, sid: 7 })],
    ['no sub', () => signed(internal, { iss: CLAIMS.iss, sid: CLAIMS.sid, exp: CLAIMS.exp })],
    ['no exp', () => signed(internal, { iss: CLAIMS.iss, sub: CLAIMS.sub, sid: CLAIMS.sid })],
    [
      'a tampered payload (another user) under the original signature',
      async () => {
        const [header, , signature] = (await signed(internal, CLAIMS)).split('.');
        return `${header}.${part({ ...CLAIMS, sub: 'admin-user' })}.${signature}`;
      },
    ],
    ['a token of another key set, signed by its own key', () => signed(otherKeySet, CLAIMS)],
    [
      "another key set's key under the internal key's kid",
      () => new SignJWT(CLAIMS).setProtectedHeader({ alg: 'ES256', kid: 'internal-1' }).sign(otherKeySet.privateKey),
    ],
  ];

  it.each(refused)('refuses %s', async (_label, token) => {
    await expect(verifier.verify(await token(), NOW)).resolves.toBeUndefined();
  });

  it('refuses tokens of a key once the published JWKS (a new ETag) no longer holds it', async () => {
    const next = await signingKey('internal-2', 'keyward-internal');
    let current = jwks;
    const rotating = new SessionTokenVerifier(() => current);
    await expect(rotating.verify(valid, NOW)).resolves.toBeDefined();
    current = buildJwks([next.record]);
    await expect(rotating.verify(valid, NOW)).resolves.toBeUndefined();
    await expect(rotating.verify(await signed(next, CLAIMS), NOW)).resolves.toBeDefined();
  });

  it('parses the JWKS once per ETag', async () => {
    // Same ETag, other text: the keys prepared for that ETag are still the ones used.
    let current = jwks;
    const cached = new SessionTokenVerifier(() => current);
    await expect(cached.verify(valid, NOW)).resolves.toBeDefined();
    current = { text: '{"keys":[]}', etag: jwks.etag };
    await expect(cached.verify(valid, NOW)).resolves.toBeDefined();
  });

  it('refuses, without throwing, any string and any one-character change to a valid token', async () => {
    const mutated = fc
      .tuple(fc.nat(), fc.constantFrom(...'ABCDEFabcdef0123456789-_.='))
      .map(([at, char]) => {
        const index = at % valid.length;
        return valid.slice(0, index) + char + valid.slice(index + 1);
      })
      // A last character's unused low bits decode to the same bytes: that is the same token.
      .filter((token) => bytesOf(token) !== bytesOf(valid));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), mutated), async (token) => {
        expect(await verifier.verify(token, NOW)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
