// DiagnoseVerificationFailures: gathers the facts the diagnosis rules (reports/diagnosis.ts) need:
// the stored failure totals, the keyring (this key set's keys, other key sets' kids) and the JWKS
// sightings of the keys that activated before clients held them.

import { requiredRange } from '../model/time-range.js';
import { addSeconds } from '../lifecycle/facts.js';
import { activationGapKeys, diagnose, type KidDiagnosis, type SightingCounts } from '../reports/diagnosis.js';
import type { FailureStore } from '../store/failure-store.js';
import type { KeyStore } from '../store/key-store.js';
import type { KeyManager } from './key-manager.js';
import { READINESS_WINDOW_SECONDS } from './readiness.js';

// Samples are at most 20 per hour; this bounds a long range.
const MAX_UNKNOWN_KID_SAMPLES = 100;

export interface DiagnosisQuery {
  /** A validated key set name. */
  readonly keySet: string;
  readonly from: Date | undefined;
  readonly to: Date | undefined;
}

export async function diagnoseFailures(
  manager: KeyManager,
  store: FailureStore & Pick<KeyStore, 'readinessCounts'>,
  query: DiagnosisQuery,
): Promise<KidDiagnosis[]> {
  const { from, to } = requiredRange(query.from, query.to);
  const view = manager.view(query.keySet);
  const keySet = view.keySet.name;
  const [totals, unknownKidSamples] = await Promise.all([
    store.failureTotals(keySet, from, to),
    store.unknownKidSamples(keySet, from, to, MAX_UNKNOWN_KID_SAMPLES),
  ]);
  const since = addSeconds(manager.now(), -READINESS_WINDOW_SECONDS);
  const sightings = new Map<string, SightingCounts>(
    await Promise.all(
      activationGapKeys(view.keys, totals).map(
        async (key) => [key.kid, await store.readinessCounts(keySet, since, key.createdAt)] as const,
      ),
    ),
  );
  return diagnose({
    policy: view.keySet.policy,
    jwksMaxAgeSeconds: manager.policyContext.jwksMaxAgeSeconds,
    keys: view.keys,
    totals,
    unknownKidSamples,
    otherKeySetOf: (kid) => {
      const owner = manager.keySetOfKid(kid);
      return owner === keySet ? undefined : owner;
    },
    sightings,
  });
}
