// Where the dashboard fetches a key set's live JWKS: its public jwks_uri, or the same path on
// KEYWARD_GATEWAY_URL when the public address is not reachable from the dashboard's server (a
// CDN in front, split-horizon DNS, a container network).

/** The setting, checked: an http(s) origin with nothing after it. Throws a message naming it. */
export function parseGatewayOrigin(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`KEYWARD_GATEWAY_URL must be an http(s) origin such as http://127.0.0.1:8080, not "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`KEYWARD_GATEWAY_URL must use http or https, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error('KEYWARD_GATEWAY_URL must not carry credentials');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new Error(`KEYWARD_GATEWAY_URL must be an origin only (no path, query or fragment), not "${value}"`);
  }
  return url.origin;
}

/** `jwksUri` with its origin replaced by `gatewayOrigin` (when set): same path, same query. */
export function liveJwksUrl(jwksUri: string, gatewayOrigin: string | undefined): URL {
  const url = new URL(jwksUri);
  if (gatewayOrigin === undefined) return url;
  return new URL(`${url.pathname}${url.search}`, gatewayOrigin);
}
