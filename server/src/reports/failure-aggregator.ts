// Verification failures counted in memory per minute and drained in batches by the usage flush:
// a report costs a map update, never a database write. Bounded twice over, because a relying
// party (or whoever holds its token) chooses the kids it reports: kids that are not the key set's
// are counted as UNKNOWN_KID with a small sample of their values, and beyond `maxBuckets` distinct
// buckets new ones are dropped and counted.

import { invalidArgument } from '../errors.js';
import {
  UNKNOWN_KID,
  type FailureBucket,
  type FailureObservation,
  type UnknownKidSample,
} from '../model/verification-failures.js';
import type { VerifyReason } from '../model/verify-reasons.js';

export const DEFAULT_MAX_BUCKETS = 100_000;
/** Distinct unknown kids kept per key set and hour. */
export const UNKNOWN_KID_SAMPLES_PER_HOUR = 20;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface FailureBatch {
  readonly buckets: FailureBucket[];
  readonly unknownKidSamples: UnknownKidSample[];
  /** Observations not counted since the last drain because the table was full: worth a log line. */
  readonly droppedSinceLastDrain: number;
}

export interface FailureAggregatorOptions {
  /** Whether `kid` is one of `keySet`'s keys: answered from memory (the keyring). */
  readonly isKeyOf: (keySet: string, kid: string) => boolean;
  readonly maxBuckets?: number;
}

interface Bucket {
  keySet: string;
  client: string;
  kid: string;
  reason: VerifyReason;
  alg: string;
  minuteMs: number;
  count: number;
}

export class FailureAggregator {
  readonly #isKeyOf: (keySet: string, kid: string) => boolean;
  readonly #maxBuckets: number;
  #buckets = new Map<string, Bucket>();
  /** `keySet \n hourMs` → distinct unknown kids, at most UNKNOWN_KID_SAMPLES_PER_HOUR each. */
  #samples = new Map<string, Set<string>>();
  #dropped = 0;

  constructor(options: FailureAggregatorOptions) {
    const maxBuckets = options.maxBuckets ?? DEFAULT_MAX_BUCKETS;
    if (!Number.isInteger(maxBuckets) || maxBuckets < 1) {
      throw invalidArgument('maxBuckets', 'must be a whole number of at least 1');
    }
    this.#isKeyOf = options.isKeyOf;
    this.#maxBuckets = maxBuckets;
  }

  /** Buckets held now; never more than maxBuckets. */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Counts one validated observation (reports/failure-reports.ts validates what clients send; the
   * Verify RPC's observations are the service's own). Never throws.
   */
  record(observation: FailureObservation): void {
    const { keySet, client, reason, alg, count } = observation;
    const atMs = observation.at.getTime();
    if (Number.isNaN(atMs)) return;
    const minuteMs = atMs - (((atMs % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
    let kid = observation.kid;
    if (kid !== '' && kid !== UNKNOWN_KID && !this.#isKeyOf(keySet, kid)) {
      this.#sample(keySet, minuteMs - (((minuteMs % HOUR_MS) + HOUR_MS) % HOUR_MS), kid);
      kid = UNKNOWN_KID;
    }
    const key = `${keySet}\n${client}\n${kid}\n${reason}\n${alg}\n${minuteMs}`;
    const bucket = this.#buckets.get(key);
    if (bucket !== undefined) {
      bucket.count += count;
      return;
    }
    if (this.#buckets.size >= this.#maxBuckets) {
      this.#dropped += count;
      return;
    }
    this.#buckets.set(key, { keySet, client, kid, reason, alg, minuteMs, count });
  }

  /** Everything counted since the last drain; starts afresh. */
  drain(): FailureBatch {
    const buckets = [...this.#buckets.values()].map(({ minuteMs, ...bucket }): FailureBucket => ({
      ...bucket,
      minute: new Date(minuteMs),
    }));
    const unknownKidSamples: UnknownKidSample[] = [];
    for (const [key, kids] of this.#samples) {
      const split = key.lastIndexOf('\n');
      const keySet = key.slice(0, split);
      const hour = new Date(Number(key.slice(split + 1)));
      for (const kid of kids) unknownKidSamples.push({ keySet, hour, kid });
    }
    const batch = { buckets, unknownKidSamples, droppedSinceLastDrain: this.#dropped };
    this.#buckets = new Map();
    this.#samples = new Map();
    this.#dropped = 0;
    return batch;
  }

  #sample(keySet: string, hourMs: number, kid: string): void {
    const key = `${keySet}\n${hourMs}`;
    let kids = this.#samples.get(key);
    if (kids === undefined) {
      // Bounded with the buckets: a sample set only exists beside at least one bucket of its key set.
      if (this.#samples.size >= this.#maxBuckets) return;
      kids = new Set();
      this.#samples.set(key, kids);
    }
    if (kids.size < UNKNOWN_KID_SAMPLES_PER_HOUR) kids.add(kid);
  }
}
