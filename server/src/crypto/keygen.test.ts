import { describe, expect, it } from 'vitest';
import { ALGORITHMS, ALGORITHM_SPECS, resolveKeyParams } from './algorithms.js';
import { generateKeyPair } from './keygen.js';

describe('generateKeyPair', () => {
  it.each(ALGORITHMS)('%s: returns a private key of the right type', async (alg) => {
    const key = await generateKeyPair(resolveKeyParams(alg));
    expect(key.type).toBe('private');
    const spec = ALGORITHM_SPECS[alg];
    switch (spec.family) {
      case 'RSA':
      case 'RSA-PSS':
        expect(key.asymmetricKeyType).toBe('rsa');
        expect(key.asymmetricKeyDetails).toEqual({ modulusLength: 2048, publicExponent: 65537n });
        break;
      case 'EC':
        expect(key.asymmetricKeyType).toBe('ec');
        expect(key.asymmetricKeyDetails?.namedCurve).toBe(spec.opensslCurve);
        break;
      case 'OKP':
        expect(key.asymmetricKeyType).toBe('ed25519');
        break;
    }
  });

  it.each([3072, 4096])('RSA %i: the requested modulus reaches keygen', async (bits) => {
    const key = await generateKeyPair(resolveKeyParams('PS256', bits));
    expect(key.asymmetricKeyDetails).toEqual({ modulusLength: bits, publicExponent: 65537n });
    const n = Buffer.from(key.export({ format: 'jwk' }).n ?? '', 'base64url');
    expect(n.length * 8).toBe(bits);
    expect((n[0] ?? 0) & 0x80).toBe(0x80);
  });

  it('generates a fresh key each time', async () => {
    const params = resolveKeyParams('ES256');
    const [a, b] = await Promise.all([generateKeyPair(params), generateKeyPair(params)]);
    expect(a.equals(b)).toBe(false);
  });
});
