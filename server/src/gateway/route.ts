// Maps a request target to what it names. Fixed paths are plain string compares; the one
// parameterised path (/key-sets/{name}/...) is a small fixed parse, no regex.

import { DEFAULT_KEY_SET } from '../publication/urls.js';
import { decodeKeySetName } from './key-set-name.js';

export type DocumentKind = 'jwks' | 'discovery';

export type Route =
  | { readonly kind: 'document'; readonly document: DocumentKind; readonly keySet: string }
  | { readonly kind: 'healthz' }
  | { readonly kind: 'readyz' }
  | { readonly kind: 'failure-report' }
  /** /key-sets/{name}/... where {name} can never be a key set: a 404 like any unknown path. */
  | { readonly kind: 'invalid-key-set-name' }
  | { readonly kind: 'not-found' };

const JWKS_PATH = '/.well-known/jwks.json';
const DISCOVERY_PATH = '/.well-known/openid-configuration';
const KEY_SETS_PREFIX = '/key-sets/';

// Routes without a parameter are shared constants: nothing is allocated for them per request.
const DEFAULT_JWKS: Route = { kind: 'document', document: 'jwks', keySet: DEFAULT_KEY_SET };
const DEFAULT_DISCOVERY: Route = { kind: 'document', document: 'discovery', keySet: DEFAULT_KEY_SET };
const HEALTHZ: Route = { kind: 'healthz' };
const READYZ: Route = { kind: 'readyz' };
const FAILURE_REPORT: Route = { kind: 'failure-report' };
const INVALID_KEY_SET_NAME: Route = { kind: 'invalid-key-set-name' };
const NOT_FOUND: Route = { kind: 'not-found' };

/** `url` is the request target as received (req.url); its query string is ignored. */
export function routeOf(url: string): Route {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  switch (path) {
    case JWKS_PATH:
      return DEFAULT_JWKS;
    case DISCOVERY_PATH:
      return DEFAULT_DISCOVERY;
    case '/healthz':
      return HEALTHZ;
    case '/readyz':
      return READYZ;
    case '/v1/verification-failures':
      return FAILURE_REPORT;
  }
  return keySetRouteOf(path);
}

function keySetRouteOf(path: string): Route {
  if (!path.startsWith(KEY_SETS_PREFIX)) return NOT_FOUND;
  const nameEnd = path.indexOf('/', KEY_SETS_PREFIX.length);
  if (nameEnd === -1) return NOT_FOUND;
  const document = documentAt(path, nameEnd);
  if (document === undefined) return NOT_FOUND;
  const keySet = decodeKeySetName(path.slice(KEY_SETS_PREFIX.length, nameEnd));
  if (keySet === undefined) return INVALID_KEY_SET_NAME;
  return { kind: 'document', document, keySet };
}

/** Which document the rest of the path (from `start`) names, if it is exactly one of them. */
function documentAt(path: string, start: number): DocumentKind | undefined {
  const restLength = path.length - start;
  if (restLength === JWKS_PATH.length && path.startsWith(JWKS_PATH, start)) return 'jwks';
  if (restLength === DISCOVERY_PATH.length && path.startsWith(DISCOVERY_PATH, start)) return 'discovery';
  return undefined;
}
