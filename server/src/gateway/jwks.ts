// GET/HEAD /.well-known/jwks.json and /key-sets/{name}/.well-known/jwks.json

import { DocumentEndpoint } from './document-endpoint.js';
import type { GatewayMetrics, GatewaySource } from './source.js';

export const JWKS_CONTENT_TYPE = 'application/jwk-set+json';

export function createJwksEndpoint(
  source: GatewaySource,
  cacheControl: string,
  metrics: GatewayMetrics | undefined,
): DocumentEndpoint {
  return new DocumentEndpoint(
    JWKS_CONTENT_TYPE,
    cacheControl,
    (keySet) => source.jwks(keySet),
    source.jwksServed === undefined ? undefined : (keySet, req) => source.jwksServed?.(keySet, req),
    metrics === undefined ? undefined : (status) => metrics.jwksResponse(status),
  );
}
