// A jwks_uri the test controls: the keys it publishes, its Cache-Control, an outage switch; strong
// ETags and 304 answers to a matching If-None-Match, as Keyward's gateway gives.
import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import { startHttpStub, type HttpStub, type StubAnswer } from './http-stub.js';

export interface JwksStub {
  readonly stub: HttpStub;
  readonly url: string;
  keys: JWK[];
  cacheControl: string;
  /** When true, every request is answered 503. */
  down: boolean;
  /** Requests answered 200 / 304 / failed so far. */
  readonly counts: { full: number; notModified: number; failed: number };
  close(): Promise<void>;
}

export async function startJwksStub(keys: JWK[], cacheControl: string): Promise<JwksStub> {
  const counts = { full: 0, notModified: 0, failed: 0 };
  const answer = (request: { headers: Record<string, unknown> }): StubAnswer => {
    if (jwks.down) {
      counts.failed += 1;
      return { status: 503, headers: { 'cache-control': 'no-store' }, body: 'unavailable' };
    }
    const body = JSON.stringify({ keys: jwks.keys });
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const headers = { etag, 'cache-control': jwks.cacheControl };
    if (request.headers['if-none-match'] === etag) {
      counts.notModified += 1;
      return { status: 304, headers };
    }
    counts.full += 1;
    return { status: 200, headers: { ...headers, 'content-type': 'application/jwk-set+json' }, body };
  };
  const stub = await startHttpStub(answer);
  const jwks: JwksStub = {
    stub,
    url: `${stub.url}/key-sets/payments/.well-known/jwks.json`,
    keys,
    cacheControl,
    down: false,
    counts,
    close: () => stub.close(),
  };
  return jwks;
}
