import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** Keyward's own key set: it signs staff sessions, and is published like any other. */
export const INTERNAL_KEY_SET = 'keyward-internal';
export const SESSION_ISSUER = 'keyward';

/** The internal key set's JWKS exactly as jwks_uri serves it, with its strong ETag. */
export interface PublishedJwks {
  readonly text: string;
  readonly etag: string;
}

export interface SessionClaims {
  readonly sid: string;
  readonly sub: string;
  readonly exp: number;
}

interface PreparedKeys {
  readonly etag: string;
  readonly lookup: JWTVerifyGetKey;
  /** The algorithms of the published keys: a token's header may name no other. */
  readonly algorithms: string[];
}

/**
 * Verifies session tokens the way any relying party verifies a Keyward token: against the
 * published JWKS of the internal key set, by kid. The JWKS is parsed (and its keys imported) once
 * per ETag, so a call costs one signature check.
 */
export class SessionTokenVerifier {
  #prepared: PreparedKeys | undefined;

  constructor(private readonly internalJwks: () => PublishedJwks | undefined) {}

  /**
   * The claims of a valid, unexpired session token of ours; undefined for anything else. Which
   * check failed is not worth telling a caller.
   */
  async verify(token: string, now: Date): Promise<SessionClaims | undefined> {
    const keys = this.#keys();
    if (keys === undefined) return undefined;
    try {
      const { payload } = await jwtVerify(token, keys.lookup, {
        issuer: SESSION_ISSUER,
        algorithms: keys.algorithms,
        requiredClaims: ['sid', 'sub', 'exp'],
        currentDate: now,
      });
      const { sid, sub, exp } = payload;
      if (typeof sid !== 'string' || typeof sub !== 'string' || typeof exp !== 'number') return undefined;
      return { sid, sub, exp };
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }

  #keys(): PreparedKeys | undefined {
    const published = this.internalJwks();
    if (published === undefined) return undefined;
    if (this.#prepared?.etag !== published.etag) this.#prepared = prepare(published);
    return this.#prepared;
  }
}

function prepare(published: PublishedJwks): PreparedKeys {
  const jwks = JSON.parse(published.text) as JSONWebKeySet;
  const byKid = createLocalJWKSet(jwks);
  return {
    etag: published.etag,
    // Every key Keyward publishes has a kid: a token without one names no key of ours.
    lookup: (header, token) =>
      header?.kid === undefined ? Promise.reject(new errors.JWKSNoMatchingKey()) : byKid(header, token),
    algorithms: [...new Set(jwks.keys.flatMap((key) => (key.alg === undefined ? [] : [key.alg])))],
  };
}
