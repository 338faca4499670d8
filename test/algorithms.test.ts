// @vitest-environment node
// Every supported algorithm signs a token that an independent JOSE library (jose) verifies against
// the JWKS fetched over HTTP from the jwks_uri, the way an external client does.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { useTestKeyward } from './support/keyward.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const kw = useTestKeyward();

const CASES = [
  { alg: 'RS256', bits: undefined, kty: 'RSA' },
  { alg: 'RS384', bits: 3072, kty: 'RSA' },
  { alg: 'RS512', bits: 4096, kty: 'RSA' },
  { alg: 'PS256', bits: undefined, kty: 'RSA' },
  { alg: 'PS384', bits: undefined, kty: 'RSA' },
  { alg: 'PS512', bits: undefined, kty: 'RSA' },
  { alg: 'ES256', bits: undefined, kty: 'EC', crv: 'P-256' },
  { alg: 'ES384', bits: undefined, kty: 'EC', crv: 'P-384' },
  { alg: 'ES512', bits: undefined, kty: 'EC', crv: 'P-521' },
  { alg: 'EdDSA', bits: undefined, kty: 'OKP', crv: 'Ed25519' },
] as const;

describe.each(CASES)('$alg', ({ alg, bits, kty, ...rest }) => {
  const name = `alg-${alg.toLowerCase()}`;

  it('signs a JWT that jose verifies through createRemoteJWKSet on the jwks_uri', async () => {
    const created = await kw.rpc.createKeySet({
      keySet: name,
      algorithm: alg,
      kidScheme: 0,
      ...(bits === undefined ? {} : { rsaModulusBits: bits }),
    });
    expect(created.keySet!.rsaModulusBits).toBe(kty === 'RSA' ? (bits ?? 2048) : 0);

    const signed = await kw.rpc.sign({
      keySet: name,
      claimsJson: JSON.stringify({
        sub: 'alice',
        iss: 'https://issuer.example',
        exp: Math.floor(Date.now() / 1000) + 60,
      }),
    });
    expect(signed.alg).toBe(alg);

    const jwks = createRemoteJWKSet(new URL(`${kw.httpUrl}/key-sets/${name}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(signed.jws, jwks, {
      issuer: 'https://issuer.example',
      algorithms: [alg],
    });
    expect(payload.sub).toBe('alice');
    expect(protectedHeader).toEqual({ alg, kid: signed.kid, typ: 'JWT' });

    // A token whose signature was tampered with does not verify.
    const [h, p, s] = signed.jws.split('.') as [string, string, string];
    const flipped = Buffer.from(s, 'base64url');
    flipped[0]! ^= 1;
    await expect(jwtVerify(`${h}.${p}.${flipped.toString('base64url')}`, jwks)).rejects.toThrow();
  });

  it('publishes only public members, with the right key type and size', async () => {
    const response = await fetch(`${kw.httpUrl}/key-sets/${name}/.well-known/jwks.json`);
    const { keys } = (await response.json()) as { keys: Record<string, string>[] };
    expect(keys).toHaveLength(1);
    const [jwk] = keys as [Record<string, string>];
    expect(jwk.kty).toBe(kty);
    expect(jwk.alg).toBe(alg);
    expect(jwk.use).toBe('sig');
    for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
    if (kty === 'RSA') {
      expect(Buffer.from(jwk.n!, 'base64url').length * 8).toBe(bits ?? 2048);
      expect(jwk.e).toBe('AQAB');
    } else {
      expect(jwk.crv).toBe((rest as { crv: string }).crv);
    }
  });
});
