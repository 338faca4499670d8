// Verification failures as relying parties report them (and as Verify observes them), counted
// per minute. Records only: the rules live in reports/.
import type { VerifyReason } from './verify-reasons.js';

/** The kid stored for a kid that is not one of the key set's keys: made-up kids cannot add rows. */
export const UNKNOWN_KID = 'unknown';

/** `count` tokens failed for `reason` at `at` (the start of the window they were counted in). */
export interface FailureObservation {
  readonly keySet: string;
  /** Who reported: the reporting token's principal (token:<name>), or the service itself. */
  readonly client: string;
  readonly kid: string;
  readonly reason: VerifyReason;
  /** The token's alg, or "". */
  readonly alg: string;
  readonly at: Date;
  readonly count: number;
}

/** A stored count: one key set, client, kid, reason and alg over one bucket (a minute or an hour). */
export interface FailureBucket {
  readonly keySet: string;
  readonly client: string;
  readonly kid: string;
  readonly reason: VerifyReason;
  readonly alg: string;
  readonly minute: Date;
  readonly count: number;
}

/** A kid reported that the key set never had, kept as a sample per key set and hour. */
export interface UnknownKidSample {
  readonly keySet: string;
  readonly hour: Date;
  readonly kid: string;
}

export const STATS_GROUPS = ['reason', 'kid', 'client'] as const;
export type StatsGroup = (typeof STATS_GROUPS)[number];

/** The failures of one kid, reason and client over a range, and the end of the latest bucket counted. */
export interface FailureTotal {
  readonly kid: string;
  readonly reason: VerifyReason;
  readonly client: string;
  readonly count: bigint;
  /** No failure counted in the range is later than this (buckets are minutes, or hours once rolled up). */
  readonly lastAt: Date;
}
