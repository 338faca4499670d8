// The gateway's listener: node:http, or node:https with Strict-Transport-Security on every response.

import http from 'node:http';
import https from 'node:https';
import type { HttpTls } from './tls-config.js';

const HSTS = 'Strict-Transport-Security';

/**
 * Plain HTTP without `tls`. With it, HTTPS (same timeouts and keep-alive defaults as
 * http.createServer) where every response the handler writes carries
 * `Strict-Transport-Security: max-age=<hstsMaxAgeSeconds>`, unless the handler set that header
 * itself. The caller listens and closes, exactly as with http.createServer.
 */
export function createHttpListener(
  handler: http.RequestListener,
  tls: HttpTls | undefined,
  hstsMaxAgeSeconds: number,
): http.Server | https.Server {
  if (tls === undefined) return http.createServer(handler);
  if (!Number.isSafeInteger(hstsMaxAgeSeconds) || hstsMaxAgeSeconds < 0) {
    throw new RangeError(`hstsMaxAgeSeconds must be a non-negative integer, got ${hstsMaxAgeSeconds}`);
  }
  return https.createServer(
    { cert: tls.certPem, key: tls.keyPem, ServerResponse: strictTransportResponse(`max-age=${hstsMaxAgeSeconds}`) },
    handler,
  );
}

/**
 * A ServerResponse that adds the header as its head is written: the one moment every response
 * passes through (explicit writeHead, or the implicit one of write/end). Setting it before the
 * handler runs instead would lose it on responses whose handler clears headers before answering
 * (the gateway's 500 path does). No allocation per request beyond Node's own header store.
 */
function strictTransportResponse(value: string): typeof http.ServerResponse {
  class StrictTransportResponse extends http.ServerResponse {}
  // eslint-disable-next-line @typescript-eslint/unbound-method -- applied below with the response as `this`
  const writeHead = http.ServerResponse.prototype.writeHead;
  function writeHeadWithHsts(this: http.ServerResponse, ...args: unknown[]): http.ServerResponse {
    // After headers are sent, leave the call to Node's own writeHead to refuse.
    if (!this.headersSent && !this.hasHeader(HSTS)) this.setHeader(HSTS, value);
    // Forwards whichever writeHead overload was called, untouched.
    return Reflect.apply(writeHead, this, args) as http.ServerResponse;
  }
  Object.defineProperty(StrictTransportResponse.prototype, 'writeHead', {
    value: writeHeadWithHsts,
    writable: true,
    configurable: true,
  });
  // A subclass with no constructor of its own: the generic base signature is what it really has.
  return StrictTransportResponse as unknown as typeof http.ServerResponse;
}
