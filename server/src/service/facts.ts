import type { KeySetFacts } from '../lifecycle/facts.js';
import type { KeyRecord } from '../model/key.js';
import type { KeySetRecord } from '../model/key-set.js';

/**
 * What the lifecycle rules are told about a key set. A KeyRecord is a KeyFacts with more in it;
 * the rules only read states and times, never the sealed material.
 */
export function factsOf(keySet: KeySetRecord, keys: readonly KeyRecord[]): KeySetFacts {
  return { policy: keySet.policy, keys };
}
