// The relying party's copy of a JWKS: reused for as long as the response's Cache-Control allows,
// revalidated with If-None-Match, refreshed in the background within stale-while-revalidate, served
// stale through an outage within stale-if-error (capped), and refetched on an unknown kid within a
// budget. One request in flight at a time: concurrent callers share it.
import type { JWK } from 'jose';
import { parseCacheControl, type CacheDirectives } from './cache-control.js';
import { RecentKids } from './recent-kids.js';
import { JwksUnavailableError, KeywardVerificationError } from './verify-reasons.js';

export type FetchTrigger = 'initial' | 'expired' | 'background' | 'unknown-kid';

export interface FetchEvent {
  readonly trigger: FetchTrigger;
  /** updated: 200 with a new set; not-modified: 304, the copy is kept; failed: no usable answer. */
  readonly outcome: 'updated' | 'not-modified' | 'failed';
  readonly status?: number;
  readonly error?: Error;
}

export interface JwksCacheOptions {
  readonly jwksUri: string;
  readonly clock: () => Date;
  readonly fetch: typeof fetch;
  readonly fetchTimeoutSeconds: number;
  /** When the response names no max-age. */
  readonly defaultMaxAgeSeconds: number;
  /** A floor under max-age (also for no-store / no-cache): protects the jwks_uri from a refetch per token. */
  readonly minMaxAgeSeconds: number;
  /** Cap on stale-if-error (and its value when the response names none). */
  readonly maxStaleIfErrorSeconds: number;
  /** After a failed fetch, callers get the stale copy (or the failure) without a new request for this long. */
  readonly fetchRetrySeconds: number;
  /** An unknown kid causes a refetch only if no fetch happened within this many seconds. */
  readonly unknownKidRefetchIntervalSeconds: number;
  /** How long a kid a fresh JWKS lacked fails at once, and how many such kids are remembered. */
  readonly unknownKidMemorySeconds: number;
  readonly unknownKidMemorySize: number;
  readonly onFetch?: (event: FetchEvent) => void;
}

interface Copy {
  readonly keys: readonly JWK[];
  readonly etag: string | undefined;
  readonly fetchedAtMs: number;
  readonly maxAgeMs: number;
  readonly staleWhileRevalidateMs: number;
  readonly staleIfErrorMs: number;
}

export class JwksCache {
  #copy: Copy | undefined;
  #inFlight: Promise<Copy> | undefined;
  #lastFailure: { readonly atMs: number; readonly error: JwksUnavailableError } | undefined;
  #lastUnknownKidFetchMs = Number.NEGATIVE_INFINITY;
  readonly #unknownKids: RecentKids;

  constructor(private readonly options: JwksCacheOptions) {
    this.#unknownKids = new RecentKids(options.unknownKidMemorySize, options.unknownKidMemorySeconds * 1_000);
  }

  /**
   * The signing keys (use "sig" or no use) the JWKS holds for `kid`. Throws KeywardVerificationError
   * UNKNOWN_KID when it holds none, JwksUnavailableError when no usable copy can be had.
   */
  async signingKeys(kid: string): Promise<readonly JWK[]> {
    const held = await this.#usableCopy();
    let found = signingKeysOf(held, kid);
    if (found.length > 0) return found;
    const nowMs = this.#nowMs();
    if (this.#unknownKids.has(kid, nowMs)) throw unknownKid(kid, 'was not in the JWKS moments ago');

    // A request already on its way may bring the kid: wait for it, free of the budget. Otherwise
    // refetch only if neither such a refetch nor any fetch happened within the interval.
    let fresh = this.#inFlight;
    if (fresh === undefined) {
      const lastMs = Math.max(this.#lastUnknownKidFetchMs, held.fetchedAtMs);
      if (nowMs - lastMs < this.options.unknownKidRefetchIntervalSeconds * 1_000) {
        throw unknownKid(kid, 'is not in the JWKS (fetched moments ago; refetched later)');
      }
      this.#lastUnknownKidFetchMs = nowMs;
      fresh = this.#refresh('unknown-kid');
    }
    let copy: Copy;
    try {
      copy = await fresh;
    } catch {
      // The refetch failed: the kid was not checked against a current set, so it is not remembered.
      throw unknownKid(kid, 'is not in the JWKS held (refetching it failed)');
    }
    found = signingKeysOf(copy, kid);
    if (found.length > 0) return found;
    this.#unknownKids.add(kid, this.#nowMs());
    throw unknownKid(kid, 'is not in the JWKS');
  }

  /** Resolves once no request is in flight (tests and shutdown wait for a background refresh). */
  async settled(): Promise<void> {
    while (this.#inFlight !== undefined) await this.#inFlight.catch(() => undefined);
  }

  async #usableCopy(): Promise<Copy> {
    const copy = this.#copy;
    if (copy === undefined) return this.#refresh('initial');
    const ageMs = this.#nowMs() - copy.fetchedAtMs;
    if (ageMs < copy.maxAgeMs) return copy;
    if (ageMs < copy.maxAgeMs + copy.staleWhileRevalidateMs) {
      this.#refresh('background').catch(() => undefined); // reported through onFetch
      return copy;
    }
    try {
      return await this.#refresh('expired');
    } catch (error) {
      if (ageMs < copy.maxAgeMs + copy.staleIfErrorMs) return copy;
      throw error;
    }
  }

  #refresh(trigger: FetchTrigger): Promise<Copy> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const failure = this.#lastFailure;
    if (failure !== undefined && this.#nowMs() - failure.atMs < this.options.fetchRetrySeconds * 1_000) {
      return Promise.reject(failure.error);
    }
    const request = this.#fetch(trigger).finally(() => {
      this.#inFlight = undefined;
    });
    this.#inFlight = request;
    return request;
  }

  async #fetch(trigger: FetchTrigger): Promise<Copy> {
    const previous = this.#copy;
    const headers: Record<string, string> = { accept: 'application/jwk-set+json, application/json' };
    if (previous?.etag !== undefined) headers['if-none-match'] = previous.etag;
    let status: number | undefined;
    try {
      const response = await this.options.fetch(this.options.jwksUri, {
        headers,
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.fetchTimeoutSeconds * 1_000),
      });
      status = response.status;
      const lifetimes = this.#lifetimes(parseCacheControl(response.headers.get('cache-control')));
      const etag = response.headers.get('etag') ?? undefined;
      const fetchedAtMs = this.#nowMs();
      if (status === 304 && previous !== undefined) {
        await response.body?.cancel();
        this.#copy = { ...previous, ...lifetimes, etag: etag ?? previous.etag, fetchedAtMs };
      } else if (status === 200) {
        this.#copy = { keys: parseJwks(await response.json()), ...lifetimes, etag, fetchedAtMs };
      } else {
        await response.body?.cancel();
        throw new Error(`HTTP ${status}`);
      }
      this.#lastFailure = undefined;
      this.options.onFetch?.({ trigger, outcome: status === 200 ? 'updated' : 'not-modified', status });
      return this.#copy;
    } catch (cause) {
      const error = new JwksUnavailableError(
        `fetching the JWKS from ${this.options.jwksUri} failed: ${(cause as Error).message}`,
        { cause },
      );
      this.#lastFailure = { atMs: this.#nowMs(), error };
      this.options.onFetch?.({ trigger, outcome: 'failed', ...(status === undefined ? {} : { status }), error });
      throw error;
    }
  }

  #lifetimes(directives: CacheDirectives): Pick<Copy, 'maxAgeMs' | 'staleWhileRevalidateMs' | 'staleIfErrorMs'> {
    const { defaultMaxAgeSeconds, minMaxAgeSeconds, maxStaleIfErrorSeconds } = this.options;
    const maxAge = directives.noReuse ? 0 : (directives.maxAge ?? defaultMaxAgeSeconds);
    return {
      maxAgeMs: Math.max(maxAge, minMaxAgeSeconds) * 1_000,
      staleWhileRevalidateMs: (directives.staleWhileRevalidate ?? 0) * 1_000,
      staleIfErrorMs: Math.min(directives.staleIfError ?? maxStaleIfErrorSeconds, maxStaleIfErrorSeconds) * 1_000,
    };
  }

  #nowMs(): number {
    return this.options.clock().getTime();
  }
}

function signingKeysOf(copy: Copy, kid: string): JWK[] {
  return copy.keys.filter((key) => key.kid === kid && (key.use === undefined || key.use === 'sig'));
}

function unknownKid(kid: string, why: string): KeywardVerificationError {
  return new KeywardVerificationError('UNKNOWN_KID', `the token's kid ${JSON.stringify(kid)} ${why}`, kid);
}

/** A JWKS body: `keys` an array; members that are not objects are left out. */
function parseJwks(body: unknown): JWK[] {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error('the response is not a JWKS (no "keys" array)');
  return keys.filter((key): key is JWK => typeof key === 'object' && key !== null && !Array.isArray(key));
}
