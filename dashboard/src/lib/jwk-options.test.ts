import { describe, expect, it } from 'vitest';
import { algorithmsFor, importAlgorithmFor, KEY_TYPES, keyTypeById, offeredAlgorithms } from './jwk-options.js';

describe('the JWK tools offer', () => {
  it('no `none` algorithm, in any case', () => {
    expect(offeredAlgorithms().map((alg) => alg.toLowerCase())).not.toContain('none');
  });

  it('no RSA key under 2048 bits: exactly 2048, 3072 and 4096', () => {
    const rsa = KEY_TYPES.filter((type) => type.kty === 'RSA');
    expect(rsa.map((type) => type.modulusLength)).toEqual([2048, 3072, 4096]);
    expect(KEY_TYPES.every((type) => type.kty !== 'RSA' || (type.modulusLength ?? 0) >= 2048)).toBe(true);
  });

  it('the curves asked for', () => {
    expect(KEY_TYPES.map((type) => type.crv).filter(Boolean)).toEqual(['P-256', 'P-384', 'P-521', 'Ed25519', 'X25519']);
  });

  it('for each use, the algorithm the key is made for', () => {
    const of = (id: string, use: 'sig' | 'enc') => algorithmsFor(keyTypeById(id)!, use);
    expect(of('RSA-2048', 'sig')).toEqual(['PS256', 'RS256']);
    expect(of('RSA-4096', 'enc')).toEqual(['RSA-OAEP-256']);
    expect(of('P-256', 'sig')).toEqual(['ES256']);
    expect(of('P-384', 'sig')).toEqual(['ES384']);
    expect(of('P-521', 'sig')).toEqual(['ES512']);
    expect(of('P-521', 'enc')).toEqual(['ECDH-ES']);
    expect(of('Ed25519', 'sig')).toEqual(['EdDSA']);
    expect(of('Ed25519', 'enc')).toEqual([]);
    expect(of('X25519', 'enc')).toEqual(['ECDH-ES']);
    expect(of('X25519', 'sig')).toEqual([]);
    expect(offeredAlgorithms().sort()).toEqual([
      'ECDH-ES',
      'ES256',
      'ES384',
      'ES512',
      'EdDSA',
      'PS256',
      'RS256',
      'RSA-OAEP-256',
    ]);
  });

  it('an import algorithm for each kind of key it reads, and none for others', () => {
    expect(importAlgorithmFor('RSA', undefined)).toBe('PS256');
    expect(importAlgorithmFor('EC', 'P-384')).toBe('ES384');
    expect(importAlgorithmFor('OKP', 'X25519')).toBe('ECDH-ES');
    expect(importAlgorithmFor('EC', 'secp256k1')).toBeUndefined();
    expect(importAlgorithmFor('oct', undefined)).toBeUndefined();
  });
});
