import type { KeySetView } from '../keyring/view.js';
import { signingKeys } from '../lifecycle/facts.js';
import type { KeyRecord } from '../model/key.js';
import { factsOf } from './facts.js';

/** The key a rotation under way will activate, if any. */
export function pendingKeyOf(view: KeySetView): KeyRecord | undefined {
  const { pending } = signingKeys(factsOf(view.keySet, view.keys));
  return pending === undefined ? undefined : view.keys.find((key) => key.kid === pending.kid);
}
