// @vitest-environment node
import { constants, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { compactVerify, errors, importJWK, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { ALGORITHMS, ALGORITHM_SPECS, resolveKeyParams, type Algorithm } from './algorithms.js';
import { jwkThumbprint, publicJwk } from './jwk.js';
import { generateKeyPair } from './keygen.js';
import { createSigner, type Signer } from './signer.js';

const claims = { iss: 'https://issuer.example', sub: 'alice', iat: 1_700_000_000, exp: 4_102_444_800 };
const payload = Buffer.from(JSON.stringify(claims), 'utf8');

type Fixture = { key: KeyObject; signer: Signer; verifyKey: Awaited<ReturnType<typeof importJWK>> };
const fixtures = new Map<Algorithm, Fixture>();

beforeAll(async () => {
  await Promise.all(
    ALGORITHMS.map(async (alg) => {
      const key = await generateKeyPair(resolveKeyParams(alg));
      const jwk = publicJwk(key);
      const signer = createSigner(alg, jwkThumbprint(jwk), key);
      // The verifier sees only the published JWK, as a relying party would.
      fixtures.set(alg, { key, signer, verifyKey: await importJWK(jwk, alg) });
    }),
  );
});
function fixture(alg: Algorithm): Fixture {
  const f = fixtures.get(alg);
  if (f === undefined) throw new Error(`no fixture for ${alg}`);
  return f;
}

function segments(jws: string): [string, string, string] {
  const parts = jws.split('.');
  expect(parts).toHaveLength(3);
  return parts as [string, string, string];
}

describe.each(ALGORITHMS)('%s signer', (alg) => {
  it('produces a JWT that jose verifies, with exactly {alg, kid, typ}', async () => {
    const { signer, verifyKey } = fixture(alg);
    expect(signer.alg).toBe(alg);
    const jws = await signer.sign(payload, 'JWT');
    const [header, body] = segments(jws);
    expect(Buffer.from(header, 'base64url').toString('utf8')).toBe(
      `{"alg":"${alg}","kid":"${signer.kid}","typ":"JWT"}`,
    );
    expect(body).toBe(payload.toString('base64url'));

    const result = await jwtVerify(jws, verifyKey, { algorithms: [alg], typ: 'JWT', issuer: claims.iss });
    expect(result.protectedHeader).toStrictEqual({ alg, kid: signer.kid, typ: 'JWT' });
    expect(result.payload).toStrictEqual(claims);
  });

  it('omits typ when it is undefined', async () => {
    const { signer, verifyKey } = fixture(alg);
    const jws = await signer.sign(payload, undefined);
    const { protectedHeader, payload: verified } = await compactVerify(jws, verifyKey, { algorithms: [alg] });
    expect(protectedHeader).toStrictEqual({ alg, kid: signer.kid });
    expect(Buffer.from(verified).equals(payload)).toBe(true);
  });

  it('rejects a tampered payload', async () => {
    const { signer, verifyKey } = fixture(alg);
    const [header, , signature] = segments(await signer.sign(payload, 'JWT'));
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url');
    await expect(compactVerify(`${header}.${forged}.${signature}`, verifyKey)).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
  });

  it('rejects a tampered header', async () => {
    const { signer, verifyKey } = fixture(alg);
    const [, body, signature] = segments(await signer.sign(payload, 'JWT'));
    const header = Buffer.from(JSON.stringify({ alg, kid: signer.kid, typ: 'at+jwt' })).toString('base64url');
    await expect(compactVerify(`${header}.${body}.${signature}`, verifyKey)).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
  });

  it('uses the JWS signature encoding and parameters', async () => {
    const { key, signer } = fixture(alg);
    const [header, body, sig] = segments(await signer.sign(payload, 'JWT'));
    const signature = Buffer.from(sig, 'base64url');
    const data = Buffer.from(`${header}.${body}`);
    const publicKey = createPublicKey(key);
    const spec = ALGORITHM_SPECS[alg];
    switch (spec.family) {
      case 'RSA':
        expect(signature.length).toBe(256);
        expect(verify(spec.hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature)).toBe(true);
        break;
      case 'RSA-PSS': {
        expect(signature.length).toBe(256);
        const pss = (saltLength: number): boolean =>
          verify(spec.hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
        // RFC 7518 §3.5: salt length equals the hash length, exactly.
        expect(pss(spec.hashLength)).toBe(true);
        expect(pss(spec.hashLength - 1)).toBe(false);
        expect(pss(0)).toBe(false);
        break;
      }
      case 'EC':
        // IEEE P1363 r||s, not DER.
        expect(signature.length).toBe(spec.signatureLength);
        expect(verify(spec.hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
        break;
      case 'OKP':
        expect(signature.length).toBe(64);
        expect(verify(null, data, publicKey, signature)).toBe(true);
        break;
    }
  });
});

describe('header cache', () => {
  it('returns the right header for many typ values, including after eviction', async () => {
    const { signer, verifyKey } = fixture('ES256');
    const typs = [...Array.from({ length: 20 }, (_, i) => `typ-${i}`), 'at+jwt', 'JWT', 'x"y\\z', 'é'];
    for (const round of [0, 1]) {
      for (const typ of round === 0 ? typs : [...typs].reverse()) {
        const jws = await signer.sign(payload, typ);
        const [header] = segments(jws);
        expect(JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))).toStrictEqual({
          alg: 'ES256',
          kid: signer.kid,
          typ,
        });
        const { protectedHeader } = await compactVerify(jws, verifyKey);
        expect(protectedHeader.typ).toBe(typ);
      }
    }
  });

  it('keeps the header byte-identical across calls', async () => {
    const { signer } = fixture('EdDSA');
    const a = await signer.sign(payload, 'at+jwt');
    const b = await signer.sign(Buffer.from('{}'), 'at+jwt');
    expect(segments(a)[0]).toBe(segments(b)[0]);
    // Ed25519 is deterministic: same input, same JWS.
    expect(await signer.sign(payload, 'at+jwt')).toBe(a);
  });
});

describe('RSA signing on the thread pool', () => {
  it('handles many concurrent signatures correctly', async () => {
    const { signer, verifyKey } = fixture('PS256');
    const payloads = Array.from({ length: 32 }, (_, i) => Buffer.from(JSON.stringify({ n: i })));
    const tokens = await Promise.all(payloads.map((p) => signer.sign(p, 'JWT')));
    const verified = await Promise.all(tokens.map((t) => compactVerify(t, verifyKey)));
    verified.forEach((v, i) => expect(Buffer.from(v.payload).equals(payloads[i] ?? Buffer.alloc(0))).toBe(true));
  });

  it('does not block the event loop while signing', async () => {
    const { signer } = fixture('RS256');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      // Enough work (~tens of ms) that a synchronous signer would starve the interval.
      await Promise.all(Array.from({ length: 64 }, () => signer.sign(payload, 'JWT')));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('createSigner', () => {
  const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const ed = generateKeyPairSync('ed25519');
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });

  it.each([
    ['ES256', ec384.privateKey, 'needs curve P-256, got secp384r1'],
    ['RS256', ec384.privateKey, 'needs an RSA key, got ec'],
    ['PS256', rsa1024.privateKey, 'RSA modulus must be at least 2048 bits, got 1024'],
    ['EdDSA', ec384.privateKey, 'needs an Ed25519 key, got ec'],
    ['ES384', ec384.publicKey, 'needs a private key, got a public key'],
    ['ES256', ed.privateKey, 'needs an EC key, got ed25519'],
  ] as const)('%s refuses an unsuitable key', (alg, key, problem) => {
    let err: unknown;
    try {
      createSigner(alg, 'kid', key);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KeywardError);
    expect((err as KeywardError).message).toBe(`signer for ${alg}: ${problem}`);
  });

  it('refuses an empty kid', () => {
    expect(() => createSigner('EdDSA', '', ed.privateKey)).toThrow(/kid must not be empty/);
  });
});
