import type { KeyRecord } from '../model/key.js';
import type { KeySetRecord } from '../model/key-set.js';
import { publishJson, type PublishedDocument } from './document.js';
import { publishedKeys } from './jwks.js';
import { defaultIssuer, jwksUri } from './urls.js';

/**
 * The OpenID Connect Discovery members a token verifier reads. Keyward is not an authorization
 * server, so the endpoint members an OP would add are left out rather than invented.
 */
export function buildDiscovery(keySet: KeySetRecord, keys: readonly KeyRecord[], publicUrl: string): PublishedDocument {
  // Every published key's algorithm: during an algorithm migration both stay listed.
  const algorithms = [...new Set(publishedKeys(keys).map((key) => key.alg))];
  return publishJson({
    issuer: keySet.issuer ?? defaultIssuer(publicUrl, keySet.name),
    jwks_uri: jwksUri(publicUrl, keySet.name),
    id_token_signing_alg_values_supported: algorithms,
  });
}
