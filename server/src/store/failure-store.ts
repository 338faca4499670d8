// Storage of verification-failure counts, apart from KeyStore: one narrow interface per aggregate.
import type { KeyEventRecord } from '../model/events.js';
import type { StepCount } from '../model/time-steps.js';
import type { FailureBucket, FailureTotal, StatsGroup, UnknownKidSample } from '../model/verification-failures.js';

export interface FailureCountQuery {
  readonly keySet: string;
  readonly from: Date;
  readonly to: Date;
  readonly stepSeconds: number;
  readonly groupBy: StatsGroup;
}

/** The sum of the counts of one group within step number `step` (0 is the step starting at `from`). */
export type FailureCountRow = StepCount;

export interface FailureCompaction {
  /** Minute buckets that start before this are summed into hour buckets. */
  readonly rollUpBefore: Date;
  /** Buckets and samples that start before this are deleted. */
  readonly deleteBefore: Date;
}

export interface FailureStore {
  /** Adds the counts to what is stored (one statement per table); buckets of a deleted key set are dropped. */
  recordFailures(buckets: readonly FailureBucket[], samples: readonly UnknownKidSample[]): Promise<void>;
  failureCounts(query: FailureCountQuery): Promise<FailureCountRow[]>;
  /** Per kid, reason and client: the failures in buckets starting within [from, to). */
  failureTotals(keySet: string, from: Date, to: Date): Promise<FailureTotal[]>;
  /** Distinct unknown kids sampled in hours that overlap [from, to), at most `limit`. */
  unknownKidSamples(keySet: string, from: Date, to: Date, limit: number): Promise<string[]>;
  /** Key lifecycle events (published, activated, retired, expired, revoked) in [from, to), oldest first. */
  lifecycleEvents(keySet: string, from: Date, to: Date, limit: number): Promise<KeyEventRecord[]>;
  /**
   * Rolls up and deletes old buckets, in one transaction under an advisory lock: one replica does
   * it, the others return 'not-leader'.
   */
  compactFailures(compaction: FailureCompaction): Promise<'done' | 'not-leader'>;
}
