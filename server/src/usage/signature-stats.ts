// GetSignatureStats: the signature counts the usage flush stored, as chart series over [from, to)
// in fixed steps, one per kid. Bounded like the failure statistics, with the same checks.
import { requiredRange } from '../model/time-range.js';
import { stepSeries, stepsBetween, type StepSeries } from '../model/time-steps.js';
import type { SignatureStore } from '../store/signature-store.js';

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
  return stepSeries(rows, from, stepSeconds, steps);
}
