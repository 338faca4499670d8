// The request listener: route, check the method, hand off to one endpoint module. Never throws.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { documentCacheControl } from './cache-control.js';
import { createDiscoveryEndpoint } from './discovery.js';
import type { DocumentEndpoint } from './document-endpoint.js';
import {
  DOCUMENT_METHOD_NOT_ALLOWED,
  INTERNAL_ERROR,
  INVALID_KEY_SET_NAME,
  NOT_FOUND,
  PROBE_METHOD_NOT_ALLOWED,
} from './error-responses.js';
import { serveFailureReport } from './failure-reports.js';
import { sendHealthy } from './health.js';
import { createJwksEndpoint } from './jwks.js';
import { sendPreflight } from './preflight.js';
import { sendPrepared } from './prepared-response.js';
import { serveReadiness } from './readiness.js';
import { routeOf, type DocumentKind } from './route.js';
import type { GatewayOptions, GatewaySource } from './source.js';

/** Shared with closeGateway: once closing, responses ask clients not to reuse the connection. */
export interface GatewayState {
  closing: boolean;
}

export function createRequestHandler(
  source: GatewaySource,
  options: GatewayOptions,
  state: GatewayState,
): RequestListener {
  const cacheControl = documentCacheControl(options.jwksMaxAgeSeconds);
  const documents: Record<DocumentKind, DocumentEndpoint> = {
    jwks: createJwksEndpoint(source, cacheControl, options.metrics),
    discovery: createDiscoveryEndpoint(source, cacheControl),
  };

  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown): void => {
    respondToFailure(req, res, err, options.onError);
  };

  function dispatch(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method;
    const isHead = method === 'HEAD';
    const isRead = isHead || method === 'GET';
    const route = routeOf(req.url ?? '');
    switch (route.kind) {
      case 'document':
        if (isRead) documents[route.document].serve(req, res, route.keySet, isHead);
        else if (method === 'OPTIONS') sendPreflight(res);
        else sendPrepared(res, DOCUMENT_METHOD_NOT_ALLOWED, false);
        return;
      case 'healthz':
        if (isRead) sendHealthy(res, isHead);
        else sendPrepared(res, PROBE_METHOD_NOT_ALLOWED, false);
        return;
      case 'readyz':
        if (isRead) serveReadiness(source, res, isHead).catch((err: unknown) => fail(req, res, err));
        else sendPrepared(res, PROBE_METHOD_NOT_ALLOWED, false);
        return;
      case 'failure-report':
        serveFailureReport(source, req, res, (err) => fail(req, res, err));
        return;
      case 'invalid-key-set-name':
        sendPrepared(res, INVALID_KEY_SET_NAME, isHead);
        return;
      case 'not-found':
        sendPrepared(res, NOT_FOUND, isHead);
        return;
    }
  }

  return function handleGatewayRequest(req, res) {
    if (state.closing) res.setHeader('Connection', 'close');
    try {
      dispatch(req, res);
    } catch (err) {
      fail(req, res, err);
    }
  };
}

/** A 500 with a fixed body: whatever went wrong goes to onError, never to the client. */
function respondToFailure(
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
  onError: ((err: unknown) => void) | undefined,
): void {
  try {
    onError?.(err);
  } catch {
    // A broken reporter must not stop the client from getting an answer.
  }
  try {
    if (res.headersSent) {
      // Half a response is already on the wire; dropping the connection is the only honest end.
      res.destroy();
      return;
    }
    // A writeHead that threw may have left a status line and headers behind; start clean.
    for (const name of res.getHeaderNames()) if (name !== 'connection') res.removeHeader(name);
    res.statusMessage = '';
    sendPrepared(res, INTERNAL_ERROR, req.method === 'HEAD');
  } catch {
    res.destroy();
  }
}
