// Storage of signature counts, apart from KeyStore: one narrow interface per aggregate. Sign counts
// in memory (usage/signature-counter.ts); the usage flush writes here in batches.
import type { StepCount } from '../model/time-steps.js';

export interface SignatureUsage {
  readonly counts: readonly { keyId: string; minute: Date; count: number }[];
  readonly lastSignedAt: readonly { keyId: string; at: Date; latestTokenExpiry: Date | null }[];
}

export interface SignatureCountQuery {
  readonly keySet: string;
  /** Only this key's counts; every key of the key set when undefined. */
  readonly kid: string | undefined;
  readonly from: Date;
  readonly to: Date;
  readonly stepSeconds: number;
}

export interface SignatureStore {
  /** Adds the counts to what is stored and moves each key's last-signed times forward, in one transaction. */
  recordSignatures(usage: SignatureUsage): Promise<void>;
  /** Per kid and step: the signatures counted in minutes starting within [from, to), by kid then step. */
  signatureCounts(query: SignatureCountQuery): Promise<StepCount[]>;
}
