import { describe, expect, it } from 'vitest';
import {
  ALGORITHMS,
  ALGORITHM_SPECS,
  DEFAULT_RSA_MODULUS_BITS,
  RSA_MODULUS_BITS,
  isAlgorithm,
  isRsa,
  resolveKeyParams,
} from './algorithms.js';
import { thrownBy } from '../test-support/thrown.js';

describe('algorithms', () => {
  it('lists exactly the supported JOSE algorithms', () => {
    expect([...ALGORITHMS]).toEqual([
      'RS256',
      'RS384',
      'RS512',
      'PS256',
      'PS384',
      'PS512',
      'ES256',
      'ES384',
      'ES512',
      'EdDSA',
    ]);
    expect(Object.keys(ALGORITHM_SPECS).sort()).toEqual([...ALGORITHMS].sort());
    expect(Object.isFrozen(ALGORITHM_SPECS)).toBe(true);
  });

  it('maps each algorithm to the RFC 7518 / RFC 8037 parameters', () => {
    expect(ALGORITHM_SPECS.PS384).toEqual({ family: 'RSA-PSS', hash: 'sha384', hashLength: 48 });
    expect(ALGORITHM_SPECS.RS512).toEqual({ family: 'RSA', hash: 'sha512', hashLength: 64 });
    expect(ALGORITHM_SPECS.ES512).toMatchObject({ hash: 'sha512', crv: 'P-521', signatureLength: 132 });
    expect(ALGORITHM_SPECS.ES256).toMatchObject({ hash: 'sha256', crv: 'P-256', signatureLength: 64 });
    expect(ALGORITHM_SPECS.EdDSA).toEqual({ family: 'OKP', crv: 'Ed25519' });
  });

  it('isAlgorithm accepts exactly the table, case-sensitively', () => {
    for (const alg of ALGORITHMS) expect(isAlgorithm(alg)).toBe(true);
    for (const s of ['', 'none', 'HS256', 'rs256', 'ES256K', 'Ed25519', 'EDDSA', 'RS256 ', 'toString']) {
      expect(isAlgorithm(s)).toBe(false);
    }
  });

  it('isRsa is true for RS* and PS* only', () => {
    expect(ALGORITHMS.filter(isRsa)).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
  });
});

describe('resolveKeyParams', () => {
  it('defaults RSA to 2048 bits', () => {
    expect(DEFAULT_RSA_MODULUS_BITS).toBe(2048);
    expect(resolveKeyParams('RS256')).toEqual({ alg: 'RS256', rsaModulusBits: 2048 });
    expect(resolveKeyParams('PS512')).toEqual({ alg: 'PS512', rsaModulusBits: 2048 });
  });

  it('accepts every allowed RSA size', () => {
    expect([...RSA_MODULUS_BITS]).toEqual([2048, 3072, 4096]);
    for (const bits of RSA_MODULUS_BITS) {
      expect(resolveKeyParams('RS384', bits)).toEqual({ alg: 'RS384', rsaModulusBits: bits });
    }
  });

  it('returns no modulus size for non-RSA algorithms', () => {
    const params = resolveKeyParams('ES256');
    expect(params).toEqual({ alg: 'ES256' });
    expect('rsaModulusBits' in params).toBe(false);
    expect(resolveKeyParams('EdDSA')).toEqual({ alg: 'EdDSA' });
  });

  it('rejects an unknown algorithm, listing the supported ones', () => {
    const err = thrownBy(() => resolveKeyParams('HS256'));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/^algorithm: /);
    expect(err.message).toContain('"HS256"');
    expect(err.message).toContain(ALGORITHMS.join(', '));
  });

  it.each([1024, 2047, 2049, 8192, 0, -2048, 2048.5, Number.NaN])('rejects RSA size %s', (bits) => {
    const err = thrownBy(() => resolveKeyParams('RS256', bits));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/^rsa_modulus_bits: must be one of 2048, 3072, 4096/);
  });

  it.each(['ES256', 'ES384', 'ES512', 'EdDSA'])('rejects a modulus size given to %s', (alg) => {
    const err = thrownBy(() => resolveKeyParams(alg, 2048));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toBe(`rsa_modulus_bits: only applies to RSA algorithms, not ${alg}`);
  });
});
