// The gateway's error answers: JSON `{"error", "error_description"}`, never cached, never a stack.

import { prepareJsonResponse, type PreparedResponse } from './prepared-response.js';

export const DOCUMENT_METHODS = 'GET, HEAD, OPTIONS';
export const PROBE_METHODS = 'GET, HEAD';

export const NOT_FOUND = prepareJsonResponse(404, {
  error: 'not_found',
  error_description: 'no such resource',
});

/** The name is not echoed: it failed validation, so it may be anything the client sent. */
export const INVALID_KEY_SET_NAME = prepareJsonResponse(404, {
  error: 'not_found',
  error_description: 'not a valid key set name',
});

/** Only called with validated names; JSON.stringify escapes the quotes around it anyway. */
export function unknownKeySet(keySet: string): PreparedResponse {
  return prepareJsonResponse(404, {
    error: 'not_found',
    error_description: `key set "${keySet}" does not exist`,
  });
}

export const DOCUMENT_METHOD_NOT_ALLOWED = prepareJsonResponse(
  405,
  { error: 'method_not_allowed', error_description: `allowed methods: ${DOCUMENT_METHODS}` },
  ['Allow', DOCUMENT_METHODS],
);

export const PROBE_METHOD_NOT_ALLOWED = prepareJsonResponse(
  405,
  { error: 'method_not_allowed', error_description: `allowed methods: ${PROBE_METHODS}` },
  ['Allow', PROBE_METHODS],
);

export const INTERNAL_ERROR = prepareJsonResponse(500, { error: 'internal_error' });

/**
 * Raw bytes for a CONNECT request: Node hands those to a 'connect' listener (or drops the socket),
 * never to the request handler, so this answer is written straight to the socket.
 */
export const CONNECT_REJECTION: Buffer = (() => {
  const body = JSON.stringify({
    error: 'method_not_allowed',
    error_description: `allowed methods: ${DOCUMENT_METHODS}`,
  });
  return Buffer.from(
    'HTTP/1.1 405 Method Not Allowed\r\n' +
      `Allow: ${DOCUMENT_METHODS}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
})();
