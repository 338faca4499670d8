// The live JWKS (as the gateway or a cache in front of it serves it) against what Keyward's
// database-backed service publishes (GetJWKS): same ETag and same kids is "in sync"; anything
// else names the kids that differ, the usual sign of a cache or CDN serving a stale copy.

export interface JwksVerdict {
  readonly inSync: boolean;
  readonly sameEtag: boolean;
  /** Published by the service, missing from what is served. */
  readonly missingFromServed: readonly string[];
  /** Served, no longer (or not yet) published by the service. */
  readonly onlyInServed: readonly string[];
}

/** The kids of a JWKS document; undefined when it is not one. */
export function kidsOf(json: string): string[] | undefined {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    return undefined;
  }
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return undefined;
  return keys.map((key) => {
    const kid = (key as { kid?: unknown } | null)?.kid;
    return typeof kid === 'string' ? kid : '';
  });
}

export function compareJwks(
  served: { readonly etag: string | undefined; readonly body: string },
  published: { readonly etag: string; readonly jwksJson: string },
): JwksVerdict {
  const servedKids = new Set(kidsOf(served.body) ?? []);
  const publishedKids = new Set(kidsOf(published.jwksJson) ?? []);
  const missingFromServed = [...publishedKids].filter((kid) => !servedKids.has(kid));
  const onlyInServed = [...servedKids].filter((kid) => !publishedKids.has(kid));
  const sameEtag = served.etag === published.etag;
  return {
    inSync: sameEtag && missingFromServed.length === 0 && onlyInServed.length === 0,
    sameEtag,
    missingFromServed,
    onlyInServed,
  };
}

/** The document indented for reading; the bytes as they are when they are not JSON. */
export function prettyJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
