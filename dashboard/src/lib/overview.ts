// What the overview shows of each key set the session may read: its keys' next transition,
// rotation readiness, the last 24 hours of failures (with the lifecycle events as markers), and
// the warnings drawn from them. Three RPCs per key set, the key sets read in parallel.
import 'server-only';
import {
  KeyState,
  type GetKeyTimelineResponse,
  type GetRotationReadinessResponse,
  type KeySet,
} from '@keyward/proto/keyward/v1';
import { cache } from 'react';
import { isGrpcFailure } from './action-errors';
import { failingSpike, type SpikeVerdict } from './failure-spike';
import { stackedSeries, type LifecycleMarker } from './failure-series';
import { verificationStats } from './failures';
import { readableKeySets } from './key-sets';
import { overviewWarnings, type Warning } from './overview-warnings';
import { callAsStaff } from './session';

/** The sparkline's step: 96 points a day, four to the hour the spike rule looks at. */
export const SPARKLINE_STEP_SECONDS = 900;
const DAY_MS = 86_400_000;

/** A key's next scheduled change of state. */
export interface Transition {
  readonly kid: string;
  readonly state: KeyState;
  readonly at: Date;
}

export interface Sparkline {
  readonly stepSeconds: number;
  readonly stepStarts: readonly number[];
  readonly totals: readonly number[];
  readonly markers: readonly LifecycleMarker[];
  readonly total: number;
}

export interface KeySetOverview {
  readonly keySet: KeySet;
  readonly now: Date;
  readonly pendingKid: string | undefined;
  readonly nextTransition: Transition | undefined;
  /** Undefined when it could not be read (the row still shows the rest). */
  readonly readiness: GetRotationReadinessResponse | undefined;
  readonly sparkline: Sparkline | undefined;
  readonly spike: SpikeVerdict | undefined;
  readonly warnings: readonly Warning[];
}

/** A refusal by Keyward (a gRPC status) becomes undefined; anything else (a redirect) goes on. */
async function unlessRefused<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (isGrpcFailure(error)) return undefined;
    throw error;
  }
}

function nextTransitionOf(timeline: GetKeyTimelineResponse): Transition | undefined {
  const transitions = timeline.keys.flatMap((key) =>
    key.intervals
      .filter((interval) => interval.scheduled && interval.start !== undefined)
      .map((interval) => ({ kid: key.kid, state: interval.state, at: interval.start! })),
  );
  transitions.sort((a, b) => a.at.getTime() - b.at.getTime());
  return transitions[0];
}

async function overviewOf(keySet: KeySet, requestedAt: Date): Promise<KeySetOverview> {
  const stepMs = SPARKLINE_STEP_SECONDS * 1_000;
  const to = new Date(Math.ceil((requestedAt.getTime() + 1) / stepMs) * stepMs);
  const from = new Date(to.getTime() - DAY_MS);
  const [timeline, readiness, stats] = await Promise.all([
    callAsStaff('getKeyTimeline', { keySet: keySet.name }),
    unlessRefused(callAsStaff('getRotationReadiness', { keySet: keySet.name })),
    unlessRefused(verificationStats({ keySet: keySet.name, from, to, stepSeconds: SPARKLINE_STEP_SECONDS }, 'reason')),
  ]);
  const now = timeline.now ?? requestedAt;
  const series = stats === undefined ? undefined : stackedSeries(stats, from, to, SPARKLINE_STEP_SECONDS);
  const sparkline =
    series === undefined
      ? undefined
      : {
          stepSeconds: SPARKLINE_STEP_SECONDS,
          stepStarts: series.stepStarts,
          totals: series.totals,
          markers: series.markers,
          total: series.totals.reduce((sum, value) => sum + value, 0),
        };
  const spike = series === undefined ? undefined : failingSpike(series.totals, SPARKLINE_STEP_SECONDS);
  return {
    keySet,
    now,
    pendingKid: timeline.keys.find((key) => key.state === KeyState.KEY_STATE_PENDING)?.kid,
    nextTransition: nextTransitionOf(timeline),
    readiness,
    sparkline,
    spike,
    warnings: overviewWarnings({
      policyWarnings: keySet.policyWarnings,
      readiness,
      spike,
      keys: timeline.keys,
      now,
    }),
  };
}

export const keySetOverviews = cache(async (): Promise<KeySetOverview[]> => {
  const keySets = await readableKeySets();
  const requestedAt = new Date();
  return Promise.all(keySets.map((keySet) => overviewOf(keySet, requestedAt)));
});
