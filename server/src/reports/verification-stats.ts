// GetVerificationStats: stored failure counts as chart series over [from, to) in fixed steps,
// with the key set's lifecycle events as markers. Bounded so one answer stays small.

import { invalidArgument } from '../errors.js';
import { requiredRange } from '../model/time-range.js';
import type { KeyEventRecord } from '../model/events.js';
import type { StatsGroup } from '../model/verification-failures.js';
import type { FailureStore } from '../store/failure-store.js';

export const MAX_POINTS_PER_SERIES = 2_000;
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

export interface StatsSeries {
  readonly key: string;
  readonly points: { readonly start: Date; readonly count: bigint }[];
}

export interface VerificationStats {
  readonly series: StatsSeries[];
  readonly lifecycleEvents: KeyEventRecord[];
  readonly unknownKidSamples: string[];
}

/** `query.keySet` is a validated name of an existing key set. */
export async function verificationStats(store: FailureStore, query: StatsQuery): Promise<VerificationStats> {
  const { keySet, stepSeconds, groupBy } = query;
  const { from, to } = requiredRange(query.from, query.to);
  if (!Number.isInteger(stepSeconds) || stepSeconds < 60 || stepSeconds % 60 !== 0) {
    throw invalidArgument('step', 'must be a whole number of minutes, at least one');
  }
  if (groupBy === undefined) throw invalidArgument('group_by', 'must be REASON, KID or CLIENT');
  const stepMs = stepSeconds * 1_000;
  const steps = Math.ceil((to.getTime() - from.getTime()) / stepMs);
  if (steps > MAX_POINTS_PER_SERIES) {
    throw invalidArgument('step', `gives ${steps} points between from and to; at most ${MAX_POINTS_PER_SERIES}`);
  }

  const [rows, lifecycleEvents, unknownKidSamples] = await Promise.all([
    store.failureCounts({ keySet, from, to, stepSeconds, groupBy }),
    store.lifecycleEvents(keySet, from, to, MAX_LIFECYCLE_EVENTS),
    store.unknownKidSamples(keySet, from, to, MAX_UNKNOWN_KID_SAMPLES),
  ]);
  const counts = new Map<string, bigint[]>();
  for (const row of rows) {
    let points = counts.get(row.key);
    if (points === undefined) {
      points = new Array<bigint>(steps).fill(0n);
      counts.set(row.key, points);
    }
    points[row.step] = (points[row.step] ?? 0n) + row.count;
  }
  const series = [...counts].map(([key, points]) => ({
    key,
    points: points.map((count, step) => ({ start: new Date(from.getTime() + step * stepMs), count })),
  }));
  return { series, lifecycleEvents, unknownKidSamples };
}
