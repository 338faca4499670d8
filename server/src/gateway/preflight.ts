// OPTIONS on a document path: the CORS preflight. Browsers send one before a conditional fetch
// because If-None-Match is not a CORS-safelisted request header.

import type { ServerResponse } from 'node:http';
import { DOCUMENT_METHODS } from './error-responses.js';

const PREFLIGHT_HEADERS = [
  'Access-Control-Allow-Origin',
  '*',
  'Access-Control-Allow-Methods',
  DOCUMENT_METHODS,
  'Access-Control-Allow-Headers',
  'If-None-Match',
  // The answer never changes, so let browsers keep it for a day (they cap it lower anyway).
  'Access-Control-Max-Age',
  '86400',
];

export function sendPreflight(res: ServerResponse): void {
  res.writeHead(204, PREFLIGHT_HEADERS);
  res.end();
}
