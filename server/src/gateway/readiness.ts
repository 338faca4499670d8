// GET/HEAD /readyz: readiness, as the source reports it (keys loaded, database answering).

import type { ServerResponse } from 'node:http';
import { prepareJsonResponse, sendPrepared } from './prepared-response.js';
import type { GatewaySource } from './source.js';

const READY = prepareJsonResponse(200, { status: 'ready' });

/** Rejects only if the source does; the caller turns that into a 500. */
export async function serveReadiness(source: GatewaySource, res: ServerResponse, isHead: boolean): Promise<void> {
  const readiness = await source.readiness();
  if (res.destroyed) return; // the prober gave up while we waited
  if (readiness.ready) {
    sendPrepared(res, READY, isHead);
  } else {
    sendPrepared(res, prepareJsonResponse(503, { status: 'not_ready', reason: readiness.reason }), isHead);
  }
}
