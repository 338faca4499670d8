// GET /metrics on a listener of its own, apart from the public gateway: key set names and activity
// are for operators, not for whoever can reach jwks_uri. Loopback by default; with a token set,
// every scrape must send it as `Authorization: Bearer <token>`.
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

export interface MetricsExposition {
  readonly contentType: string;
  render(): Promise<string>;
}

export interface MetricsEndpointOptions {
  /** Unset: no token is asked for (the listener is then protected by where it is bound). */
  readonly token: string | undefined;
  /** Told about a failed render (answered 500); must not throw. */
  readonly onError: (error: unknown) => void;
}

const BEARER = /^Bearer +(\S+) *$/i;
const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

/** The caller listens and closes (closeMetricsListener). */
export function createMetricsListener(metrics: MetricsExposition, options: MetricsEndpointOptions): http.Server {
  const expected = options.token === undefined ? undefined : digest(options.token);
  return http.createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== '/metrics') {
      res.writeHead(404, TEXT).end('not found: the metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...TEXT, Allow: 'GET, HEAD' }).end('method not allowed\n');
      return;
    }
    if (expected !== undefined && !presents(req.headers.authorization, expected)) {
      res.writeHead(401, { ...TEXT, 'WWW-Authenticate': 'Bearer realm="keyward-metrics"' }).end('unauthorized\n');
      return;
    }
    metrics.render().then(
      (body) => {
        res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        options.onError(error);
        res.writeHead(500, TEXT).end('the metrics could not be collected\n');
      },
    );
  });
}

/** Stops at once: a scrape cut short is simply retried at the next interval. */
export function closeMetricsListener(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Compared as digests, so the time taken says nothing about the token nor its length. */
function presents(authorization: string | undefined, expected: Buffer): boolean {
  const token = BEARER.exec(authorization ?? '')?.[1];
  return token !== undefined && timingSafeEqual(digest(token), expected);
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
