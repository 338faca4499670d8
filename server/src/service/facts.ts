import type { KeySetFacts } from '../lifecycle/facts.js';
import type { KeyRecord, KeySetRecord } from '../store/records.js';

/** What the lifecycle rules are told about a key set: state and times, never key material. */
export function factsOf(keySet: KeySetRecord, keys: readonly KeyRecord[]): KeySetFacts {
  return {
    policy: keySet.policy,
    keys: keys.map((key) => ({
      kid: key.kid,
      use: key.use,
      state: key.state,
      createdAt: key.createdAt,
      activatedAt: key.activatedAt,
      retiredAt: key.retiredAt,
      expiredAt: key.expiredAt,
      revokedAt: key.revokedAt,
      destroyedAt: key.destroyedAt,
      lastSignedAt: key.lastSignedAt,
      latestTokenExpiry: key.latestTokenExpiry,
    })),
  };
}
