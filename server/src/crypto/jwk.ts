// Public JWKs (RFC 7517) and their RFC 7638 thumbprints. publicJwk copies members by allow-list
// rather than deleting private ones from node's export, so a new private member can never leak.

import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { KeywardError, invalidArgument } from '../errors.js';

export type PublicJwk = {
  kty: 'RSA' | 'EC' | 'OKP';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
  kid?: string;
  use?: string;
  alg?: string;
};

// Fixed output order, so the JWKS document is byte-stable for a given key set.
const PUBLIC_MEMBERS = ['kty', 'n', 'e', 'crv', 'x', 'y'] as const;

/** The public members of an asymmetric key, whether given the private or the public KeyObject. */
export function publicJwk(key: KeyObject): PublicJwk {
  if (key.type === 'secret') {
    throw new KeywardError('INTERNAL', 'publicJwk: a secret key has no public JWK');
  }
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const exported = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const kty = exported['kty'];
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') {
    throw new KeywardError('INTERNAL', `publicJwk: unsupported key type ${String(kty)}`);
  }
  const jwk: Record<string, string> = {};
  for (const member of PUBLIC_MEMBERS) {
    const value = exported[member];
    if (typeof value === 'string') jwk[member] = value;
  }
  return jwk as PublicJwk;
}

// RFC 7638 §3.2: only the required members, in lexicographic order.
const REQUIRED_MEMBERS = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
} as const;

/** RFC 7638 JWK SHA-256 thumbprint, base64url without padding. Keyward uses it as the `kid`. */
export function jwkThumbprint(jwk: PublicJwk): string {
  const kty: unknown = jwk.kty;
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') {
    throw invalidArgument('jwk', `unsupported kty ${JSON.stringify(kty)}`);
  }
  const source = jwk as Record<string, unknown>;
  // Built in insertion order; JSON.stringify then yields the canonical form (no whitespace,
  // RFC 8259 string escaping), which is exactly what §3.3 asks for.
  const canonical: Record<string, string> = {};
  for (const member of REQUIRED_MEMBERS[kty]) {
    const value = source[member];
    if (typeof value !== 'string' || value === '') {
      throw invalidArgument('jwk', `${kty} key is missing required member "${member}"`);
    }
    canonical[member] = value;
  }
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('base64url');
}
