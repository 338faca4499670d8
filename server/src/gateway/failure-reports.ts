// POST /v1/verification-failures: relying parties report the tokens that failed to verify. This
// module reads and decodes the request; the source authenticates, authorizes and applies the same
// intake rules as the ReportVerificationFailures RPC. Only `application/json` with a bearer token:
// a browser cannot send that cross-site without a preflight this gateway never grants, and no
// cookie is ever read, so there is nothing for a forged request to ride on.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { KeywardError } from '../errors.js';
import type { FailureReport, ReportedFailure } from '../reports/failure-reports.js';
import { prepareJsonResponse, sendPrepared } from './prepared-response.js';
import type { GatewaySource } from './source.js';

export const MAX_REPORT_BODY_BYTES = 256 * 1024;

const HTTP_STATUS: Partial<Record<KeywardError['code'], number>> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 503,
};

const ERROR_NAMES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Answers one report request; an unexpected error goes to `fail` (a 500). */
export function serveFailureReport(
  source: GatewaySource,
  req: IncomingMessage,
  res: ServerResponse,
  fail: (err: unknown) => void,
): void {
  const report = source.reportFailures;
  if (req.method !== 'POST' || report === undefined) {
    sendError(res, 405, 'allowed methods: POST', ['Allow', 'POST']);
    req.resume();
    return;
  }
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    sendError(res, 415, 'Content-Type must be application/json');
    req.resume();
    return;
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_REPORT_BODY_BYTES) {
    sendError(res, 413, `the body must be at most ${MAX_REPORT_BODY_BYTES} bytes`, ['Connection', 'close']);
    req.destroy();
    return;
  }
  readBody(req)
    .then(async (body) => {
      if (body === undefined) {
        sendError(res, 413, `the body must be at most ${MAX_REPORT_BODY_BYTES} bytes`, ['Connection', 'close']);
        return;
      }
      const accepted = await report(req.headers.authorization, decodeReport(body));
      sendPrepared(res, prepareJsonResponse(202, { accepted }), false);
    })
    .catch((err: unknown) => {
      const status = err instanceof KeywardError ? HTTP_STATUS[err.code] : undefined;
      if (err instanceof KeywardError && status !== undefined) {
        const headers =
          status === 429 ? ['Retry-After', String(Math.max(1, Math.ceil((err.retryAfterMs ?? 1_000) / 1_000)))] : [];
        if (status === 401) headers.push('WWW-Authenticate', 'Bearer');
        sendError(res, status, err.message, headers);
      } else {
        fail(err);
      }
    });
}

/** The body, or undefined once it passes the limit (the rest is then not read). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_REPORT_BODY_BYTES) {
        req.off('data', onData);
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** The JSON body as a FailureReport; the intake rules check the values, this only their types. */
export function decodeReport(body: Buffer): FailureReport {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid('body', 'must be a JSON object');
  }
  if (!isObject(value)) throw invalid('body', 'must be a JSON object');
  const keySet = value['key_set'];
  if (typeof keySet !== 'string') throw invalid('key_set', 'must be a string');
  const items = value['items'];
  if (!Array.isArray(items)) throw invalid('items', 'must be an array');
  return { keySet, items: items.map((item: unknown, index) => decodeItem(item, `items[${index}]`)) };
}

function decodeItem(item: unknown, field: string): ReportedFailure {
  if (!isObject(item)) throw invalid(field, 'must be an object');
  const kid = item['kid'] ?? '';
  const reason = item['reason'];
  const alg = item['alg'] ?? '';
  const count = item['count'];
  const windowStart = item['window_start'];
  if (typeof kid !== 'string') throw invalid(`${field}.kid`, 'must be a string');
  if (typeof reason !== 'string') throw invalid(`${field}.reason`, 'must be a string');
  if (typeof alg !== 'string') throw invalid(`${field}.alg`, 'must be a string');
  if (typeof count !== 'number') throw invalid(`${field}.count`, 'must be a number');
  // RFC 3339 with a time zone, as protobuf's JSON mapping writes a Timestamp.
  if (typeof windowStart !== 'string' || !RFC3339.test(windowStart) || Number.isNaN(Date.parse(windowStart))) {
    throw invalid(`${field}.window_start`, 'must be an RFC 3339 time such as "2026-12-06T05:00:00Z"');
  }
  return { kid, reason, alg, count, windowStart: new Date(windowStart) };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, problem: string): KeywardError {
  return new KeywardError('INVALID_ARGUMENT', `${field}: ${problem}`);
}

function sendError(res: ServerResponse, status: number, description: string, headers: string[] = []): void {
  const error = ERROR_NAMES[status] ?? 'error';
  sendPrepared(res, prepareJsonResponse(status, { error, error_description: description }, headers), false);
}
