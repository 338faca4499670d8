// GetSignatureStats: the signature counts the usage flush stored, as chart series over [from, to)
// in fixed steps, one per kid. Bounded like the failure statistics, with the same checks.
import { invalidArgument } from '../errors.js';
import { requiredRange } from '../model/time-range.js';
import { stepSeries, stepsBetween, type StepSeries } from '../model/time-steps.js';
import type { SignatureStore } from '../store/signature-store.js';

/**
 * Every series has every step, zeros included: many kids over many steps would outgrow a gRPC
 * message (4 MB by default, 1 MB for many clients). 20,000 points stay under 1 MB.
 */
export const MAX_POINTS_PER_ANSWER = 20_000;

export interface SignatureStatsQuery {
  /** A validated name of an existing key set. */
  readonly keySet: string;
  /** A kid of that key set, or undefined for all of them. */
  readonly kid: string | undefined;
  readonly from: Date | undefined;
  readonly to: Date | undefined;
  readonly stepSeconds: number;
}

export async function signatureStats(store: SignatureStore, query: SignatureStatsQuery): Promise<StepSeries[]> {
  const { keySet, kid, stepSeconds } = query;
  const { from, to } = requiredRange(query.from, query.to);
  const steps = stepsBetween(from, to, stepSeconds);
  const rows = await store.signatureCounts({ keySet, kid, from, to, stepSeconds });
  const kids = new Set(rows.map((row) => row.key)).size;
  if (kids * steps > MAX_POINTS_PER_ANSWER) {
    throw invalidArgument(
      'step',
      `gives ${kids * steps} points for the ${kids} kids that signed between from and to; at most ` +
        `${MAX_POINTS_PER_ANSWER}: ask for one kid, a longer step or a shorter range`,
    );
  }
  return stepSeries(rows, from, stepSeconds, steps);
}
