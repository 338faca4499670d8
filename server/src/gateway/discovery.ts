// GET/HEAD /.well-known/openid-configuration and /key-sets/{name}/.well-known/openid-configuration

import { DocumentEndpoint } from './document-endpoint.js';
import type { GatewaySource } from './source.js';

export const DISCOVERY_CONTENT_TYPE = 'application/json';

export function createDiscoveryEndpoint(source: GatewaySource, cacheControl: string): DocumentEndpoint {
  return new DocumentEndpoint(DISCOVERY_CONTENT_TYPE, cacheControl, (keySet) => source.discovery(keySet));
}
