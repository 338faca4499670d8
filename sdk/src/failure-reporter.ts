// Verification failures reported to Keyward, aggregated per (kid, reason, alg, minute) in a bounded
// queue and sent in batches: POST {keyward}/v1/verification-failures. Never the token itself.
import type { VerifyReason } from './verify-reasons.js';

export interface ReportOptions {
  /** Keyward's base URL, e.g. https://keyward.example.com. */
  readonly keywardUrl: string;
  /** A report token (Authorization: Bearer …); never a token being verified. */
  readonly token: string;
  /** The key set the verified tokens belong to. */
  readonly keySet: string;
  /** Default 60. */
  readonly flushIntervalSeconds?: number;
  /** Distinct (kid, reason, alg, minute) entries held; failures beyond are dropped. Default 1000. */
  readonly maxEntries?: number;
}

export interface FailureItem {
  readonly kid: string;
  readonly reason: VerifyReason;
  readonly alg: string;
  count: number;
  /** The start of the minute, e.g. 2026-12-06T05:00:00Z. */
  readonly window_start: string;
}

export interface ReportSentEvent {
  readonly items: number;
  /** Failures the items count together. */
  readonly failures: number;
  /** What Keyward said it accepted. */
  readonly accepted: number | undefined;
}

export interface ReportDroppedEvent {
  /** Failures dropped. */
  readonly failures: number;
  /** overflow: the queue was full; rejected: Keyward answered 4xx; closed: unsent at close(). */
  readonly cause: 'overflow' | 'rejected' | 'closed';
}

export interface ReporterHooks {
  readonly onReportSent?: (event: ReportSentEvent) => void;
  readonly onReportDropped?: (event: ReportDroppedEvent) => void;
}

/** Longest a failing Keyward pushes the next attempt out; the wait doubles up to it. */
const MAX_BACKOFF_MS = 10 * 60_000;
/** Header values are attacker-chosen: kept short enough to stay valid report input. */
const MAX_FIELD_LENGTH = 128;

export class FailureReporter {
  readonly #entries = new Map<string, FailureItem>();
  readonly #endpoint: string;
  readonly #intervalMs: number;
  readonly #maxEntries: number;
  readonly #timer: NodeJS.Timeout;
  #sending: Promise<void> | undefined;
  #notBeforeMs = 0;
  #backoffMs = 0;

  constructor(
    private readonly options: ReportOptions,
    private readonly clock: () => Date,
    private readonly fetchImpl: typeof fetch,
    private readonly hooks: ReporterHooks,
  ) {
    this.#endpoint = new URL('/v1/verification-failures', options.keywardUrl).toString();
    this.#intervalMs = (options.flushIntervalSeconds ?? 60) * 1_000;
    this.#maxEntries = options.maxEntries ?? 1_000;
    // A failing flush (a throwing hook) must not become an unhandled rejection in the host process.
    this.#timer = setInterval(() => void this.flush().catch(() => undefined), this.#intervalMs);
    this.#timer.unref();
  }

  record(kid: string, reason: VerifyReason, alg: string, at: Date): void {
    const windowStart = new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
    this.#add({
      kid: kid.slice(0, MAX_FIELD_LENGTH),
      reason,
      alg: alg.slice(0, MAX_FIELD_LENGTH),
      count: 1,
      window_start: windowStart,
    });
  }

  /** Entries waiting to be sent. */
  get pending(): readonly FailureItem[] {
    return [...this.#entries.values()].map((item) => ({ ...item }));
  }

  /** Sends what is queued, unless Keyward asked to wait (429, 5xx) and the wait is not over. */
  async flush(): Promise<void> {
    if (this.#sending !== undefined) return this.#sending;
    if (this.#entries.size === 0 || this.clock().getTime() < this.#notBeforeMs) return;
    this.#sending = this.#send().finally(() => {
      this.#sending = undefined;
    });
    return this.#sending;
  }

  /** Stops the timer and sends what is queued; what cannot be sent now is counted as dropped. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sending;
    await this.flush();
    const unsent = this.#failuresIn(this.#entries.values());
    this.#entries.clear();
    if (unsent > 0) this.hooks.onReportDropped?.({ failures: unsent, cause: 'closed' });
  }

  #add(item: FailureItem): void {
    const key = JSON.stringify([item.kid, item.reason, item.alg, item.window_start]);
    const held = this.#entries.get(key);
    if (held !== undefined) {
      held.count += item.count;
    } else if (this.#entries.size < this.#maxEntries) {
      this.#entries.set(key, { ...item });
    } else {
      this.hooks.onReportDropped?.({ failures: item.count, cause: 'overflow' });
    }
  }

  async #send(): Promise<void> {
    const items = [...this.#entries.values()];
    this.#entries.clear();
    const failures = this.#failuresIn(items);
    let response: Response;
    try {
      response = await this.fetchImpl(this.#endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` },
        body: JSON.stringify({ key_set: this.options.keySet, items }),
        redirect: 'error',
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      this.#retryLater(items, undefined);
      return;
    }
    if (response.status >= 200 && response.status < 300) {
      const body = (await response.json().catch(() => undefined)) as { accepted?: unknown } | undefined;
      const accepted = typeof body?.accepted === 'number' ? body.accepted : undefined;
      this.#backoffMs = 0;
      this.hooks.onReportSent?.({ items: items.length, failures, accepted });
      return;
    }
    await response.body?.cancel();
    if (response.status === 429 || response.status >= 500) {
      this.#retryLater(items, retryAfterMs(response.headers.get('retry-after'), this.clock()));
    } else {
      this.hooks.onReportDropped?.({ failures, cause: 'rejected' });
    }
  }

  /** Puts `items` back (merging with what arrived meanwhile) and waits before the next attempt. */
  #retryLater(items: readonly FailureItem[], retryAfter: number | undefined): void {
    for (const item of items) this.#add(item);
    this.#backoffMs = Math.min(Math.max(this.#backoffMs * 2, this.#intervalMs), MAX_BACKOFF_MS);
    this.#notBeforeMs = this.clock().getTime() + Math.min(retryAfter ?? this.#backoffMs, MAX_BACKOFF_MS);
  }

  #failuresIn(items: Iterable<FailureItem>): number {
    let total = 0;
    for (const item of items) total += item.count;
    return total;
  }
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`. */
function retryAfterMs(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  if (/^\d{1,9}$/.test(value.trim())) return Number(value.trim()) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
