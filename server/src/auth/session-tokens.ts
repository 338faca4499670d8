import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ALGORITHM_SPECS, type Algorithm } from '../crypto/algorithms.js';
import type { KeySetView } from '../keyring/view.js';
import { publishedKeys, publishedJwk } from '../publication/jwks.js';

/** Keyward's own key set: it signs staff sessions, and is published like any other. */
export const INTERNAL_KEY_SET = 'keyward-internal';
export const SESSION_ISSUER = 'keyward';

export interface SessionClaims {
  readonly sid: string;
  readonly sub: string;
  readonly exp: number;
}

/**
 * Verifies a session token the way any relying party verifies a Keyward token: against the
 * published keys of its key set, by kid. Undefined for anything that is not a valid, unexpired
 * session token of ours; which check failed is not worth telling a caller.
 */
export function verifySessionToken(token: string, view: KeySetView | undefined, now: Date): SessionClaims | undefined {
  if (view === undefined) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseJson(headerPart);
  const key = publishedKeys(view.keys).find((candidate) => candidate.kid === header?.kid);
  if (key === undefined || header?.alg !== key.alg) return undefined;
  const signingInput = Buffer.from(`${headerPart}.${payloadPart}`, 'latin1');
  if (
    !verifySignature(
      key.alg,
      publicKeyOf(key.kid, () => publishedJwk(key)),
      signingInput,
      Buffer.from(signaturePart, 'base64url'),
    )
  ) {
    return undefined;
  }
  const claims = parseJson(payloadPart);
  if (claims?.iss !== SESSION_ISSUER || typeof claims.sid !== 'string' || typeof claims.sub !== 'string')
    return undefined;
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) return undefined;
  return { sid: claims.sid, sub: claims.sub, exp: claims.exp };
}

const publicKeys = new Map<string, KeyObject>();

function publicKeyOf(kid: string, jwk: () => object): KeyObject {
  let key = publicKeys.get(kid);
  if (key === undefined) {
    key = createPublicKey({ key: jwk() as never, format: 'jwk' });
    publicKeys.set(kid, key);
  }
  return key;
}

function verifySignature(alg: Algorithm, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  const spec = ALGORITHM_SPECS[alg];
  try {
    if (spec.family === 'OKP') return verify(null, data, key, signature);
    if (spec.family === 'EC') return verify(spec.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    return spec.family === 'RSA'
      ? verify(spec.hash, data, key, signature)
      : verify(
          spec.hash,
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength },
          signature,
        );
  } catch {
    return false;
  }
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
