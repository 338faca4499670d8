// A token verifier as relying parties build them (jose's createRemoteJWKSet, jwks-rsa): it fetches
// the JWKS over real HTTP, keeps the copy for as long as the response's Cache-Control allows
// (measured on the test's fake clock, not the wall clock), revalidates with If-None-Match, and
// refetches when a token names a kid its copy does not hold.
//
// It counts what a rotation must never cause: a token whose kid is missing from a copy the client
// is still entitled to use. When that count stays zero, the refetch-on-unknown-kid path was never
// needed for correctness: every client, including ones that never refetch early, verifies.
import { importJWK, jwtVerify, type CryptoKey, type JWTPayload, type JWTVerifyResult } from 'jose';
import type { PublicJwk } from './lifecycle-helpers.js';

export type CacheLifetime =
  /** Use a copy for max-age seconds (a plain HTTP cache). */
  | 'max-age'
  /** Also through stale-while-revalidate: the longest a well-behaved cache serves a copy. */
  | 'max-age+stale-while-revalidate'
  /** A fixed lifetime, ignoring Cache-Control (a misbehaving client). */
  | { readonly seconds: number };

export interface CachingVerifierOptions {
  readonly url: string;
  readonly now: () => Date;
  readonly lifetime?: CacheLifetime;
  readonly userAgent?: string;
}

export interface VerifierStats {
  /** HTTP requests made: the first fetch, refreshes of an aged copy, refetches on an unknown kid. */
  requests: number;
  /** Of those, answered 304 Not Modified (the copy was still current). */
  notModified: number;
  /** Requests made because the copy had outlived its lifetime. */
  refreshesOnExpiry: number;
  /** Requests made because a token's kid was missing from a copy the client could still use. */
  refetchesOnUnknownKid: number;
  /** A token's kid was missing from a copy younger than its max-age. Must stay 0. */
  unknownKidInFreshCopy: number;
  /** A token's kid was missing from a copy within the configured lifetime. Must stay 0. */
  unknownKidInUsableCopy: number;
  /** Tokens verified / refused. */
  verified: number;
  failed: number;
}

interface Copy {
  keys: PublicJwk[];
  etag: string | null;
  fetchedAtMs: number;
  maxAgeSeconds: number;
  staleWhileRevalidateSeconds: number;
}

export class CachingVerifier {
  readonly stats: VerifierStats = {
    requests: 0,
    notModified: 0,
    refreshesOnExpiry: 0,
    refetchesOnUnknownKid: 0,
    unknownKidInFreshCopy: 0,
    unknownKidInUsableCopy: 0,
    verified: 0,
    failed: 0,
  };
  /** Every failure, for the assertion message. */
  readonly failures: string[] = [];
  #copy: Copy | undefined;
  readonly #imported = new Map<string, Promise<CryptoKey | Uint8Array>>();

  constructor(private readonly options: CachingVerifierOptions) {}

  /** Verifies a JWT at the fake clock's "now"; never throws, records the outcome. */
  async verify(jws: string): Promise<JWTVerifyResult<JWTPayload> | undefined> {
    try {
      const result = await jwtVerify(jws, (header) => this.#keyFor(header.kid, header.alg), {
        currentDate: this.options.now(),
      });
      this.stats.verified += 1;
      return result;
    } catch (error) {
      this.stats.failed += 1;
      this.failures.push(`${this.options.now().toISOString()}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Age of the copy held now, in seconds (undefined before the first fetch). */
  get copyAgeSeconds(): number | undefined {
    return this.#copy === undefined ? undefined : (this.options.now().getTime() - this.#copy.fetchedAtMs) / 1_000;
  }

  async #keyFor(kid: string | undefined, alg: string | undefined): Promise<CryptoKey | Uint8Array> {
    if (kid === undefined || alg === undefined) throw new Error('token without kid or alg');
    if (this.#copy === undefined) {
      await this.#fetch();
    } else if (this.#age() >= this.#lifetimeSeconds(this.#copy)) {
      this.stats.refreshesOnExpiry += 1;
      await this.#fetch();
    }
    let jwk = this.#copy!.keys.find((key) => key.kid === kid);
    if (jwk === undefined) {
      // The copy is within its lifetime here (an aged one was refreshed above).
      this.stats.unknownKidInUsableCopy += 1;
      if (this.#age() < this.#copy!.maxAgeSeconds) this.stats.unknownKidInFreshCopy += 1;
      this.stats.refetchesOnUnknownKid += 1;
      await this.#fetch();
      jwk = this.#copy!.keys.find((key) => key.kid === kid);
    }
    if (jwk === undefined) throw new Error(`no key ${kid} in the JWKS`);
    const cacheKey = `${kid}/${alg}`;
    let imported = this.#imported.get(cacheKey);
    if (imported === undefined) {
      imported = importJWK(jwk, alg);
      this.#imported.set(cacheKey, imported);
    }
    return imported;
  }

  #age(): number {
    return (this.options.now().getTime() - this.#copy!.fetchedAtMs) / 1_000;
  }

  #lifetimeSeconds(copy: Copy): number {
    const lifetime = this.options.lifetime ?? 'max-age';
    if (lifetime === 'max-age') return copy.maxAgeSeconds;
    if (lifetime === 'max-age+stale-while-revalidate') return copy.maxAgeSeconds + copy.staleWhileRevalidateSeconds;
    return lifetime.seconds;
  }

  async #fetch(): Promise<void> {
    const headers: Record<string, string> = {};
    if (this.options.userAgent !== undefined) headers['user-agent'] = this.options.userAgent;
    if (this.#copy?.etag != null) headers['if-none-match'] = this.#copy.etag;
    this.stats.requests += 1;
    const response = await fetch(this.options.url, { headers });
    const cacheControl = response.headers.get('cache-control') ?? '';
    const directive = (name: string) => {
      const match = new RegExp(`(?:^|,)\\s*${name}=(\\d+)`).exec(cacheControl);
      if (match === null) throw new Error(`Cache-Control without ${name}: ${cacheControl}`);
      return Number(match[1]);
    };
    const fetchedAtMs = this.options.now().getTime();
    if (response.status === 304 && this.#copy !== undefined) {
      await response.arrayBuffer();
      this.stats.notModified += 1;
      this.#copy = {
        ...this.#copy,
        fetchedAtMs,
        maxAgeSeconds: directive('max-age'),
        staleWhileRevalidateSeconds: directive('stale-while-revalidate'),
      };
      return;
    }
    if (response.status !== 200) throw new Error(`JWKS fetch: HTTP ${response.status}`);
    const body = (await response.json()) as { keys: PublicJwk[] };
    this.#copy = {
      keys: body.keys,
      etag: response.headers.get('etag'),
      fetchedAtMs,
      maxAgeSeconds: directive('max-age'),
      staleWhileRevalidateSeconds: directive('stale-while-revalidate'),
    };
  }
}
