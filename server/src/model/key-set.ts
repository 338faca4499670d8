import type { KeySetPolicy } from '../lifecycle/policy.js';
import type { KeyRecord } from './key.js';

export type KidScheme = 'jwk-thumbprint' | 'random';

export interface KeySetRecord {
  readonly id: string;
  readonly name: string;
  readonly kidScheme: KidScheme;
  readonly issuer: string | null;
  readonly createdAt: Date;
  readonly policy: KeySetPolicy;
}

/** A key set with all its keys, as loaded together. */
export interface KeySetSnapshot {
  readonly keySet: KeySetRecord;
  /** Oldest first. */
  readonly keys: readonly KeyRecord[];
}
