// The gateway's contract with the rest of the service: it only serves what the source prepared.

import type { IncomingMessage } from 'node:http';
import type { FailureReport } from '../reports/failure-reports.js';

/** Bytes prepared once per change; `etag` is a quoted strong ETag, e.g. "\"abc\"". */
export interface PreparedDocument {
  readonly body: Buffer;
  readonly etag: string;
}

export interface GatewaySource {
  /** The JWKS of a key set by name, or undefined when there is no such key set. */
  jwks(keySet: string): PreparedDocument | undefined;
  /** The OpenID discovery document of a key set, or undefined. */
  discovery(keySet: string): PreparedDocument | undefined;
  /**
   * Optional: a client received a key set's current JWKS (200 or 304). Called on the hot path:
   * it must be cheap and must not throw.
   */
  jwksServed?(keySet: string, request: IncomingMessage): void;
  /**
   * Optional: takes a verification-failure report for the bearer `authorization`, with the rules
   * of the ReportVerificationFailures RPC; resolves with how many items it took. Rejects with a
   * KeywardError the gateway turns into a 4xx.
   */
  reportFailures?: (authorization: string | undefined, report: FailureReport) => Promise<number>;
  /** True once keys are loaded and the database answers; a short reason otherwise. */
  readiness(): Promise<{ ready: true } | { ready: false; reason: string }>;
}

export interface GatewayOptions {
  jwksMaxAgeSeconds: number;
  /** Told about every unexpected error that became a 500. Must not throw (if it does, that is ignored). */
  onError?: (err: unknown) => void;
  metrics?: GatewayMetrics;
}

/** Told how each JWKS request was answered. Called on the hot path: cheap, never throws. */
export interface GatewayMetrics {
  jwksResponse(status: 200 | 304 | 404): void;
}
