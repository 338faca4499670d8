// The key set's JWKS exactly as the HTTP gateway (or whatever cache sits in front of it) serves it,
// fetched from the dashboard's server. A failure is an answer to show, never an error for the page.
import 'server-only';
import { dashboardConfig } from './dashboard-config';
import { liveJwksUrl } from './gateway-url';

/**
 * Sent with every fetch. Keyward's gateway does not count this User-Agent among the clients whose
 * fetches make rotation readiness (server/src/app.ts): looking at the page must not move the share.
 */
export const DASHBOARD_USER_AGENT = 'keyward-dashboard/1';

const TIMEOUT_MS = 3_000;
/** A JWKS is a few kilobytes; anything far larger is not one. */
const MAX_BYTES = 1_048_576;

export type LiveJwks =
  | {
      readonly ok: true;
      readonly url: string;
      readonly status: number;
      readonly body: string;
      readonly byteLength: number;
      readonly etag: string | undefined;
      readonly cacheControl: string | undefined;
      readonly age: string | undefined;
      readonly lastModified: string | undefined;
      readonly contentType: string | undefined;
    }
  | { readonly ok: false; readonly url: string; readonly error: string };

export async function fetchLiveJwks(jwksUri: string): Promise<LiveJwks> {
  const url = liveJwksUrl(jwksUri, dashboardConfig().gatewayOrigin);
  try {
    const response = await fetch(url, {
      headers: { 'user-agent': DASHBOARD_USER_AGENT, accept: 'application/jwk-set+json, application/json' },
      cache: 'no-store',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > MAX_BYTES) {
      return { ok: false, url: url.href, error: `the response is ${bytes.byteLength} bytes: not a JWKS` };
    }
    const header = (name: string) => response.headers.get(name) ?? undefined;
    return {
      ok: true,
      url: url.href,
      status: response.status,
      body: new TextDecoder().decode(bytes),
      byteLength: bytes.byteLength,
      etag: header('etag'),
      cacheControl: header('cache-control'),
      age: header('age'),
      lastModified: header('last-modified'),
      contentType: header('content-type'),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { ok: false, url: url.href, error: `the gateway could not be reached (${reason})` };
  }
}
