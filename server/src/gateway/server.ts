// Creates the public HTTP gateway (node:http, keep-alive on) and shuts it down quickly.

import http from 'node:http';
import { invalidArgument } from '../errors.js';
import { CONNECT_REJECTION } from './error-responses.js';
import { createRequestHandler, type GatewayState } from './request-handler.js';
import type { GatewayOptions, GatewaySource } from './source.js';

/** How often, while closing, connections that finished their last response are closed. */
const IDLE_SWEEP_MS = 50;
const DEFAULT_CLOSE_GRACE_MS = 5_000;

const gatewayStates = new WeakMap<http.Server, GatewayState>();

/**
 * The caller listens and closes (see closeGateway). Throws INVALID_ARGUMENT on bad options.
 * `createListener` makes the server around the request handler (HTTPS: transport/http-listener.ts).
 */
export function createGateway(
  source: GatewaySource,
  options: GatewayOptions,
  createListener: (handler: http.RequestListener) => http.Server = (handler) => http.createServer(handler),
): http.Server {
  const maxAge = options.jwksMaxAgeSeconds;
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw invalidArgument('jwksMaxAgeSeconds', 'must be a non-negative integer');
  }
  const state: GatewayState = { closing: false };
  const server = createListener(createRequestHandler(source, options, state));
  // CONNECT bypasses the request handler; with no listener Node would silently drop the socket.
  server.on('connect', (_req, socket) => {
    socket.on('error', () => socket.destroy()); // a detached socket's error would otherwise crash the process
    socket.end(CONNECT_REJECTION);
  });
  gatewayStates.set(server, state);
  return server;
}

/**
 * Stops accepting, closes idle keep-alive connections at once and the others as soon as their
 * in-flight response is done; after `graceMs` any connection still open is cut.
 */
export function closeGateway(server: http.Server, graceMs: number = DEFAULT_CLOSE_GRACE_MS): Promise<void> {
  const state = gatewayStates.get(server);
  if (state) state.closing = true;
  return new Promise<void>((resolve, reject) => {
    // server.close() only closes connections idle *now*; keep sweeping for ones that become idle.
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    sweep.unref();
    deadline.unref();
    server.close((err) => {
      clearInterval(sweep);
      clearTimeout(deadline);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- wrong: Error has no `code`
      const alreadyClosed = (err as NodeJS.ErrnoException | undefined)?.code === 'ERR_SERVER_NOT_RUNNING';
      if (err && !alreadyClosed) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
