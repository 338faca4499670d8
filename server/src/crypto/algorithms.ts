// The JOSE signature algorithms Keyward issues keys for (RFC 7518 §3, RFC 8037), and how each maps
// onto node:crypto. Everything else in crypto/ derives its per-algorithm behaviour from this table.

import { invalidArgument } from '../errors.js';

export const ALGORITHMS = [
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
] as const;

export type Algorithm = (typeof ALGORITHMS)[number];

export type AlgorithmSpec =
  | {
      readonly family: 'RSA' | 'RSA-PSS';
      readonly hash: 'sha256' | 'sha384' | 'sha512';
      /** Bytes; RFC 7518 §3.5 fixes the PSS salt length to this. */
      readonly hashLength: 32 | 48 | 64;
    }
  | {
      readonly family: 'EC';
      readonly hash: 'sha256' | 'sha384' | 'sha512';
      /** JWK `crv`, also accepted by node's generateKeyPair. */
      readonly crv: 'P-256' | 'P-384' | 'P-521';
      /** What KeyObject.asymmetricKeyDetails.namedCurve reports for that curve. */
      readonly opensslCurve: 'prime256v1' | 'secp384r1' | 'secp521r1';
      /** IEEE P1363 r||s length in bytes: what JWS puts on the wire (RFC 7518 §3.4). */
      readonly signatureLength: 64 | 96 | 132;
    }
  | {
      readonly family: 'OKP';
      readonly crv: 'Ed25519';
    };

export const ALGORITHM_SPECS: Readonly<Record<Algorithm, AlgorithmSpec>> = Object.freeze({
  RS256: { family: 'RSA', hash: 'sha256', hashLength: 32 },
  RS384: { family: 'RSA', hash: 'sha384', hashLength: 48 },
  RS512: { family: 'RSA', hash: 'sha512', hashLength: 64 },
  PS256: { family: 'RSA-PSS', hash: 'sha256', hashLength: 32 },
  PS384: { family: 'RSA-PSS', hash: 'sha384', hashLength: 48 },
  PS512: { family: 'RSA-PSS', hash: 'sha512', hashLength: 64 },
  ES256: { family: 'EC', hash: 'sha256', crv: 'P-256', opensslCurve: 'prime256v1', signatureLength: 64 },
  ES384: { family: 'EC', hash: 'sha384', crv: 'P-384', opensslCurve: 'secp384r1', signatureLength: 96 },
  ES512: { family: 'EC', hash: 'sha512', crv: 'P-521', opensslCurve: 'secp521r1', signatureLength: 132 },
  EdDSA: { family: 'OKP', crv: 'Ed25519' },
});

export const RSA_MODULUS_BITS = [2048, 3072, 4096] as const;
export type RsaModulusBits = (typeof RSA_MODULUS_BITS)[number];
export const DEFAULT_RSA_MODULUS_BITS: RsaModulusBits = 2048;

export type KeyParams = {
  alg: Algorithm;
  /** Set exactly when `alg` is an RSA algorithm. */
  rsaModulusBits?: RsaModulusBits;
};

const ALGORITHM_SET: ReadonlySet<string> = new Set(ALGORITHMS);

export function isAlgorithm(s: string): s is Algorithm {
  return ALGORITHM_SET.has(s);
}

export function isRsa(alg: Algorithm): boolean {
  const { family } = ALGORITHM_SPECS[alg];
  return family === 'RSA' || family === 'RSA-PSS';
}

function isRsaModulusBits(n: number): n is RsaModulusBits {
  return (RSA_MODULUS_BITS as readonly number[]).includes(n);
}

/**
 * Validates caller input into KeyParams. `rsaModulusBits` undefined means "not given"; mapping a
 * wire default such as proto3's 0 to undefined is the adapter's job.
 */
export function resolveKeyParams(alg: string, rsaModulusBits?: number): KeyParams {
  if (!isAlgorithm(alg)) {
    throw invalidArgument(
      'algorithm',
      `unsupported algorithm ${JSON.stringify(alg)}; supported: ${ALGORITHMS.join(', ')}`,
    );
  }
  if (!isRsa(alg)) {
    if (rsaModulusBits !== undefined) {
      throw invalidArgument('rsa_modulus_bits', `only applies to RSA algorithms, not ${alg}`);
    }
    return { alg };
  }
  if (rsaModulusBits === undefined) {
    return { alg, rsaModulusBits: DEFAULT_RSA_MODULUS_BITS };
  }
  if (!isRsaModulusBits(rsaModulusBits)) {
    throw invalidArgument('rsa_modulus_bits', `must be one of ${RSA_MODULUS_BITS.join(', ')} (got ${rsaModulusBits})`);
  }
  return { alg, rsaModulusBits };
}
