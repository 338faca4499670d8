// The public addresses of a key set. `default` lives at the root, the way single-issuer clients
// expect; every other key set under /key-sets/{name}.
export const DEFAULT_KEY_SET = 'default';

export function keySetBaseUrl(publicUrl: string, keySetName: string): string {
  return keySetName === DEFAULT_KEY_SET ? publicUrl : `${publicUrl}/key-sets/${keySetName}`;
}

export function jwksUri(publicUrl: string, keySetName: string): string {
  return `${keySetBaseUrl(publicUrl, keySetName)}/.well-known/jwks.json`;
}

/** OpenID Connect Discovery: the issuer is the URL the discovery document hangs off. */
export function defaultIssuer(publicUrl: string, keySetName: string): string {
  return keySetBaseUrl(publicUrl, keySetName);
}
