// Cache-Control values for the published documents and for everything else.

/** stale-if-error: during an outage, a verifier holding a day-old JWKS beats one holding none. */
const STALE_IF_ERROR_SECONDS = 86_400;
const MAX_STALE_WHILE_REVALIDATE_SECONDS = 60;

/**
 * For the JWKS and discovery documents. stale-while-revalidate is kept short on purpose: a new key
 * must be published for at least max-age + stale-while-revalidate before it signs anything (so every
 * cache has seen it), and a long swr would stretch every rotation's pre-publish period.
 */
export function staleWhileRevalidateSeconds(maxAgeSeconds: number): number {
  return Math.min(maxAgeSeconds, MAX_STALE_WHILE_REVALIDATE_SECONDS);
}

export function documentCacheControl(maxAgeSeconds: number): string {
  const staleWhileRevalidate = staleWhileRevalidateSeconds(maxAgeSeconds);
  return (
    `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${staleWhileRevalidate}, ` +
    `stale-if-error=${STALE_IF_ERROR_SECONDS}`
  );
}

/** Errors, health and readiness must never be served from a cache. */
export const NO_STORE = 'no-store';
