// The intake rules for failure reports, the same for the gRPC and the HTTP door: the whole batch
// is checked before any of it is counted, so a refused batch leaves nothing behind.

import { isAlgorithm } from '../crypto/algorithms.js';
import { invalidArgument, KeywardError } from '../errors.js';
import { validateKeySetName } from '../model/names.js';
import { isVerifyReason, VERIFY_REASONS } from '../model/verify-reasons.js';
import type { FailureObservation } from '../model/verification-failures.js';

export const MAX_ITEMS_PER_REPORT = 500;
export const MAX_COUNT_PER_ITEM = 100_000;
export const MAX_KID_LENGTH = 128;
// A window may start this far ahead of the service's clock: relying parties' clocks drift.
export const MAX_FUTURE_MS = 15 * 60_000;
// ...and this far back: a client that was offline for a day can still send what it counted.
// Older reports would land in minutes the roll-up may already have summed into hours.
export const MAX_AGE_MS = 24 * 3_600_000;

// base64url and base64 characters, and the few more a kid of another issuer may carry.
const KID = /^[A-Za-z0-9_.~=+/-]*$/;

/** One line of a report as either door decoded it; still unchecked. */
export interface ReportedFailure {
  readonly kid: string;
  /** A short name from VERIFY_REASONS, or undefined (unset on the wire). */
  readonly reason: string | undefined;
  readonly alg: string;
  readonly count: number;
  readonly windowStart: Date | undefined;
}

export interface FailureReport {
  readonly keySet: string;
  readonly items: readonly ReportedFailure[];
}

export interface FailureIntake {
  /** False when no key set has this name. */
  readonly keySetExists: (keySet: string) => boolean;
  readonly record: (observation: FailureObservation) => void;
}

/**
 * Checks `report` whole, then counts every item for `client` (the caller's principal, never a
 * value of the report). Returns how many items were taken.
 */
export function acceptFailureReport(intake: FailureIntake, report: FailureReport, client: string, now: Date): number {
  const keySet = validateKeySetName(report.keySet, 'key_set');
  if (report.items.length > MAX_ITEMS_PER_REPORT) {
    throw invalidArgument('items', `at most ${MAX_ITEMS_PER_REPORT} per report, got ${report.items.length}`);
  }
  const observations = report.items.map((item, index) =>
    checkItem(item, `items[${index}]`, keySet, client, now.getTime()),
  );
  if (!intake.keySetExists(keySet)) throw new KeywardError('NOT_FOUND', `key set "${keySet}" does not exist`);
  for (const observation of observations) intake.record(observation);
  return observations.length;
}

function checkItem(
  item: ReportedFailure,
  field: string,
  keySet: string,
  client: string,
  nowMs: number,
): FailureObservation {
  const { kid, reason, alg, count, windowStart } = item;
  if (kid.length > MAX_KID_LENGTH || !KID.test(kid)) {
    throw invalidArgument(
      `${field}.kid`,
      `at most ${MAX_KID_LENGTH} characters of A-Z, a-z, 0-9 and "-_.~=+/" (empty for none)`,
    );
  }
  if (reason === undefined || !isVerifyReason(reason)) {
    throw invalidArgument(`${field}.reason`, `must be one of ${VERIFY_REASONS.join(', ')}`);
  }
  if (alg !== '' && !isAlgorithm(alg)) {
    throw invalidArgument(`${field}.alg`, 'must be an algorithm Keyward signs with, or empty');
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT_PER_ITEM) {
    throw invalidArgument(`${field}.count`, `must be a whole number from 1 to ${MAX_COUNT_PER_ITEM}`);
  }
  const atMs = windowStart?.getTime() ?? Number.NaN;
  if (Number.isNaN(atMs) || atMs > nowMs + MAX_FUTURE_MS || atMs < nowMs - MAX_AGE_MS) {
    throw invalidArgument(`${field}.window_start`, 'must be a time within the last 24 hours (or 15 minutes ahead)');
  }
  return { keySet, client, kid, reason, alg, at: new Date(atMs), count };
}
