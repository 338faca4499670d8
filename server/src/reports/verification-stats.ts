// GetVerificationStats: stored failure counts as chart series over [from, to) in fixed steps,
// with the key set's lifecycle events as markers. Bounded so one answer stays small.

import { invalidArgument } from '../errors.js';
import { requiredRange } from '../model/time-range.js';
import { stepSeries, stepsBetween, type StepSeries } from '../model/time-steps.js';
import type { KeyEventRecord } from '../model/events.js';
import type { StatsGroup } from '../model/verification-failures.js';
import type { FailureStore } from '../store/failure-store.js';

// Lifecycle events are a handful a rotation; this only stops a pathological key set.
const MAX_LIFECYCLE_EVENTS = 1_000;
const MAX_UNKNOWN_KID_SAMPLES = 100;

export interface StatsQuery {
  readonly keySet: string;
  readonly from: Date | undefined;
  readonly to: Date | undefined;
  readonly stepSeconds: number;
  readonly groupBy: StatsGroup | undefined;
}

export interface VerificationStats {
  readonly series: StepSeries[];
  readonly lifecycleEvents: KeyEventRecord[];
  readonly unknownKidSamples: string[];
}

/** `query.keySet` is a validated name of an existing key set. */
export async function verificationStats(store: FailureStore, query: StatsQuery): Promise<VerificationStats> {
  const { keySet, stepSeconds, groupBy } = query;
  const { from, to } = requiredRange(query.from, query.to);
  const steps = stepsBetween(from, to, stepSeconds);
  if (groupBy === undefined) throw invalidArgument('group_by', 'must be REASON, KID or CLIENT');

  const [rows, lifecycleEvents, unknownKidSamples] = await Promise.all([
    store.failureCounts({ keySet, from, to, stepSeconds, groupBy }),
    store.lifecycleEvents(keySet, from, to, MAX_LIFECYCLE_EVENTS),
    store.unknownKidSamples(keySet, from, to, MAX_UNKNOWN_KID_SAMPLES),
  ]);
  const series = stepSeries(rows, from, stepSeconds, steps);
  return { series, lifecycleEvents, unknownKidSamples };
}
