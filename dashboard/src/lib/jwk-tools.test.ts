// @vitest-environment node
import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { algorithmsFor, KEY_TYPES, type KeyUse } from './jwk-options.js';
import {
  checkAgainstJwks,
  generateKeyMaterial,
  jwkToPem,
  pemToJwk,
  thumbprintOf,
  ToolInputError,
} from './jwk-tools.js';

const KEY_MEMBERS = ['kty', 'crv', 'n', 'e', 'x', 'y', 'd', 'p', 'q', 'dp', 'dq', 'qi'];
const members = (jwk: JWK | JsonWebKey) =>
  Object.fromEntries(
    Object.entries(jwk)
      .filter(([name]) => KEY_MEMBERS.includes(name))
      .sort(),
  );

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (header: object) => `${b64url(header)}.${b64url({ sub: 'x' })}.c2ln`;

describe('generateKeyMaterial', () => {
  // RSA 3072/4096 take seconds each on two cores: one RSA size stands for the others here (the e2e makes them all).
  const cases = KEY_TYPES.filter((type) => type.kty !== 'RSA' || type.modulusLength === 2048).flatMap((type) =>
    (['sig', 'enc'] as KeyUse[]).flatMap((use) => algorithmsFor(type, use).map((alg) => [type.id, use, alg] as const)),
  );

  it.each(cases)('%s for %s (%s): PEM and JWK are the same key, as node:crypto reads them', async (id, use, alg) => {
    const type = KEY_TYPES.find((candidate) => candidate.id === id)!;
    const key = await generateKeyMaterial(type, use, alg);
    expect(key.publicJwk).toMatchObject({ use, alg, kid: key.thumbprint, kty: type.kty });
    expect(key.publicJwk.d).toBeUndefined();
    expect(key.privateJwk.d).toEqual(expect.any(String));
    expect(members(createPrivateKey(key.privatePem).export({ format: 'jwk' }))).toEqual(members(key.privateJwk));
    expect(members(createPublicKey(key.publicPem).export({ format: 'jwk' }))).toEqual(members(key.publicJwk));
    expect(key.thumbprint).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
    if (type.modulusLength !== undefined)
      expect(Buffer.from(key.publicJwk.n!, 'base64url').length * 8).toBe(type.modulusLength);
  });
});

describe('PEM ↔ JWK', () => {
  const pairs = {
    rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    'P-256': generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    'P-384': generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    'P-521': generateKeyPairSync('ec', { namedCurve: 'P-521' }),
    ed25519: generateKeyPairSync('ed25519'),
    x25519: generateKeyPairSync('x25519'),
  };

  it.each(Object.entries(pairs))(
    'reads a %s PKCS#8 and SPKI PEM as node:crypto does, and writes them back',
    async (_, pair) => {
      const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const privateJwk = await pemToJwk(privatePem);
      expect(members(privateJwk)).toEqual(members(pair.privateKey.export({ format: 'jwk' })));
      expect(members(await pemToJwk(publicPem))).toEqual(members(pair.publicKey.export({ format: 'jwk' })));

      const back = await jwkToPem(privateJwk);
      expect(back.privatePem).toBe(privatePem);
      expect(back.publicPem).toBe(publicPem);
      const fromPublic = await jwkToPem(await pemToJwk(publicPem));
      expect(fromPublic).toEqual({ privatePem: undefined, publicPem });
    },
  );

  it('imports a JWK whatever metadata it carries (alg, use, key_ops, ext)', async () => {
    const jwk = {
      ...pairs['P-256'].publicKey.export({ format: 'jwk' }),
      alg: 'ECDH-ES',
      use: 'enc',
      key_ops: ['deriveBits'],
      ext: false,
    };
    expect((await jwkToPem(jwk as JWK)).publicPem).toBe(
      pairs['P-256'].publicKey.export({ type: 'spki', format: 'pem' }),
    );
  });

  it('refuses RSA under 2048 bits, both ways', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await expect(pemToJwk(weak.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)).rejects.toThrow(
      /1024-bit RSA key/,
    );
    await expect(pemToJwk(weak.publicKey.export({ type: 'spki', format: 'pem' }) as string)).rejects.toThrow(
      /1024-bit/,
    );
    await expect(jwkToPem(weak.privateKey.export({ format: 'jwk' }) as JWK)).rejects.toThrow(/1024-bit/);
  });

  it('explains what it does not read', async () => {
    const pkcs1 = pairs.rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    await expect(pemToJwk(pkcs1)).rejects.toThrow(/PKCS#8 first/);
    await expect(pemToJwk('hello')).rejects.toThrow(ToolInputError);
    await expect(pemToJwk('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).rejects.toThrow(/not a key/);
    await expect(pemToJwk('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).rejects.toThrow(
      ToolInputError,
    );
    await expect(jwkToPem({ kty: 'oct', k: 'AAAA' })).rejects.toThrow(/not supported/);
  });
});

describe('thumbprintOf', () => {
  it("is RFC 7638's, and a private JWK's is its public key's", async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const expected = await calculateJwkThumbprint(publicJwk, 'sha256');
    expect(await thumbprintOf(publicJwk)).toBe(expected);
    expect(await thumbprintOf({ ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'x', alg: 'ES256' })).toBe(
      expected,
    );
  });

  it("matches RFC 7638's own example", async () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    expect(await thumbprintOf({ kty: 'RSA', n, e: 'AQAB', alg: 'RS256', kid: '2011-04-29' })).toBe(
      'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    );
  });
});

describe('checkAgainstJwks', () => {
  const published = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publishedJwk = { ...published.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' };
  const jwks = JSON.stringify({ keys: [publishedJwk] });

  it('finds a published JWK by kid and by thumbprint', async () => {
    const result = await checkAgainstJwks(JSON.stringify(publishedJwk), jwks);
    expect(result).toMatchObject({
      subject: 'jwk',
      kid: 'k1',
      kidPublished: true,
      thumbprintMatches: true,
      publishedAs: ['k1'],
      algMatches: true,
    });
  });

  it('tells a different key under a published kid from the published one', async () => {
    const impostor = { ...other.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' };
    const result = await checkAgainstJwks(JSON.stringify(impostor), jwks);
    expect(result).toMatchObject({ kidPublished: true, thumbprintMatches: false, publishedAs: [] });
  });

  it('finds the published key under another kid', async () => {
    const renamed = { ...published.privateKey.export({ format: 'jwk' }), kid: 'renamed' };
    const result = await checkAgainstJwks(JSON.stringify(renamed), jwks);
    expect(result).toMatchObject({ kidPublished: false, thumbprintMatches: undefined, publishedAs: ['k1'] });
  });

  it("reads a token's protected header, never its signature", async () => {
    expect(await checkAgainstJwks(token({ alg: 'ES256', kid: 'k1' }), jwks)).toMatchObject({
      subject: 'token',
      kid: 'k1',
      kidPublished: true,
      algMatches: true,
    });
    expect(await checkAgainstJwks(token({ alg: 'RS256', kid: 'gone' }), jwks)).toMatchObject({ kidPublished: false });
  });

  it('refuses alg "none", however it is spelt', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      await expect(checkAgainstJwks(token({ alg, kid: 'k1' }), jwks)).rejects.toThrow(/alg "none"/);
    }
  });

  it('explains input it cannot read', async () => {
    await expect(checkAgainstJwks('not a token', jwks)).rejects.toThrow(ToolInputError);
    await expect(checkAgainstJwks('{"kty": ', jwks)).rejects.toThrow(/not JSON/);
  });
});
