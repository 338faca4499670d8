// Metrics callbacks of the verifier. A hook that throws must not change what verify() answers nor
// break the cache or the reporter: each is called behind a guard that drops its exception.
import type { ReportDroppedEvent, ReportSentEvent } from './failure-reporter.js';
import type { FetchEvent } from './jwks-cache.js';
import type { VerifyReason } from './verify-reasons.js';

export type VerifyEvent =
  | { readonly ok: true; readonly kid: string; readonly alg: string }
  | {
      readonly ok: false;
      readonly reason: VerifyReason;
      readonly kid: string | undefined;
      readonly alg: string | undefined;
    }
  /** No usable JWKS (the jwks_uri is down past stale-if-error): not the token's fault, not reported. */
  | { readonly ok: false; readonly reason: 'JWKS_UNAVAILABLE'; readonly kid: string; readonly alg: string };

export interface VerifierHooks {
  readonly onFetch?: (event: FetchEvent) => void;
  readonly onVerify?: (event: VerifyEvent) => void;
  readonly onReportSent?: (event: ReportSentEvent) => void;
  readonly onReportDropped?: (event: ReportDroppedEvent) => void;
}

export function guardedHooks(hooks: VerifierHooks): VerifierHooks {
  const guarded: Record<string, (event: never) => void> = {};
  for (const [name, hook] of Object.entries(hooks) as [string, ((event: never) => void) | undefined][]) {
    if (typeof hook !== 'function') continue;
    guarded[name] = (event) => {
      try {
        hook(event);
      } catch {
        // A metrics hook's failure is the host's to notice; verification goes on.
      }
    };
  }
  return guarded;
}
