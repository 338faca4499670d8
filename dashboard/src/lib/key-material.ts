// A published public key in the forms people paste elsewhere: the JWK pretty-printed, its SPKI PEM
// (what `openssl pkey -pubin` reads) and its RFC 7638 thumbprint. Public material only: the API
// never hands the dashboard a private key.
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';

export interface KeyMaterial {
  /** The JWK as published, indented. */
  readonly jwkJson: string;
  readonly pem: string;
  /** SHA-256, base64url. */
  readonly thumbprint: string;
}

export async function keyMaterial(publicJwkJson: string): Promise<KeyMaterial> {
  const jwk = JSON.parse(publicJwkJson) as JWK;
  const pem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return { jwkJson: JSON.stringify(jwk, null, 2), pem, thumbprint: await calculateJwkThumbprint(jwk, 'sha256') };
}
