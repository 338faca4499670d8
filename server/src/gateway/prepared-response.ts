// A response whose status, header array and body are built once and then only written.

import type { ServerResponse } from 'node:http';
import { NO_STORE } from './cache-control.js';

export interface PreparedResponse {
  readonly status: number;
  /** Flat [name, value, ...] array for res.writeHead: Node's fastest header path. Never mutated. */
  readonly headers: string[];
  readonly body: Buffer;
}

/** A JSON response that no cache may store (errors, probes). `extraHeaders` is flat, like `headers`. */
export function prepareJsonResponse(
  status: number,
  value: unknown,
  extraHeaders: readonly string[] = [],
): PreparedResponse {
  const body = Buffer.from(JSON.stringify(value));
  const headers = [
    'Content-Type',
    'application/json',
    'Content-Length',
    String(body.length),
    'Cache-Control',
    NO_STORE,
    'X-Content-Type-Options',
    'nosniff',
    // Everything here is public; CORS on errors lets browser clients read why a fetch failed.
    'Access-Control-Allow-Origin',
    '*',
    ...extraHeaders,
  ];
  return { status, headers, body };
}

/** HEAD gets the same headers (Content-Length included) and no body. */
export function sendPrepared(res: ServerResponse, response: PreparedResponse, isHead: boolean): void {
  res.writeHead(response.status, response.headers);
  if (isHead) res.end();
  else res.end(response.body);
}
