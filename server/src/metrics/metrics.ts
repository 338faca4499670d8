// Keyward's Prometheus metrics: the one module that knows prom-client. The parts that count are
// handed this object as a narrow interface of their own (KeyManager's SignMetrics, the gateway's,
// the scheduler's, the change listener's), so they neither import prom-client nor depend on this
// folder.
//
// Label values are bounded: key set names (created by operators), algorithms, states, reasons and
// HTTP statuses. A kid or a client never becomes a label: kids change with every rotation, and
// clients are unbounded (and hashed elsewhere for privacy).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { KeySetView } from '../keyring/view.js';
import { KEY_STATES, type KeyState } from '../lifecycle/states.js';
import { projectTimeline } from '../lifecycle/timeline.js';
import type { VerifyReason } from '../model/verify-reasons.js';
import { factsOf } from '../service/facts.js';

const PREFIX = 'keyward_';

/** Signing takes ≈30 µs (ES256) to ≈2 ms (RS256-3072); above 50 ms something is wrong. */
const SIGN_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05];
/** NOTIFY arrives within milliseconds; a reload reads one key set. Seconds mean trouble. */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type JwksStatus = 200 | 304 | 404;
export type VerificationResult = 'valid' | VerifyReason;
/** The reported kid's state in this key set; `unknown` when the key set has no such kid. */
export type ReportedKeyState = KeyState | 'unknown';

export interface MetricsSources {
  /** The key sets as served now: read at scrape time for the key gauges. */
  keySets(): readonly KeySetView[];
  /** The lifecycle's clock (the one the scheduler decides with). */
  now(): Date;
}

export interface MetricsOptions {
  /** prom-client's process metrics (CPU, memory, event loop, GC), prefixed keyward_. */
  readonly processMetrics: boolean;
}

interface Inc {
  inc(): void;
}

export class KeywardMetrics {
  readonly registry = new Registry();

  readonly #signatures: Counter<'key_set' | 'alg'>;
  readonly #signDuration: Histogram;
  readonly #jwksResponses: Counter<'status'>;
  readonly #schedulerSuccess: Gauge;
  readonly #notificationLag: Histogram;
  readonly #verifications: Counter<'key_set' | 'result'>;
  readonly #reportedFailures: Counter<'key_set' | 'reason' | 'key_state'>;
  // Label children looked up once: the hot paths then only add to a number.
  readonly #signatureChildren = new Map<string, Inc>();
  readonly #jwksChildren = new Map<JwksStatus, Inc>();

  constructor(sources: MetricsSources, options: MetricsOptions) {
    const registers = [this.registry];
    this.#signatures = new Counter({
      name: `${PREFIX}signatures_total`,
      help: 'Tokens and payloads signed, by key set and algorithm.',
      labelNames: ['key_set', 'alg'],
      registers,
    });
    this.#signDuration = new Histogram({
      name: `${PREFIX}sign_duration_seconds`,
      help: 'Time to sign one token or payload (claims checks and the signature).',
      buckets: SIGN_BUCKETS,
      registers,
    });
    this.#jwksResponses = new Counter({
      name: `${PREFIX}jwks_responses_total`,
      help: 'JWKS requests answered by the gateway, by HTTP status (200, 304 revalidated, 404 unknown key set).',
      labelNames: ['status'],
      registers,
    });
    new Gauge({
      name: `${PREFIX}keys`,
      help: 'Keys of each key set in each lifecycle state, as this replica serves them.',
      labelNames: ['key_set', 'state'],
      registers,
      collect() {
        this.reset();
        for (const view of sources.keySets()) {
          const counts = new Map<KeyState, number>(KEY_STATES.map((state) => [state, 0]));
          for (const key of view.keys) counts.set(key.state, (counts.get(key.state) ?? 0) + 1);
          for (const [state, value] of counts) this.set({ key_set: view.keySet.name, state }, value);
        }
      },
    });
    new Gauge({
      name: `${PREFIX}next_transition_seconds`,
      help:
        "Seconds until the key set's next scheduled lifecycle step; negative when it is overdue. " +
        'No sample while nothing is scheduled.',
      labelNames: ['key_set'],
      registers,
      collect() {
        this.reset();
        const now = sources.now();
        for (const view of sources.keySets()) {
          const seconds = secondsToNextStep(view, now);
          if (seconds !== undefined) this.set({ key_set: view.keySet.name }, seconds);
        }
      },
    });
    this.#schedulerSuccess = new Gauge({
      name: `${PREFIX}scheduler_last_success_timestamp_seconds`,
      help: 'When a scheduler tick last went through every key set without an error (Unix time).',
      registers,
    });
    this.#notificationLag = new Histogram({
      name: `${PREFIX}replica_notification_lag_seconds`,
      help: "Time from a change's commit to the end of this replica's reload of it (wall clocks of writer and reader).",
      buckets: LAG_BUCKETS,
      registers,
    });
    this.#verifications = new Counter({
      name: `${PREFIX}verifications_total`,
      help: 'Verify calls, by key set and result (valid, or why the token does not verify).',
      labelNames: ['key_set', 'result'],
      registers,
    });
    this.#reportedFailures = new Counter({
      name: `${PREFIX}reported_failures_total`,
      help: "Verification failures relying parties reported, by key set, reason and the kid's key state.",
      labelNames: ['key_set', 'reason', 'key_state'],
      registers,
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition, in the Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** A successful signature; `seconds` is how long the Sign took. */
  signed(keySet: string, alg: string, seconds: number): void {
    const key = `${keySet}\n${alg}`;
    let signatures = this.#signatureChildren.get(key);
    if (signatures === undefined) {
      signatures = this.#signatures.labels({ key_set: keySet, alg });
      this.#signatureChildren.set(key, signatures);
    }
    signatures.inc();
    this.#signDuration.observe(seconds);
  }

  jwksResponse(status: JwksStatus): void {
    let child = this.#jwksChildren.get(status);
    if (child === undefined) {
      child = this.#jwksResponses.labels({ status: String(status) });
      this.#jwksChildren.set(status, child);
    }
    child.inc();
  }

  schedulerTickSucceeded(): void {
    this.#schedulerSuccess.setToCurrentTime();
  }

  /** A change committed at `committedAt` (the writer's clock) is now reloaded here. */
  noticeApplied(committedAt: Date): void {
    // Clocks of two machines: a reader slightly ahead of the writer would see a negative lag.
    this.#notificationLag.observe(Math.max(0, (Date.now() - committedAt.getTime()) / 1_000));
  }

  verified(keySet: string, result: VerificationResult): void {
    this.#verifications.inc({ key_set: keySet, result });
  }

  reported(keySet: string, reason: VerifyReason, keyState: ReportedKeyState, count: number): void {
    this.#reportedFailures.inc({ key_set: keySet, reason, key_state: keyState }, count);
  }
}

/** Until the earliest step the policy schedules for any key; undefined when none is. */
function secondsToNextStep(view: KeySetView, now: Date): number | undefined {
  let next: number | undefined;
  for (const { intervals } of projectTimeline(factsOf(view.keySet, view.keys), now)) {
    const first = intervals.find((interval) => interval.scheduled);
    if (first !== undefined && (next === undefined || first.start.getTime() < next)) next = first.start.getTime();
  }
  return next === undefined ? undefined : (next - now.getTime()) / 1_000;
}
